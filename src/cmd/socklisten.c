/* sock --listen (ipctool-sock(1)): a listener that is safe to leave
 * running (its file 0600 whatever the umask, a stale socket replaced but
 * never a live one, nothing else at PATH touched, its own file removed on
 * exit, peers checked with the kernel's credentials before a byte is
 * delivered).  The serving loop; see socklisten.h for the rest. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmd/socklisten.h"
#include "lib/command.h"
#include "lib/error.h"
#include "mech/sockact.h"

/* ---- waiting ------------------------------------------------------------ */

/* Wait until FD has EVENTS, within W and at most CAP_MS (-1: no cap).
 * Returns 1 ready, 0 when W's deadline passed (or CAP_MS did), -1 on a
 * termination signal or an error (errno). */
int sock_wait_fd(int fd, short events, const struct wait *w, int cap_ms)
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
	sockrefuse_init(&s->fds_refused, s->l.addr.text, "set of descriptors",
			"only -- COMMAND with --pass-fds takes descriptors; they were closed");
	s->fds_refused.whats = "sets of descriptors";
}

/* The sooner of the two refusal reports due, in ms (-1: none). */
static int refusals_due(struct server *s)
{
	int a = sockrefuse_flush_due(&s->refused), b = sockrefuse_flush_due(&s->fds_refused);

	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

/* ---- serving ------------------------------------------------------------- */

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
		rc = s->command ? pool_start(s, conn, &p) : serve_data(s, conn, &p);
	}
	close(conn);
	return rc;
}

/* Take the datagrams there now, up to --count. */
static int take_datagrams(struct server *s)
{
	struct sock_peer p;
	struct sock_fds f;

	while (!s->o->has_count || s->served < s->o->count) {
		ssize_t got = sock_recv_record(s->l.fd, s->rec, s->rec_cap, &p, &f);
		if (got == SOCK_RECORD_END)
			return EXIT_OK;   /* a datagram socket has no end; nothing there */
		if (got < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return EXIT_OK;
			return fail_errno("cannot receive on %s", s->l.addr.text);
		}
		bool let_in = allowed(s, &p);
		if (let_in)
			serve_refuse_fds(s, &p, &f);
		else
			sock_fds_close(&f);   /* a refused sender's, unreported: it was reported once */
		if (!let_in)
			continue;
		s->served++;
		int rc = (size_t)got > s->rec_cap ? serve_cut_record(s, got) : serve_record(s, &p, s->rec, (size_t)got);
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
		if ((rc = serve_flush(s)))
			break;
		if (pool_full(s)) {
			if (termination_pending())
				break;   /* a normal end, as in wait_fd */
			pool_wait_for_one(s);
			continue;
		}
		/* With children running, wake now and then to reap them; with
		 * refusals counted, when their report is due. */
		int cap = refusals_due(s);
		if (s->nkids && (cap < 0 || cap > 100))
			cap = 100;
		int ready = sock_wait_fd(s->l.fd, POLLIN, &s->w, cap);
		if (s->nkids)
			pool_reap(s);
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
	int flushed = serve_flush(s);
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

int sock_serve(const struct sock_options *o, const struct sock_addr *a, char *const *command)
{
	struct server s = { .o = o, .command = command };
	int rc;

	wait_init(&s.w, false, o->has_timeout ? &o->timeout : NULL);
	if ((rc = open_listener(&s.l, o, a, command)))
		return rc;
	refusals_init(&s);
	if (s.l.type != SOCK_STREAM && !command)
		rc = sock_record_buffer(&s.rec, &s.rec_cap);
	/* IPCTOOL_FDS counts descriptors given by this listener: one inherited
	 * from its own starter would tell COMMAND of descriptors it lacks. */
	if (rc == EXIT_OK && command && unsetenv("IPCTOOL_FDS") != 0)
		rc = fail_errno("cannot unset IPCTOOL_FDS");
	if (rc == EXIT_OK && command && (o->has_idle || o->pass_fds))
		rc = pool_relay_init(&s);
	if (rc == EXIT_OK)
		rc = serve(&s);
	pool_finish(&s);
	sockrefuse_done(&s.refused);
	sockrefuse_done(&s.fds_refused);
	sock_listener_close(&s.l);
	buf_free(&s.out);
	free(s.rec);
	free(s.relay_argv);
	free(s.relay_fds);
	return rc;
}

