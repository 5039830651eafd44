/* sock: Unix domain sockets from the shell (ipctool-sock(1)).  A listener that is
 * safe to leave running (its file 0600 whatever the umask, a stale socket
 * replaced but never a live one, nothing else at PATH touched, its own file
 * removed on exit, peers checked with the kernel's credentials before a
 * byte is delivered), and a client that half-closes after its input and
 * copies the reply, or sends records. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd/commands.h"
#include "cmd/sock.h"
#include "cmd/sockfds.h"
#include "cmd/sockrelay.h"
#include "lib/cli.h"
#include "lib/command.h"
#include "lib/error.h"
#include "lib/parse.h"
#include "lib/spawn.h"
#include "lib/wait.h"
#include "mech/sockact.h"
#include "mech/socket.h"

enum {
	OPT_LISTEN = 1, OPT_CONNECT, OPT_STREAM, OPT_DGRAM, OPT_SEQPACKET, OPT_COUNT,
	OPT_TIMEOUT, OPT_MODE, OPT_ALLOW_UID, OPT_JSON, OPT_LINES, OPT_NULL, OPT_MAX_CHILDREN,
	OPT_IDLE_TIMEOUT, OPT_RELAY_IDLE, OPT_HEX, OPT_SEND_FD, OPT_RW, OPT_PASS_FDS, OPT_RELAY_FDS,
};

enum { MAX_CHILDREN_MAX = 65536 };

static struct poptOption sock_table[] = {
	{ "listen", 'l', POPT_ARG_NONE, NULL, OPT_LISTEN,
	  "bind PATH and serve connections or datagrams", NULL },
	{ "connect", 'C', POPT_ARG_NONE, NULL, OPT_CONNECT,
	  "send DATA, or standard input, to the listener at PATH", NULL },
	{ "stream", '\0', POPT_ARG_NONE, NULL, OPT_STREAM, "a stream socket (the default)", NULL },
	{ "dgram", '\0', POPT_ARG_NONE, NULL, OPT_DGRAM, "a datagram socket", NULL },
	{ "seqpacket", '\0', POPT_ARG_NONE, NULL, OPT_SEQPACKET, "a sequenced-packet socket", NULL },
	{ "count", 'c', POPT_ARG_STRING, NULL, OPT_COUNT,
	  "serve N connections or datagrams, then exit", "N" },
	{ "timeout", 't', POPT_ARG_STRING, NULL, OPT_TIMEOUT,
	  "listen: the longest wait for the next one; connect: the whole call, waiting for a listener "
	  "to appear (exit 3)", "SECS" },
	{ "mode", 'p', POPT_ARG_STRING, NULL, OPT_MODE,
	  "the socket file's permissions in octal (default 0600)", "MODE" },
	{ "allow-uid", 'u', POPT_ARG_STRING, NULL, OPT_ALLOW_UID,
	  "serve only peers of this user (repeatable), or any; refuse the others", "USER" },
	{ "json", 'J', POPT_ARG_NONE, NULL, OPT_JSON,
	  "one JSON object per record or chunk of a connection, with the peer's pid, uid, gid", NULL },
	{ "lines", '\0', POPT_ARG_NONE, NULL, OPT_LINES,
	  "dgram, seqpacket: send each line of standard input as one record", NULL },
	{ "null", '0', POPT_ARG_NONE, NULL, OPT_NULL,
	  "dgram, seqpacket: send each NUL-terminated record of standard input", NULL },
	{ "max-children", '\0', POPT_ARG_STRING, NULL, OPT_MAX_CHILDREN,
	  "with -- COMMAND: run at most N at once; more connections wait in the backlog", "N" },
	{ "idle-timeout", '\0', POPT_ARG_STRING, NULL, OPT_IDLE_TIMEOUT,
	  "listen: close a connection that sent nothing for SECS", "SECS" },
	{ "hex", 'x', POPT_ARG_NONE, NULL, OPT_HEX,
	  "listen: each record, or each connection's bytes, as a hex and ASCII dump, as shm-read --hex", NULL },
	{ "send-fd", '\0', POPT_ARG_STRING, NULL, OPT_SEND_FD,
	  "connect: pass an open descriptor of FILE with the data (repeatable; read-only unless --rw)", "FILE" },
	{ "rw", '\0', POPT_ARG_NONE, NULL, OPT_RW, "connect: open the --send-fd FILEs read-write", NULL },
	{ "pass-fds", '\0', POPT_ARG_NONE, NULL, OPT_PASS_FDS,
	  "listen, with -- COMMAND: start COMMAND on the connection's first bytes, with the descriptors "
	  "that came with them as fds 3, 4, ... (IPCTOOL_FDS)", NULL },
	{ SOCK_FDS_OPTION + 2, '\0', POPT_ARG_STRING | POPT_ARGFLAG_DOC_HIDDEN, NULL, OPT_RELAY_FDS, NULL, NULL },
	{ SOCK_RELAY_OPTION + 2, '\0', POPT_ARG_STRING | POPT_ARGFLAG_DOC_HIDDEN, NULL, OPT_RELAY_IDLE, NULL, NULL },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

/* --mode with a value of its own (sock's table, not the shared --mode):
 * every value checked, the last kept. */
/* --allow-uid, repeatable: users, or any. */
static int read_allowed(const struct args *a, struct sock_options *o)
{
	for (const struct arg *g = NULL; (g = args_next(a, OPT_ALLOW_UID, g));) {
		uid_t uid;
		/* An abstract socket has no file mode: this is how to open it to all. */
		if (strcmp(g->value, "any") == 0) {
			o->allow_any = true;
			continue;
		}
		const char *why = parse_user(g->value, &uid);
		if (why)
			return cli_bad_value(args_name(a, OPT_ALLOW_UID), g->value, why);
		uid_t *grown = realloc(o->allow, (o->nallow + 1) * sizeof(*grown));
		if (!grown)
			return fail("out of memory");
		o->allow = grown;
		o->allow[o->nallow++] = uid;
	}
	return 0;
}

/* --send-fd, repeatable: the FILEs are opened in sock_client, once --rw
 * is known wherever it came. */
static int read_send_fds(const struct args *a, struct sock_options *o)
{
	for (const struct arg *g = NULL; (g = args_next(a, OPT_SEND_FD, g));) {
		if (o->nsend == SOCK_FDS_MAX)
			return usage_error("too many --send-fd: one message carries at most %d descriptors "
					   "(SCM_MAX_FD)", SOCK_FDS_MAX);
		const char **grown = realloc(o->send, (o->nsend + 1) * sizeof(*grown));
		if (!grown)
			return fail("out of memory");
		o->send = grown;
		o->send[o->nsend++] = g->value;
	}
	return 0;
}

/* The type options, each a bit of o->types so that two are a contradiction. */
static void read_type(const struct args *a, struct sock_options *o)
{
	static const struct { int val, type; } types[] = {
		{ OPT_STREAM, SOCK_STREAM }, { OPT_DGRAM, SOCK_DGRAM }, { OPT_SEQPACKET, SOCK_SEQPACKET },
	};

	o->type = SOCK_STREAM;
	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (args_has(a, types[i].val)) {
			o->type = types[i].type;
			o->types |= 1u << i;
		}
}

/* O from the command line; what it allocates sock_free frees, whatever
 * this returns. */
static int read_options(const struct args *a, struct sock_options *o)
{
	int rc;

	*o = (struct sock_options){ .mode = 0600 };
	o->listen = args_has(a, OPT_LISTEN);
	o->connect = args_has(a, OPT_CONNECT);
	read_type(a, o);
	o->has_count = args_has(a, OPT_COUNT);
	o->has_timeout = args_has(a, OPT_TIMEOUT);
	o->json = args_has(a, OPT_JSON);
	o->lines = args_has(a, OPT_LINES);
	o->null = args_has(a, OPT_NULL);
	o->hex = args_has(a, OPT_HEX);
	o->rw = args_has(a, OPT_RW);
	o->pass_fds = args_has(a, OPT_PASS_FDS);
	o->has_mode = args_has(a, OPT_MODE);
	o->has_idle = args_has(a, OPT_IDLE_TIMEOUT);
	o->relay_fds = args_value(a, OPT_RELAY_FDS);
	o->relay = args_has(a, OPT_RELAY_IDLE);
	if ((rc = args_unsigned(a, OPT_COUNT, 1, (unsigned long long)-1 / 2, &o->count)) ||
	    (rc = args_duration(a, OPT_TIMEOUT, &o->timeout)) || (rc = args_mode(a, OPT_MODE, &o->mode)) ||
	    (rc = read_allowed(a, o)) ||
	    (rc = args_unsigned(a, OPT_MAX_CHILDREN, 1, MAX_CHILDREN_MAX, &o->max_children)) ||
	    (rc = args_positive_duration(a, OPT_IDLE_TIMEOUT, &o->idle)) || (rc = read_send_fds(a, o)))
		return rc;
	/* The hidden --relay-idle: the listener's --idle-timeout, handed on
	 * to the relay it starts (sockrelay.h). */
	return args_duration(a, OPT_RELAY_IDLE, &o->idle);
}

static void sock_free(struct sock_options *o)
{
	free(o->allow);
	free(o->send);
}

/* ---- the command ----------------------------------------------------------- */

static int listen_only(const char *what)
{
	return usage_error("%s applies to --listen", what);
}

static int check_listen(const struct sock_options *o, const struct args *a)
{
	if (o->lines || o->null)
		return usage_error("--%s applies to --connect", o->lines ? "lines" : "null");
	if (o->nsend || o->rw)
		return usage_error("%s applies to --connect; a listener takes descriptors with --pass-fds",
				   o->nsend ? "--send-fd" : "--rw");
	if (o->hex && (o->json || a->command))
		return usage_error("--hex and %s contradict each other", o->json ? "--json" : "-- COMMAND");
	if (o->pass_fds && !a->command)
		return usage_error("--pass-fds gives descriptors to COMMAND; without -- COMMAND a listener "
				   "refuses them");
	if (a->nwords > 1)
		return usage_error("unexpected argument '%s': --listen takes no DATA",
				   quote_input(a->words[1]));
	if (o->has_idle && o->type == SOCK_DGRAM)
		return usage_error("--idle-timeout closes connections; --dgram has none");
	if (a->command) {
		if (!a->command[0])
			return usage_error("missing COMMAND after --");
		if (o->type == SOCK_DGRAM)
			return usage_error("-- COMMAND serves connections: --stream or --seqpacket, not --dgram");
		if (o->json)
			return usage_error("--json and -- COMMAND contradict each other: COMMAND gets the data");
		/* The relay is a byte stream: it would merge records. */
		if (o->has_idle && o->type == SOCK_SEQPACKET)
			return usage_error("--idle-timeout with -- COMMAND serves --stream connections, not --seqpacket");
	} else if (o->max_children) {
		return usage_error("--max-children bounds COMMANDs; without -- COMMAND connections are served "
				   "one at a time");
	}
	return 0;
}

static int check_connect(const struct sock_options *o, const struct args *a)
{
	if (o->has_count)
		return listen_only(args_name(a, OPT_COUNT));
	if (o->max_children)
		return listen_only(args_name(a, OPT_MAX_CHILDREN));
	if (o->has_idle)
		return listen_only(args_name(a, OPT_IDLE_TIMEOUT));
	if (o->has_mode)
		return listen_only(args_name(a, OPT_MODE));
	if (o->nallow || o->allow_any)
		return listen_only(args_name(a, OPT_ALLOW_UID));
	if (o->json)
		return listen_only(args_name(a, OPT_JSON));
	if (o->hex)
		return listen_only(args_name(a, OPT_HEX));
	if (o->pass_fds)
		return listen_only(args_name(a, OPT_PASS_FDS));
	if (o->rw && !o->nsend)
		return usage_error("--rw says how to open the --send-fd FILEs; there is none");
	if (a->command)
		return listen_only("-- COMMAND");
	/* The listener's --timeout 0 is one look; a whole exchange cannot be
	 * bounded by no time at all. */
	if (o->has_timeout && o->timeout.tv_sec == 0 && o->timeout.tv_nsec == 0)
		return usage_error("--timeout 0 bounds nothing a client can do: give more than 0 seconds");
	if (o->type == SOCK_STREAM) {
		if (o->lines || o->null)
			return usage_error("--%s applies to --dgram and --seqpacket; a stream is sent as it is",
					   o->lines ? "lines" : "null");
		if (a->nwords > 2)
			return usage_error("unexpected argument '%s': a stream takes one DATA at most",
					   quote_input(a->words[2]));
		if (o->nsend && a->nwords > 1 && a->words[1][0] == '\0')
			return usage_error("--send-fd on a stream needs DATA of one byte or more: the descriptors "
					   "ride on the bytes");
	}
	if ((o->lines || o->null) && a->nwords > 1)
		return usage_error("DATA arguments and --%s contradict each other", o->lines ? "lines" : "null");
	return 0;
}

static int sock_check(const struct sock_options *o, const struct args *a, struct sock_addr *addr)
{
	/* Under socket activation the socket is given: PATH only picks it. */
	if (a->nwords == 0 && !(o->listen && !o->connect && sock_activated()))
		return usage_error("missing PATH");
	if (o->listen == o->connect)
		return usage_error(o->listen ? "--listen and --connect contradict each other"
					     : "choose --listen or --connect");
	if (o->types & (o->types - 1))
		return usage_error("--stream, --dgram and --seqpacket contradict each other: choose one");
	if (o->lines && o->null)
		return usage_error("--lines and --null contradict each other");
	int rc = o->listen ? check_listen(o, a) : check_connect(o, a);
	if (rc || a->nwords == 0)
		return rc;
	const char *why = sock_addr_parse(a->words[0], addr);
	if (why)
		return cli_bad_value("PATH", a->words[0], why);
	if (o->listen && o->has_mode && addr->abstract)
		return usage_error("--mode does not apply to the abstract name %s: it has no file; "
				   "--allow-uid says who may connect", quote_input(a->words[0]));
	return 0;
}

/* The hidden relays (sockfds.h, sockrelay.h): COMMAND after what they
 * took. */
static int sock_relays(const struct sock_options *o, const struct args *a)
{
	char *const *command = (char *const *)a->command;

	if (!command || !command[0])
		return usage_error("missing COMMAND after --");
	if (o->relay_fds)
		return sock_fds_exec(o->relay_fds, o->has_idle ? &o->idle : NULL, command);
	return sock_relay(&o->idle, command);
}

static int sock_go(const struct sock_options *o, const struct args *a)
{
	struct sock_addr addr;
	int rc;

	if (o->relay_fds || o->relay)
		return sock_relays(o, a);
	if ((rc = sock_check(o, a, &addr)))
		return rc;
	termination_catch();
	/* A listener's COMMANDs get INT, TERM, HUP and QUIT as it does, as
	 * recv --exec's do (one policy, lib/spawn.h). */
	if (o->listen && a->command && a->command[0])
		spawn_forward_signals_terminating();
	/* A peer that leaves early is reported, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	if (o->listen)
		return sock_serve(o, a->nwords > 0 ? &addr : NULL, (char *const *)a->command);
	return sock_client(o, &addr, a->words + 1, a->nwords - 1);
}

static int sock_run(const struct args *a)
{
	struct sock_options o;
	int rc = read_options(a, &o);

	if (rc == 0)
		rc = sock_go(&o, a);
	sock_free(&o);
	return rc;
}

const struct command command_sock = {
	.name = "sock",
	.summary = "listen on or connect to a Unix domain socket",
	.synopsis = "[PATH] --listen [--stream | --dgram | --seqpacket] [--count N] [--timeout SECS] "
		    "[--mode MODE] [--allow-uid USER]... [--json | --hex] [--idle-timeout SECS] [--max-children N] "
		    "[--pass-fds] [-- COMMAND [ARGS...]]\n"
		    "PATH --connect [DATA...] [--stream | --dgram | --seqpacket] [--lines | --null] "
		    "[--timeout SECS] [--send-fd FILE]... [--rw]",
	.table = sock_table,
	.complete = COMPLETE_NOTHING,
	.flags = COMMAND_RUNS_COMMAND,
	.run = sock_run,
};
