/* sock: Unix domain sockets from the shell (ipctool-sock(1)).  A listener that is
 * safe to leave running (its file 0600 whatever the umask, a stale socket
 * replaced but never a live one, nothing else at PATH touched, its own file
 * removed on exit, peers checked with the kernel's credentials before a
 * byte is delivered), and a client that half-closes after its input and
 * copies the reply, or sends records. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/chunks.h"
#include "lib/cli.h"
#include "lib/command.h"
#include "cmd/commands.h"
#include "lib/error.h"
#include "lib/records.h"
#include "lib/io.h"
#include "lib/json.h"
#include "lib/parse.h"
#include "mech/socket.h"
#include "mech/sockact.h"
#include "cmd/sockrefuse.h"
#include "cmd/sockrelay.h"
#include "lib/spawn.h"
#include "inv/sysvobj.h"
#include "lib/wait.h"

enum {
	OPT_LISTEN = 1, OPT_CONNECT, OPT_STREAM, OPT_DGRAM, OPT_SEQPACKET, OPT_COUNT,
	OPT_TIMEOUT, OPT_MODE, OPT_ALLOW_UID, OPT_JSON, OPT_LINES, OPT_NULL, OPT_MAX_CHILDREN,
	OPT_IDLE_TIMEOUT, OPT_RELAY_IDLE,
};

enum { MAX_CHILDREN_MAX = 65536 };

struct sock_options {
	bool listen, connect;
	int type;                 /* SOCK_STREAM unless a type option says */
	unsigned types;           /* which type options were given, as bits */
	bool has_count;
	unsigned long long count;
	bool has_timeout;
	struct timespec timeout;
	bool has_mode;
	mode_t mode;
	uid_t *allow;
	size_t nallow;
	bool allow_any;           /* --allow-uid any */
	bool json, lines, null;
	unsigned long long max_children;   /* --max-children; 0: no bound */
	bool has_idle;
	struct timespec idle;              /* --idle-timeout */
	bool relay;                        /* the hidden --relay-idle: see sockrelay.h */
};

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
}

/* ---- waiting ------------------------------------------------------------ */

/* Wait until FD has EVENTS, within W and at most CAP_MS (-1: no cap).
 * Returns 1 ready, 0 when W's deadline passed (or CAP_MS did), -1 on a
 * termination signal or an error (errno). */
static int wait_fd(int fd, short events, const struct wait *w, int cap_ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	for (;;) {
		if (termination_pending()) {
			errno = EINTR;
			return -1;
		}
		int ms = wait_remaining_ms(w);
		if (cap_ms >= 0 && (ms < 0 || ms > cap_ms))
			ms = cap_ms;
		int r = poll(&p, 1, ms);
		if (r > 0)
			return 1;
		if (r == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

/* ---- the listener -------------------------------------------------------- */

struct child {
	struct spawn spawn;
	pid_t peer;
	const char *name;        /* COMMAND, for reports (spawn's argv may be the relay's) */
};

struct server {
	const struct sock_options *o;
	char *const *command;
	struct sock_listener l;
	struct wait w;
	unsigned long long served;
	struct child *kids;
	size_t nkids, kids_cap;
	struct sockrefuse refused;
	bool only_self;          /* @NAME without --allow-uid: our own uid only */
	struct buf out;          /* records not yet written to stdout */
	char *rec;               /* one record (dgram, seqpacket) */
	size_t rec_cap;
	char **relay_argv;       /* --idle-timeout with COMMAND: ipctool as the relay */
	char relay_exe[4096], relay_idle[48];
};

enum { CHUNK = 128 * 1024, OUT_FLUSH = 64 * 1024 };

static bool allowed(struct server *s, const struct sock_peer *p)
{
	const struct sock_options *o = s->o;

	if (o->allow_any || (o->nallow == 0 && !s->only_self))
		return true;
	/* A datagram queued before the socket asked for credentials (socket
	 * activation) has none: it is no user's, not even ours.  Only the
	 * datagrams queued before the start can be so, so this is no flood. */
	if (p->pid == 0) {
		warn("refused a %s with no credentials (sent before the socket asked for them) on %s",
		     s->refused.what, s->l.addr.text);
		return false;
	}
	if (s->only_self && p->uid == geteuid())
		return true;
	for (size_t i = 0; i < o->nallow; i++)
		if (o->allow[i] == p->uid)
			return true;
	sockrefuse_note(&s->refused, p->pid, p->uid);
	return false;
}

/* Who is refused, and why.  Anyone who can reach an abstract name can
 * connect to it (unix(7)): without --allow-uid, only our own uid. */
static void refusals_init(struct server *s)
{
	const struct sock_options *o = s->o;

	s->only_self = s->l.addr.abstract && o->nallow == 0 && !o->allow_any;
	sockrefuse_init(&s->refused, s->l.addr.text, s->l.type == SOCK_DGRAM ? "datagram" : "connection",
			s->only_self ? "an abstract socket serves only its own user without --allow-uid"
				     : "not an --allow-uid user");
}

static int flush_out(struct server *s)
{
	if (s->out.len == 0)
		return 0;
	int rc = write_through(STDOUT_FILENO, s->out.data, s->out.len);
	s->out.len = 0;
	if (rc != 0)
		return fail_errno("cannot write standard output");
	return 0;
}

/* A JSON object's start: the peer's credentials, null for a datagram the
 * kernel has none for (see sock_recv_record). */
static int credentials(struct buf *out, const struct sock_peer *p)
{
	if (p->pid == 0)
		return buf_append_str(out, "{\"pid\":null,\"uid\":null,\"gid\":null,");
	return buf_printf(out, "{\"pid\":%ld,\"uid\":%lu,\"gid\":%lu,", (long)p->pid, (unsigned long)p->uid,
			  (unsigned long)p->gid);
}

/* "data" when the bytes are UTF-8, else "data_base64". */
static int data_member(struct buf *out, const char *data, size_t n)
{
	if (utf8_valid((const unsigned char *)data, n))
		return buf_append_str(out, "\"data\":") || json_append_string(out, data, n);
	return buf_append_str(out, "\"data_base64\":\"") || base64_append(out, (const unsigned char *)data, n) ||
	       buf_append(out, "\"", 1);
}

/* One record as ipctool-sock(1) writes it: bytes and a newline, or a JSON
 * object with the peer's credentials. */
static int emit(struct server *s, const struct sock_peer *p, const char *data, size_t n)
{
	size_t before = s->out.len;
	int bad;

	if (s->o->json)
		bad = credentials(&s->out, p) || data_member(&s->out, data, n) || buf_append(&s->out, "}\n", 2);
	else
		bad = buf_append(&s->out, data, n) || buf_append(&s->out, "\n", 1);
	if (bad) {
		s->out.len = before;   /* no half object goes out */
		return fail("out of memory for a %zu-byte record", n);
	}
	return s->out.len >= OUT_FLUSH ? flush_out(s) : 0;
}

/* Wait until the connection sends something, for at most --idle-timeout.
 * True when it did; false once it sent nothing for that long (reported:
 * the caller closes it) or a termination signal came. */
static bool sends_in_time(const struct server *s, int conn, const struct sock_peer *p)
{
	struct wait idle;

	wait_init(&idle, false, s->o->has_idle ? &s->o->idle : NULL);
	int r = wait_fd(conn, POLLIN, &idle, -1);
	if (r == 0)
		warn("closed the connection from pid %ld on %s: it sent nothing for %lld.%03ld s (--idle-timeout)",
		     (long)p->pid, s->l.addr.text, (long long)s->o->idle.tv_sec, s->o->idle.tv_nsec / 1000000);
	return r > 0;
}

/* A stream connection's bytes straight to stdout, until the peer closes
 * (or a termination signal: what came is out, the rest is the peer's). */
static int copy_connection(const struct server *s, int conn, const struct sock_peer *p)
{
	static char buf[CHUNK];

	for (;;) {
		if (s->o->has_idle && !sends_in_time(s, conn, p))
			return EXIT_OK;
		ssize_t got = read_some(conn, buf, sizeof(buf));
		if (got == 0 || (got < 0 && errno == EINTR))
			return EXIT_OK;
		if (got < 0)
			return errno == ECONNRESET ? EXIT_OK : fail_errno("cannot read a connection");
		/* What was read is written whole, even past a termination
		 * signal: no bytes taken from the peer are dropped. */
		size_t done = 0;
		if (write_all(STDOUT_FILENO, buf, (size_t)got, &done) != 0) {
			if (errno == EINTR && write_through(STDOUT_FILENO, buf + done, (size_t)got - done) == 0)
				return EXIT_OK;
			return fail_errno("cannot write standard output");
		}
	}
}

/* --json on a stream: one object per chunk as it arrives, never the whole
 * connection in memory (a peer may send without end), then one that says
 * the connection ended and how many bytes it carried. */
enum { JSON_CHUNK = 64 * 1024 };

struct json_stream {
	struct server *s;
	const struct sock_peer *p;
	int conn;
};

static int json_chunk(void *ctx, const char *data, size_t n, unsigned long long offset)
{
	struct json_stream *j = ctx;
	struct buf *out = &j->s->out;
	size_t before = out->len;

	if (credentials(out, j->p) || buf_printf(out, "\"offset\":%llu,", offset) || data_member(out, data, n) ||
	    buf_append(out, "}\n", 2)) {
		out->len = before;
		return fail("out of memory for a %zu-byte chunk", n);
	}
	return flush_out(j->s);
}

/* A termination signal or a reset ends the connection where it is; so
 * does a silence of --idle-timeout (what it sent until then is out). */
static ssize_t read_connection(void *ctx, char *buf, size_t n, int *rc)
{
	const struct json_stream *j = ctx;

	if (j->s->o->has_idle && !sends_in_time(j->s, j->conn, j->p))
		return 0;
	ssize_t got = read_some(j->conn, buf, n);

	if (got < 0 && (errno == EINTR || errno == ECONNRESET))
		return 0;
	if (got < 0)
		*rc = fail_errno("cannot read a connection");
	return got;
}

static int json_connection(struct server *s, int conn, const struct sock_peer *p)
{
	struct json_stream j = { .s = s, .p = p, .conn = conn };
	struct chunk_reader r = { .max = JSON_CHUNK, .read = read_connection, .chunk = json_chunk, .ctx = &j };
	unsigned long long bytes;
	int rc = read_chunks(&r, &bytes);

	if (rc == EXIT_OK && (credentials(&s->out, p) ||
			      buf_printf(&s->out, "\"end\":true,\"bytes\":%llu}\n", bytes)))
		rc = fail("out of memory");
	return rc ? rc : flush_out(s);
}

static int record_buffer(char **rec, size_t *cap)
{
	*cap = sock_record_room();
	*rec = malloc(*cap);
	return *rec ? 0 : fail("out of memory for a %zu-byte record buffer", *cap);
}

/* The record was cut: it did not fit our buffer (a privileged sender's). */
static int cut_record(const struct server *s, ssize_t size)
{
	warn("a %zd-byte record on %s was larger than the %zu bytes ipctool takes; it was dropped",
	     size, s->l.addr.text, s->rec_cap);
	return 0;
}

/* A seqpacket connection's records, each written as a record (an empty
 * one too), until the peer shuts down or closes. */
static int seqpacket_connection(struct server *s, int conn, const struct sock_peer *p)
{
	struct sock_peer ignored;

	for (;;) {
		ssize_t got = sock_recv_record(conn, s->rec, s->rec_cap, &ignored);
		if (got == SOCK_RECORD_END)
			break;
		if (got < 0 && errno == EAGAIN) {
			int rc = flush_out(s);
			if (rc)
				return rc;
			if (!sends_in_time(s, conn, p))
				break;
			continue;
		}
		if (got < 0)
			return errno == EINTR || errno == ECONNRESET ? EXIT_OK : fail_errno("cannot read a connection");
		int rc = (size_t)got > s->rec_cap ? cut_record(s, got) : emit(s, p, s->rec, (size_t)got);
		if (rc)
			return rc;
	}
	return flush_out(s);
}

/* ---- -- COMMAND, one per connection ---------------------------------------- */

static void report_child(const struct child *k)
{
	if (k->spawn.status != 0)
		warn("%s for the connection from pid %ld exited with status %d", k->name,
		     (long)k->peer, k->spawn.status);
}

/* Reap the children that ended; with BLOCK, all of them. */
static void reap_children(struct server *s, bool block)
{
	size_t keep = 0;

	for (size_t i = 0; i < s->nkids; i++) {
		struct child *k = &s->kids[i];
		if (block)
			spawn_wait(&k->spawn);
		if (block || spawn_try_wait(&k->spawn)) {
			report_child(k);
			continue;
		}
		s->kids[keep++] = *k;
	}
	s->nkids = keep;
}

static struct child *new_child(struct server *s)
{
	if (s->nkids == s->kids_cap) {
		size_t cap = s->kids_cap ? 2 * s->kids_cap : 8;
		struct child *grown = realloc(s->kids, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		s->kids = grown;
		s->kids_cap = cap;
	}
	return &s->kids[s->nkids++];
}

/* COMMAND with the connection as stdin and stdout and the peer's
 * credentials in its environment; it runs while we accept the next. */
static int start_child(struct server *s, int conn, const struct sock_peer *p)
{
	char pid_env[48], uid_env[48], gid_env[48];
	char *env[] = { pid_env, uid_env, gid_env, NULL };
	struct child *k = new_child(s);

	if (!k)
		return fail("out of memory for another connection");
	snprintf(pid_env, sizeof(pid_env), "IPCTOOL_PEER_PID=%ld", (long)p->pid);
	snprintf(uid_env, sizeof(uid_env), "IPCTOOL_PEER_UID=%lu", (unsigned long)p->uid);
	snprintf(gid_env, sizeof(gid_env), "IPCTOOL_PEER_GID=%lu", (unsigned long)p->gid);
	spawn_init(&k->spawn, s->relay_argv ? s->relay_argv : s->command);
	k->spawn.in = k->spawn.out = conn;
	k->spawn.env = env;
	k->peer = p->pid;
	k->name = s->command[0];
	int err = spawn_start(&k->spawn);
	k->spawn.env = NULL;   /* it lived on our stack */
	if (err) {
		spawn_report(&k->spawn, err);   /* reported; serving goes on */
		s->nkids--;
	}
	return EXIT_OK;
}

/* On the way out, every child is reaped; a termination signal, now or
 * while they finish, is passed on to them once. */
static void finish_children(struct server *s)
{
	bool passed_on = false;

	while (s->nkids) {
		int sig = termination_pending();
		if (sig && !passed_on) {
			for (size_t i = 0; i < s->nkids; i++)
				if (s->kids[i].spawn.pid > 0)
					kill(s->kids[i].spawn.pid, sig);
			passed_on = true;
		}
		/* Sleep until a child ends or a signal comes; reap below. */
		siginfo_t info;
		waitid(P_ALL, 0, &info, WEXITED | WNOWAIT);
		reap_children(s, false);
	}
	free(s->kids);
}

/* --idle-timeout with COMMAND: each connection goes through a relay, this
 * very binary run as `sock --relay-idle SECS -- COMMAND...`. */
static int relay_init(struct server *s)
{
	size_t n = 0;
	ssize_t len = readlink("/proc/self/exe", s->relay_exe, sizeof(s->relay_exe) - 1);

	if (len < 0)
		return fail_errno("cannot find ipctool's own binary for --idle-timeout (/proc/self/exe)");
	s->relay_exe[len] = '\0';
	snprintf(s->relay_idle, sizeof(s->relay_idle), "%lld.%09ld", (long long)s->o->idle.tv_sec, s->o->idle.tv_nsec);
	while (s->command[n])
		n++;
	s->relay_argv = calloc(n + 6, sizeof(*s->relay_argv));
	if (!s->relay_argv)
		return fail("out of memory");
	char **a = s->relay_argv;
	*a++ = s->relay_exe;
	*a++ = (char *)"sock";
	*a++ = (char *)SOCK_RELAY_OPTION;
	*a++ = s->relay_idle;
	*a++ = (char *)"--";
	for (size_t i = 0; i < n; i++)
		*a++ = s->command[i];
	return 0;
}

/* --max-children: every slot is taken; connections wait in the backlog. */
static bool at_max_children(const struct server *s)
{
	return s->o->max_children && s->nkids >= s->o->max_children;
}

/* Sleep until a child ends (then reap it) or a termination signal
 * interrupts; the connections waiting meanwhile are the kernel's. */
static void wait_for_a_child(struct server *s)
{
	siginfo_t info;

	if (!termination_pending())
		waitid(P_ALL, 0, &info, WEXITED | WNOWAIT);
	reap_children(s, false);
}

/* ---- serving ------------------------------------------------------------- */

static int serve_connection(struct server *s, int conn, const struct sock_peer *p)
{
	if (s->command)
		return start_child(s, conn, p);
	if (s->l.type == SOCK_SEQPACKET)
		return seqpacket_connection(s, conn, p);
	if (s->o->json)
		return json_connection(s, conn, p);
	return copy_connection(s, conn, p);
}

/* Take one connection.  Returns EXIT_OK (also for one refused or gone
 * before we took it: nothing counted), or a status. */
static int accept_one(struct server *s)
{
	struct sock_peer p;
	int conn = accept4(s->l.fd, NULL, NULL, SOCK_CLOEXEC);

	if (conn < 0) {
		if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
			return EXIT_OK;
		return fail_errno("cannot accept a connection on %s", s->l.addr.text);
	}
	int rc = EXIT_OK;
	if (sock_peer_of(conn, &p) != 0)
		rc = fail_errno("cannot read the credentials of a peer on %s", s->l.addr.text);
	else if (allowed(s, &p)) {
		s->served++;
		rc = serve_connection(s, conn, &p);
	}
	close(conn);
	return rc;
}

/* Take the datagrams there now, up to --count. */
static int take_datagrams(struct server *s)
{
	struct sock_peer p;

	while (!s->o->has_count || s->served < s->o->count) {
		ssize_t got = sock_recv_record(s->l.fd, s->rec, s->rec_cap, &p);
		if (got == SOCK_RECORD_END)
			return EXIT_OK;   /* a datagram socket has no end; nothing there */
		if (got < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return EXIT_OK;
			return fail_errno("cannot receive on %s", s->l.addr.text);
		}
		if (!allowed(s, &p))
			continue;
		s->served++;
		int rc = (size_t)got > s->rec_cap ? cut_record(s, got) : emit(s, &p, s->rec, (size_t)got);
		if (rc)
			return rc;
	}
	return EXIT_OK;
}

/* Serve until --count, a silence of --timeout, or a termination signal
 * (which is a normal end: status 0). */
static int serve(struct server *s)
{
	int rc = EXIT_OK;

	while (rc == EXIT_OK && (!s->o->has_count || s->served < s->o->count)) {
		if ((rc = flush_out(s)))
			break;
		if (at_max_children(s)) {
			if (termination_pending())
				break;   /* a normal end, as in wait_fd */
			wait_for_a_child(s);
			continue;
		}
		/* With children running, wake now and then to reap them; with
		 * refusals counted, when their report is due. */
		int cap = sockrefuse_flush_due(&s->refused);
		if (s->nkids && (cap < 0 || cap > 100))
			cap = 100;
		int ready = wait_fd(s->l.fd, POLLIN, &s->w, cap);
		if (s->nkids)
			reap_children(s, false);
		if (ready < 0) {
			if (errno != EINTR)
				rc = fail_errno("cannot wait on %s", s->l.addr.text);
			break;
		}
		if (ready == 0) {
			if (!wait_expired(&s->w))
				continue;   /* only the reaping or reporting tick */
			if (s->o->has_count || s->served == 0) {
				warn("no %s came to %s within the timeout", s->l.type == SOCK_DGRAM ?
				     "datagram" : "connection", s->l.addr.text);
				rc = EXIT_NOTHING;
			}
			break;
		}
		unsigned long long before = s->served;
		rc = s->l.type == SOCK_DGRAM ? take_datagrams(s) : accept_one(s);
		if (s->served != before)
			wait_restart(&s->w);
	}
	int flushed = flush_out(s);
	return rc ? rc : flushed;
}

/* The socket to serve: the one socket activation passed (A, when given,
 * says which), else a new one bound at A. */
static int open_listener(struct sock_listener *l, const struct sock_options *o, const struct sock_addr *a,
			 char *const *command)
{
	int rc;

	if (!sock_activated())
		return sock_listen(l, a, o->type, o->mode);
	if (o->has_mode)
		return usage_error("--mode applies to a socket ipctool makes; this one was passed by socket "
				   "activation (set SocketMode= in the .socket unit)");
	if ((rc = sock_adopt(l, a, o->types ? o->type : 0)))
		return rc;
	if (l->type == SOCK_DGRAM && command) {
		sock_listener_close(l);
		return fail("socket activation passed a datagram socket (%s); -- COMMAND serves connections", l->addr.text);
	}
	if (l->type == SOCK_SEQPACKET && command && o->has_idle) {
		sock_listener_close(l);
		return fail("socket activation passed a seqpacket socket (%s); --idle-timeout with -- COMMAND serves "
			    "streams", l->addr.text);
	}
	return 0;
}

static int sock_serve(const struct sock_options *o, const struct sock_addr *a, char *const *command)
{
	struct server s = { .o = o, .command = command };
	int rc;

	wait_init(&s.w, false, o->has_timeout ? &o->timeout : NULL);
	if ((rc = open_listener(&s.l, o, a, command)))
		return rc;
	refusals_init(&s);
	if (s.l.type != SOCK_STREAM && !command)
		rc = record_buffer(&s.rec, &s.rec_cap);
	if (rc == EXIT_OK && command && o->has_idle)
		rc = relay_init(&s);
	if (rc == EXIT_OK)
		rc = serve(&s);
	finish_children(&s);
	sockrefuse_done(&s.refused);
	sock_listener_close(&s.l);
	buf_free(&s.out);
	free(s.rec);
	free(s.relay_argv);
	return rc;
}

/* ---- the client ----------------------------------------------------------- */

static int timed_out(const struct sock_addr *a)
{
	warn("the exchange with %s did not end before the timeout", a->text);
	return EXIT_NOTHING;
}

static int connect_within(const struct sock_addr *a, int type, const struct wait *w)
{
	if (wait_arm(w) != 0)
		return fail_errno("cannot set a timer for --timeout");
	int fd = sock_connect_until(a, type, w);
	wait_disarm();
	return fd;
}

/* Both directions at once (the peer may answer before it has read all):
 * DATA or stdin to the socket, then half-close; the reply to stdout.  The
 * exchange succeeds only when every byte was taken by the peer's socket
 * and the reply was read to its end. */
struct upstream {
	const char *data;
	size_t len;
	bool eof;                  /* nothing more to read from stdin */
	unsigned long long sent;   /* bytes the peer's socket took */
};

struct downstream {
	bool ended;                /* the peer sends no more (it shut down its side) */
	bool gone;                 /* it closed the connection: it reads no more either */
};

/* The peer closed before all the input was sent: what it answered is
 * still copied out, then the loss reported. */
static int cut_short(int fd, const struct sock_addr *a, const struct upstream *u)
{
	static char out[CHUNK];
	ssize_t got;

	while ((got = read(fd, out, sizeof(out))) > 0)
		if (write_all(STDOUT_FILENO, out, (size_t)got, NULL) != 0)
			break;
	return fail("%s closed the connection after %llu bytes were sent; the rest was not sent", a->text,
		    u->sent);
}

static int read_input(struct upstream *u, char *buf, size_t n)
{
	ssize_t got = read(STDIN_FILENO, buf, n);

	if (got < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return EXIT_OK;
		return fail_errno("cannot read standard input");
	}
	if (got == 0)
		u->eof = true;
	u->data = buf;
	u->len = (size_t)got;
	return EXIT_OK;
}

static int send_some(struct upstream *u, int fd, const struct sock_addr *a)
{
	ssize_t put = send(fd, u->data, u->len, MSG_NOSIGNAL);

	if (put >= 0) {
		u->data += put;
		u->len -= (size_t)put;
		u->sent += (unsigned long long)put;
		return EXIT_OK;
	}
	if (errno == EAGAIN || errno == EINTR)
		return EXIT_OK;
	if (errno == EPIPE || errno == ECONNRESET)
		return cut_short(fd, a, u);
	return fail_errno("cannot send to %s", a->text);
}

/* One read of the reply, to stdout; HUP says whether poll saw the peer
 * close (not only shut down its sending side). */
static int take_reply(int fd, const struct sock_addr *a, const struct upstream *u, struct downstream *d,
		      bool hup)
{
	static char out[CHUNK];
	ssize_t got = read(fd, out, sizeof(out));

	if (got == 0) {
		d->ended = true;
		d->gone = hup;
		return EXIT_OK;
	}
	if (got < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return EXIT_OK;
		/* The peer closed with bytes it had not read (unix(7)): after
		 * the last byte was sent, its socket took them all, and the
		 * reply before the reset was read whole. */
		if (errno == ECONNRESET) {
			if (u->len || !u->eof)
				return cut_short(fd, a, u);
			d->ended = d->gone = true;
			return EXIT_OK;
		}
		return fail_errno("cannot read from %s", a->text);
	}
	if (write_all(STDOUT_FILENO, out, (size_t)got, NULL) != 0) {
		termination_honour();
		return fail_errno("cannot write standard output");
	}
	return EXIT_OK;
}

static int stream_exchange(int fd, const struct sock_addr *a, const char *data, const struct wait *w)
{
	static char in[CHUNK];
	struct upstream u = { .data = data, .len = data ? strlen(data) : 0, .eof = data != NULL };
	struct downstream d = { 0 };
	bool shut = false;
	int rc;

	for (;;) {
		if (u.eof && u.len == 0) {
			if (!shut && !d.gone && shutdown(fd, SHUT_WR) != 0 && errno != ENOTCONN)
				return fail_errno("cannot half-close the connection to %s", a->text);
			shut = true;
			if (d.ended)
				return EXIT_OK;
		}
		/* A peer gone with input still in hand: it was not all sent.
		 * (Only input that came decides: stdin may be at its end.) */
		if (d.gone && u.len)
			return cut_short(fd, a, &u);
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = -1 } };
		if (d.ended)
			p[0].events = 0;
		if (u.len)
			p[0].events |= POLLOUT;
		else if (!u.eof)
			p[1] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
		/* Nothing asked of a closed socket: poll would say POLLHUP for ever. */
		if (p[0].events == 0)
			p[0].fd = -1;
		if (termination_pending())
			termination_honour();
		int r = poll(p, 2, wait_remaining_ms(w));
		if (r == 0)
			return timed_out(a);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return fail_errno("cannot wait on %s", a->text);
		}
		if (p[1].revents && (rc = read_input(&u, in, sizeof(in))))
			return rc;
		if ((p[0].revents & (POLLOUT | POLLERR | POLLHUP)) && u.len && (rc = send_some(&u, fd, a)))
			return rc;
		if (!d.ended && (p[0].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    (rc = take_reply(fd, a, &u, &d, p[0].revents & POLLHUP)))
			return rc;
	}
}

/* ---- records (dgram, seqpacket) ------------------------------------------ */

struct sender {
	int fd;
	const struct sock_addr *a;
	const struct wait *w;
	size_t max;                   /* the largest record the socket takes */
	unsigned long long sent;
	bool replies;                 /* seqpacket: the peer may answer while we send */
	bool reply_ended;             /* it shut down or closed its side */
	char *rec;                    /* one record of the reply */
	size_t rec_cap;
};

static int oversize(const struct sender *s, unsigned long long n, const char *size)
{
	return fail("record %llu is %s bytes, more than %s can take (%zu bytes)%s", n, size,
		    s->a->text, s->max, s->sent ? "; the records before it were sent" : "; nothing was sent");
}

/* One record of the peer's answer, its bytes to stdout (an empty record
 * adds nothing, and is not the end). */
static int relay_reply(struct sender *s)
{
	struct sock_peer ignored;
	ssize_t got = sock_recv_record(s->fd, s->rec, s->rec_cap, &ignored);

	/* A reset is the end too: a record not yet sent then fails to go. */
	if (got == SOCK_RECORD_END || (got < 0 && errno == ECONNRESET)) {
		s->reply_ended = true;
		return EXIT_OK;
	}
	if (got < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return EXIT_OK;
		return fail_errno("cannot read from %s", s->a->text);
	}
	if ((size_t)got > s->rec_cap)
		return fail("a %zd-byte record from %s was larger than the %zu bytes ipctool takes", got,
			    s->a->text, s->rec_cap);
	if (write_all(STDOUT_FILENO, s->rec, (size_t)got, NULL) != 0) {
		termination_honour();
		return fail_errno("cannot write standard output");
	}
	return EXIT_OK;
}

/* After the half-close: the reply to stdout, until the peer ends it. */
static int copy_reply(struct sender *s)
{
	while (!s->reply_ended) {
		int ready = wait_fd(s->fd, POLLIN, s->w, -1);
		if (ready == 0)
			return timed_out(s->a);
		if (ready < 0) {
			termination_honour();
			return fail_errno("cannot wait on %s", s->a->text);
		}
		int rc = relay_reply(s);
		if (rc)
			return rc;
	}
	return EXIT_OK;
}

/* The socket is full: wait for room, copying the peer's answer meanwhile
 * (a peer that echoes stops reading while its answer is not taken). */
static int wait_for_room(struct sender *s)
{
	bool relay = s->replies && !s->reply_ended;
	struct pollfd p = { .fd = s->fd, .events = POLLOUT | (relay ? POLLIN : 0) };

	for (;;) {
		if (termination_pending())
			termination_honour();
		int r = poll(&p, 1, wait_remaining_ms(s->w));
		if (r == 0)
			return timed_out(s->a);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return fail_errno("cannot wait on %s", s->a->text);
		}
		if (relay && (p.revents & POLLIN))
			return relay_reply(s);
		return EXIT_OK;
	}
}

static int send_record(void *ctx, const char *data, size_t len, unsigned long long n)
{
	struct sender *s = ctx;

	for (;;) {
		ssize_t put = send(s->fd, data, len, MSG_NOSIGNAL);
		if (put >= 0) {
			s->sent++;
			return EXIT_OK;
		}
		if (errno == EMSGSIZE || errno == ENOBUFS) {
			char size[32];
			snprintf(size, sizeof(size), "%zu", len);
			return oversize(s, n, size);
		}
		if (errno == EPIPE || errno == ECONNRESET || errno == ECONNREFUSED)
			return fail("%s went away before record %llu was sent", s->a->text, n);
		if (errno != EAGAIN && errno != EINTR)
			return fail_errno("cannot send record %llu to %s", n, s->a->text);
		int rc = wait_for_room(s);
		if (rc)
			return rc;
	}
}

static int send_arguments(struct sender *s, const char **args, int nargs)
{
	/* All or nothing: every size is checked before the first is sent. */
	for (int i = 0; i < nargs; i++)
		if (strlen(args[i]) > s->max) {
			char size[32];
			snprintf(size, sizeof(size), "%zu", strlen(args[i]));
			return oversize(s, (unsigned long long)i + 1, size);
		}
	for (int i = 0; i < nargs; i++) {
		int rc = send_record(s, args[i], strlen(args[i]), (unsigned long long)i + 1);
		if (rc)
			return rc;
	}
	return EXIT_OK;
}

/* One read of stdin, within the deadline. */
static ssize_t read_stdin(void *ctx, char *buf, size_t n, int *rc)
{
	const struct sender *s = ctx;

	if (s->w->bounded) {
		int ready = wait_fd(STDIN_FILENO, POLLIN, s->w, -1);
		if (ready == 0) {
			*rc = timed_out(s->a);
			return -1;
		}
	}
	ssize_t got = read_some(STDIN_FILENO, buf, n);
	if (got < 0) {
		termination_honour();
		*rc = fail_errno("cannot read standard input");
	}
	return got;
}

static int oversize_stdin_record(void *ctx, unsigned long long n)
{
	const struct sender *s = ctx;
	char size[32];

	snprintf(size, sizeof(size), "more than %zu", s->max);
	return oversize(s, n, size);
}

/* Records split at DELIM, or (DELIM < 0) all of stdin as one (records.h). */
static int send_input(struct sender *s, int delim)
{
	struct record_reader r = { .delim = delim, .max = s->max, .read = read_stdin,
				   .record = send_record, .oversize = oversize_stdin_record, .ctx = s };

	return read_records(&r);
}

/* seqpacket: the reply's records need room, and their credentials tell an
 * empty one from the end (sock_recv_record). */
static int prepare_replies(struct sender *s)
{
	if (sock_pass_credentials(s->fd) != 0)
		return fail_errno("cannot ask for the credentials of %s's records", s->a->text);
	return record_buffer(&s->rec, &s->rec_cap);
}

static int send_records(int fd, const struct sock_options *o, const struct sock_addr *a,
			const struct cli *cli, const struct wait *w)
{
	struct sender s = { .fd = fd, .a = a, .w = w, .max = sock_record_max(fd),
			    .replies = o->type == SOCK_SEQPACKET };
	int rc = s.replies ? prepare_replies(&s) : EXIT_OK;

	if (rc == EXIT_OK && cli->nargs > 1)
		rc = send_arguments(&s, cli->args + 1, cli->nargs - 1);
	else if (rc == EXIT_OK)
		rc = send_input(&s, o->lines ? '\n' : o->null ? '\0' : -1);
	/* seqpacket: half-close, then the reply as a stream does. */
	if (rc == EXIT_OK && s.replies) {
		if (shutdown(fd, SHUT_WR) != 0 && errno != ENOTCONN)
			rc = fail_errno("cannot half-close the connection to %s", a->text);
		else
			rc = copy_reply(&s);
	}
	free(s.rec);
	return rc;
}

static int sock_client(const struct sock_options *o, const struct sock_addr *a, const struct cli *cli)
{
	struct wait w;

	wait_init(&w, false, o->has_timeout ? &o->timeout : NULL);
	int fd = connect_within(a, o->type, &w);
	if (fd < 0)
		return wait_expired(&w) ? EXIT_NOTHING : EXIT_FAIL;
	int rc = o->type == SOCK_STREAM ? stream_exchange(fd, a, cli->nargs > 1 ? cli->args[1] : NULL, &w)
				       : send_records(fd, o, a, cli, &w);
	close(fd);
	return rc;
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

	if (o->relay)
		return cli->command && cli->command[0] ? sock_relay(&o->idle, (char *const *)cli->command)
						       : usage_error("missing COMMAND after --");
	if ((rc = sock_check(o, cli, &a)))
		return rc;
	bool has_path = cli->nargs > 0;
	termination_catch();
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
		    "[--mode MODE] [--allow-uid USER]... [--json] [--idle-timeout SECS] [--max-children N] "
		    "[-- COMMAND [ARGS...]]\n"
		    "PATH --connect [DATA...] [--stream | --dgram | --seqpacket] [--lines | --null] "
		    "[--timeout SECS]",
	.table = sock_table,
	.size = sizeof(struct sock_options),
	.runs_command = true,
	.init = sock_init,
	.option = sock_option,
	.run = sock_run,
	.done = sock_done,
};
