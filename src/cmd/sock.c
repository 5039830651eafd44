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

static int set_type(struct sock_options *o, int type, unsigned bit)
{
	o->type = type;
	o->types |= bit;
	return 0;
}

static int add_allowed(struct sock_options *o, const char *arg)
{
	uid_t uid;

	/* An abstract socket has no file mode: this is how to open it to all. */
	if (strcmp(arg, "any") == 0) {
		o->allow_any = true;
		return 0;
	}
	const char *why = parse_user(arg, &uid);
	if (why)
		return cli_bad_value("--allow-uid", arg, why);
	uid_t *grown = realloc(o->allow, (o->nallow + 1) * sizeof(*grown));
	if (!grown)
		return fail("out of memory");
	o->allow = grown;
	o->allow[o->nallow++] = uid;
	return 0;
}

/* --send-fd: the FILEs are opened once the command line is whole (--rw
 * may come after them). */
static int add_send_fd(struct sock_options *o, const char *arg)
{
	if (o->nsend == SOCK_FDS_MAX)
		return usage_error("too many --send-fd: one message carries at most %d descriptors (SCM_MAX_FD)",
				   SOCK_FDS_MAX);
	char **grown = realloc(o->send, (o->nsend + 1) * sizeof(*grown));
	if (grown)
		o->send = grown;
	/* The parser frees ARG after this call. */
	if (!grown || !(o->send[o->nsend] = strdup(arg)))
		return fail("out of memory");
	o->nsend++;
	return 0;
}

static int sock_option(int val, const char *arg, void *data)
{
	struct sock_options *o = data;
	const char *why;

	switch (val) {
	case OPT_LISTEN: o->listen = true; return 0;
	case OPT_CONNECT: o->connect = true; return 0;
	case OPT_STREAM: return set_type(o, SOCK_STREAM, 1);
	case OPT_DGRAM: return set_type(o, SOCK_DGRAM, 2);
	case OPT_SEQPACKET: return set_type(o, SOCK_SEQPACKET, 4);
	case OPT_COUNT:
		if ((why = parse_unsigned(arg, 1, (unsigned long long)-1 / 2, &o->count)))
			return cli_bad_value("--count", arg, why);
		o->has_count = true;
		return 0;
	case OPT_TIMEOUT:
		if ((why = parse_duration(arg, &o->timeout)))
			return cli_bad_value("--timeout", arg, why);
		o->has_timeout = true;
		return 0;
	case OPT_MODE:
		if ((why = parse_mode(arg, &o->mode)))
			return cli_bad_value("--mode", arg, why);
		o->has_mode = true;
		return 0;
	case OPT_ALLOW_UID: return add_allowed(o, arg);
	case OPT_JSON: o->json = true; return 0;
	case OPT_LINES: o->lines = true; return 0;
	case OPT_NULL: o->null = true; return 0;
	case OPT_MAX_CHILDREN:
		if ((why = parse_unsigned(arg, 1, MAX_CHILDREN_MAX, &o->max_children)))
			return cli_bad_value("--max-children", arg, why);
		return 0;
	case OPT_IDLE_TIMEOUT:
		if ((why = parse_duration(arg, &o->idle)))
			return cli_bad_value("--idle-timeout", arg, why);
		if (o->idle.tv_sec == 0 && o->idle.tv_nsec == 0)
			return cli_bad_value("--idle-timeout", arg, "expected more than 0 seconds");
		o->has_idle = true;
		return 0;
	case OPT_HEX: o->hex = true; return 0;
	case OPT_SEND_FD: return add_send_fd(o, arg);
	case OPT_RW: o->rw = true; return 0;
	case OPT_PASS_FDS: o->pass_fds = true; return 0;
	case OPT_RELAY_FDS:
		free(o->relay_fds);
		return (o->relay_fds = strdup(arg)) ? 0 : fail("out of memory");
	case OPT_RELAY_IDLE:
		if ((why = parse_duration(arg, &o->idle)))
			return cli_bad_value(SOCK_RELAY_OPTION, arg, why);
		o->relay = true;
		return 0;
	}
	return CLI_UNHANDLED;
}

static void sock_init(void *opts)
{
	struct sock_options *o = opts;

	o->type = SOCK_STREAM;
	o->mode = 0600;
}

static void sock_done(void *opts)
{
	struct sock_options *o = opts;

	free(o->allow);
	for (size_t i = 0; i < o->nsend; i++)
		free(o->send[i]);
	free(o->send);
	free(o->relay_fds);
}

/* ---- the command ----------------------------------------------------------- */

static int listen_only(const char *what)
{
	return usage_error("%s applies to --listen", what);
}

static int check_listen(const struct sock_options *o, const struct cli *cli)
{
	if (o->lines || o->null)
		return usage_error("--%s applies to --connect", o->lines ? "lines" : "null");
	if (o->nsend || o->rw)
		return usage_error("%s applies to --connect; a listener takes descriptors with --pass-fds",
				   o->nsend ? "--send-fd" : "--rw");
	if (o->hex && (o->json || cli->command))
		return usage_error("--hex and %s contradict each other", o->json ? "--json" : "-- COMMAND");
	if (o->pass_fds && !cli->command)
		return usage_error("--pass-fds gives descriptors to COMMAND; without -- COMMAND a listener "
				   "refuses them");
	if (cli->nargs > 1)
		return usage_error("unexpected argument '%s': --listen takes no DATA",
				   quote_input(cli->args[1]));
	if (o->has_idle && o->type == SOCK_DGRAM)
		return usage_error("--idle-timeout closes connections; --dgram has none");
	if (cli->command) {
		if (!cli->command[0])
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

static int check_connect(const struct sock_options *o, const struct cli *cli)
{
	if (o->has_count)
		return listen_only("--count");
	if (o->max_children)
		return listen_only("--max-children");
	if (o->has_idle)
		return listen_only("--idle-timeout");
	if (o->has_mode)
		return listen_only("--mode");
	if (o->nallow || o->allow_any)
		return listen_only("--allow-uid");
	if (o->json)
		return listen_only("--json");
	if (o->hex)
		return listen_only("--hex");
	if (o->pass_fds)
		return listen_only("--pass-fds");
	if (o->rw && !o->nsend)
		return usage_error("--rw says how to open the --send-fd FILEs; there is none");
	if (cli->command)
		return listen_only("-- COMMAND");
	/* The listener's --timeout 0 is one look; a whole exchange cannot be
	 * bounded by no time at all. */
	if (o->has_timeout && o->timeout.tv_sec == 0 && o->timeout.tv_nsec == 0)
		return usage_error("--timeout 0 bounds nothing a client can do: give more than 0 seconds");
	if (o->type == SOCK_STREAM) {
		if (o->lines || o->null)
			return usage_error("--%s applies to --dgram and --seqpacket; a stream is sent as it is",
					   o->lines ? "lines" : "null");
		if (cli->nargs > 2)
			return usage_error("unexpected argument '%s': a stream takes one DATA at most",
					   quote_input(cli->args[2]));
		if (o->nsend && cli->nargs > 1 && cli->args[1][0] == '\0')
			return usage_error("--send-fd on a stream needs DATA of one byte or more: the descriptors "
					   "ride on the bytes");
	}
	if ((o->lines || o->null) && cli->nargs > 1)
		return usage_error("DATA arguments and --%s contradict each other", o->lines ? "lines" : "null");
	return 0;
}

static int sock_check(const struct sock_options *o, const struct cli *cli, struct sock_addr *a)
{
	/* Under socket activation the socket is given: PATH only picks it. */
	if (cli->nargs == 0 && !(o->listen && !o->connect && sock_activated()))
		return usage_error("missing PATH");
	if (o->listen == o->connect)
		return usage_error(o->listen ? "--listen and --connect contradict each other"
					     : "choose --listen or --connect");
	if (o->types & (o->types - 1))
		return usage_error("--stream, --dgram and --seqpacket contradict each other: choose one");
	if (o->lines && o->null)
		return usage_error("--lines and --null contradict each other");
	int rc = o->listen ? check_listen(o, cli) : check_connect(o, cli);
	if (rc || cli->nargs == 0)
		return rc;
	const char *why = sock_addr_parse(cli->args[0], a);
	if (why)
		return cli_bad_value("PATH", cli->args[0], why);
	if (o->listen && o->has_mode && a->abstract)
		return usage_error("--mode does not apply to the abstract name %s: it has no file; "
				   "--allow-uid says who may connect", quote_input(cli->args[0]));
	return 0;
}

static int sock_run(void *opts, const struct cli *cli)
{
	struct sock_options *o = opts;
	struct sock_addr a;
	int rc;

	if (o->relay_fds)
		return cli->command && cli->command[0] ? sock_fds_exec(o->relay_fds, o->has_idle ? &o->idle : NULL,
								      (char *const *)cli->command)
						       : usage_error("missing COMMAND after --");
	if (o->relay)
		return cli->command && cli->command[0] ? sock_relay(&o->idle, (char *const *)cli->command)
						       : usage_error("missing COMMAND after --");
	if ((rc = sock_check(o, cli, &a)))
		return rc;
	bool has_path = cli->nargs > 0;
	termination_catch();
	/* A listener's COMMANDs get INT, TERM, HUP and QUIT as it does, as
	 * recv --exec's do (one policy, lib/spawn.h). */
	if (o->listen && cli->command && cli->command[0])
		spawn_forward_signals_terminating();
	/* A peer that leaves early is reported, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	if (o->listen)
		rc = sock_serve(o, has_path ? &a : NULL, (char *const *)cli->command);
	else
		rc = sock_client(o, &a, cli);
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
	.size = sizeof(struct sock_options),
	.runs_command = true,
	.init = sock_init,
	.option = sock_option,
	.old_run = sock_run,
	.done = sock_done,
};
