/* sock --listen without COMMAND: each connection's bytes, or each record,
 * written to stdout as ipctool-sock(1) says (see socklisten.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmd/socklisten.h"
#include "lib/chunks.h"
#include "lib/error.h"
#include "lib/hexdump.h"
#include "lib/io.h"
#include "lib/json.h"

int serve_flush(struct server *s)
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
int serve_record(struct server *s, const struct sock_peer *p, const char *data, size_t n)
{
	size_t before = s->out.len;
	int bad;

	if (s->o->json)
		bad = credentials(&s->out, p) || data_member(&s->out, data, n) || buf_append(&s->out, "}\n", 2);
	else if (s->o->hex)
		bad = hexdump_whole(&s->out, data, n);
	else
		bad = buf_append(&s->out, data, n) || buf_append(&s->out, "\n", 1);
	if (bad) {
		s->out.len = before;   /* no half object goes out */
		return fail("out of memory for a %zu-byte record", n);
	}
	return s->out.len >= OUT_FLUSH ? serve_flush(s) : 0;
}

/* Wait until the connection sends something, for at most --idle-timeout.
 * True when it did; false once it sent nothing for that long (reported:
 * the caller closes it) or a termination signal came. */
static bool sends_in_time(const struct server *s, int conn, const struct sock_peer *p)
{
	struct wait idle;

	wait_init(&idle, false, s->o->has_idle ? &s->o->idle : NULL);
	int r = sock_wait_fd(conn, POLLIN, &idle, -1);
	if (r == 0)
		warn("closed the connection from pid %ld on %s: it sent nothing for %lld.%03ld s (--idle-timeout)",
		     (long)p->pid, s->l.addr.text, (long long)s->o->idle.tv_sec, s->o->idle.tv_nsec / 1000000);
	return r > 0;
}

void serve_refuse_fds(struct server *s, const struct sock_peer *p, struct sock_fds *f)
{
	if (f->n == 0 && !f->cut)
		return;
	sock_fds_close(f);
	sockrefuse_note(&s->fds_refused, p->pid, p->uid);
}

/* One read of a connection.  Descriptors that came with the bytes are
 * refused at once (the listener holds none past this call). */
static ssize_t read_conn(struct server *s, int conn, char *buf, size_t n, const struct sock_peer *p)
{
	struct sock_fds f;
	ssize_t got = sock_recv_fds(conn, buf, n, 0, &f);

	if (got >= 0)
		serve_refuse_fds(s, p, &f);
	return got;
}

/* A stream connection's bytes straight to stdout, until the peer closes
 * (or a termination signal: what came is out, the rest is the peer's). */
static int copy_connection(struct server *s, int conn, const struct sock_peer *p)
{
	static char buf[CHUNK];

	for (;;) {
		if (s->o->has_idle && !sends_in_time(s, conn, p))
			return EXIT_OK;
		ssize_t got = read_conn(s, conn, buf, sizeof(buf), p);
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

/* --hex on a stream: the connection's bytes as one dump, as shm-read
 * --hex writes a segment (offsets from its first byte); a line is written
 * once its 16 bytes came, the last one at the end. */
static int hex_connection(struct server *s, int conn, const struct sock_peer *p)
{
	static char buf[CHUNK];
	struct hexdump h;
	size_t held = 0;   /* bytes read but not yet dumped (less than a line) */
	int rc = EXIT_OK;

	hexdump_start(&h, 0);
	for (;;) {
		if (s->o->has_idle && !sends_in_time(s, conn, p))
			break;
		ssize_t got = read_conn(s, conn, buf + held, sizeof(buf) - held, p);
		if (got == 0 || (got < 0 && (errno == EINTR || errno == ECONNRESET)))
			break;
		if (got < 0)
			return fail_errno("cannot read a connection");
		held += (size_t)got;
		size_t lines = held - held % 16;
		if (hexdump_lines(&h, &s->out, (const unsigned char *)buf, lines))
			return fail("out of memory");
		memmove(buf, buf + lines, held - lines);
		held -= lines;
		if ((rc = serve_flush(s)))
			return rc;
	}
	if (hexdump_lines(&h, &s->out, (const unsigned char *)buf, held) || hexdump_end(&h, &s->out))
		return fail("out of memory");
	return serve_flush(s);
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
	return serve_flush(j->s);
}

/* A termination signal or a reset ends the connection where it is; so
 * does a silence of --idle-timeout (what it sent until then is out). */
static ssize_t read_connection(void *ctx, char *buf, size_t n, int *rc)
{
	const struct json_stream *j = ctx;

	if (j->s->o->has_idle && !sends_in_time(j->s, j->conn, j->p))
		return 0;
	ssize_t got = read_conn(j->s, j->conn, buf, n, j->p);

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
	return rc ? rc : serve_flush(s);
}

int sock_record_buffer(char **rec, size_t *cap)
{
	*cap = sock_record_room();
	*rec = malloc(*cap);
	return *rec ? 0 : fail("out of memory for a %zu-byte record buffer", *cap);
}

/* The record was cut: it did not fit our buffer (a privileged sender's). */
int serve_cut_record(const struct server *s, ssize_t size)
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
	struct sock_fds f;

	for (;;) {
		ssize_t got = sock_recv_record(conn, s->rec, s->rec_cap, &ignored, &f);
		serve_refuse_fds(s, p, &f);
		if (got == SOCK_RECORD_END)
			break;
		if (got < 0 && errno == EAGAIN) {
			int rc = serve_flush(s);
			if (rc)
				return rc;
			if (!sends_in_time(s, conn, p))
				break;
			continue;
		}
		if (got < 0)
			return errno == EINTR || errno == ECONNRESET ? EXIT_OK : fail_errno("cannot read a connection");
		int rc = (size_t)got > s->rec_cap ? serve_cut_record(s, got) : serve_record(s, p, s->rec, (size_t)got);
		if (rc)
			return rc;
	}
	return serve_flush(s);
}

int serve_data(struct server *s, int conn, const struct sock_peer *p)
{
	if (s->l.type == SOCK_SEQPACKET)
		return seqpacket_connection(s, conn, p);
	if (s->o->json)
		return json_connection(s, conn, p);
	if (s->o->hex)
		return hex_connection(s, conn, p);
	return copy_connection(s, conn, p);
}
