/* sock --connect (ipctool-sock(1)): a client that half-closes after its
 * input and copies the reply, or sends records. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmd/sock.h"
#include "cmd/sockfds.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/records.h"

enum { CHUNK = 128 * 1024 };

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
	int *fds;                  /* --send-fd: to go with the first bytes */
	unsigned *nfds;            /* how many are not yet sent */
};

/* --send-fd: descriptors not sent (nothing carried them) are an error. */
static int fds_unsent(const struct sock_addr *a, unsigned nfds, const char *what)
{
	return fail("nothing was sent to %s to carry the %u --send-fd descriptor%s: they ride on the first %s, "
		    "and there was none", a->text, nfds, nfds == 1 ? "" : "s", what);
}

/* The descriptors went with what was sent: ours are closed. */
static void fds_sent(int *fds, unsigned *nfds)
{
	sock_fds_close_all(fds, *nfds);
	*nfds = 0;
}

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
	ssize_t put = *u->nfds ? sock_send_fds(fd, u->data, u->len, u->fds, *u->nfds)
			      : send(fd, u->data, u->len, MSG_NOSIGNAL);

	if (put > 0 && *u->nfds)
		fds_sent(u->fds, u->nfds);
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
	if (*u->nfds)
		return fail_errno("cannot pass %u descriptors to %s", *u->nfds, a->text);
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

static int stream_exchange(int fd, const struct sock_addr *a, const char *data, const struct wait *w,
			   int *fds, unsigned *nfds)
{
	static char in[CHUNK];
	struct upstream u = { .data = data, .len = data ? strlen(data) : 0, .eof = data != NULL,
			      .fds = fds, .nfds = nfds };
	struct downstream d = { 0 };
	bool shut = false;
	int rc;

	for (;;) {
		if (u.eof && u.len == 0 && *nfds)
			return fds_unsent(a, *nfds, "bytes");
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
	int *fds;                     /* --send-fd: to go with the first record */
	unsigned *nfds;               /* how many are not yet sent */
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
	ssize_t got = sock_recv_record(s->fd, s->rec, s->rec_cap, &ignored, NULL);

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
		int ready = sock_wait_fd(s->fd, POLLIN, s->w, -1);
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
		ssize_t put = *s->nfds ? sock_send_fds(s->fd, data, len, s->fds, *s->nfds)
				      : send(s->fd, data, len, MSG_NOSIGNAL);
		if (put >= 0) {
			if (*s->nfds)
				fds_sent(s->fds, s->nfds);
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
		if (errno == ETOOMANYREFS)
			return fail_errno("cannot pass %u descriptors to %s", *s->nfds, s->a->text);
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
		int ready = sock_wait_fd(STDIN_FILENO, POLLIN, s->w, -1);
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
	return sock_record_buffer(&s->rec, &s->rec_cap);
}

static int send_records(int fd, const struct sock_options *o, const struct sock_addr *a,
			const char **data, int ndata, const struct wait *w, int *fds, unsigned *nfds)
{
	struct sender s = { .fd = fd, .a = a, .w = w, .max = sock_record_max(fd),
			    .replies = o->type == SOCK_SEQPACKET, .fds = fds, .nfds = nfds };
	int rc = s.replies ? prepare_replies(&s) : EXIT_OK;

	if (rc == EXIT_OK && ndata > 0)
		rc = send_arguments(&s, data, ndata);
	else if (rc == EXIT_OK)
		rc = send_input(&s, o->lines ? '\n' : o->null ? '\0' : -1);
	if (rc == EXIT_OK && *nfds)
		rc = fds_unsent(a, *nfds, "record");
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

int sock_client(const struct sock_options *o, const struct sock_addr *a, const char **data, int ndata)
{
	struct wait w;
	int fds[SOCK_FDS_MAX];
	int rc = sock_fds_open((const char *const *)o->send, o->nsend, o->rw, fds);

	if (rc)
		return rc;
	wait_init(&w, false, o->has_timeout ? &o->timeout : NULL);
	int fd = connect_within(a, o->type, &w);
	if (fd < 0) {
		sock_fds_close_all(fds, o->nsend);
		return wait_expired(&w) ? EXIT_NOTHING : EXIT_FAIL;
	}
	/* The exchanges close the descriptors once they went out; these are
	 * the ones still here on an error. */
	unsigned left = (unsigned)o->nsend;
	rc = o->type == SOCK_STREAM ? stream_exchange(fd, a, ndata > 0 ? data[0] : NULL, &w, fds, &left)
				    : send_records(fd, o, a, data, ndata, &w, fds, &left);
	sock_fds_close_all(fds, left);
	close(fd);
	return rc;
}
