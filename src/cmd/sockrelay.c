/* The idle-timeout relay: see sockrelay.h. */
#include "cmd/sockrelay.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/io.h"
#include "lib/spawn.h"
#include "lib/wait.h"

enum { RELAY_CHUNK = 64 * 1024 };

/* One direction: bytes read from FROM, not yet written to TO. */
struct pipe_dir {
	int from, to;
	char buf[RELAY_CHUNK];
	size_t len, off;
	bool eof;        /* FROM ended (or TO went away): nothing more to move */
	bool shut;       /* TO was told (SHUT_WR) */
};

/* Read what FROM has now.  Returns bytes moved, 0 at its end. */
static ssize_t fill(struct pipe_dir *d)
{
	ssize_t got = read(d->from, d->buf, sizeof(d->buf));

	if (got > 0) {
		d->len = (size_t)got;
		d->off = 0;
	} else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
		d->eof = true;   /* an error (reset) ends this direction as an end would */
		got = 0;
	}
	return got;
}

/* Write what is held to TO.  Returns bytes moved. */
static ssize_t drain(struct pipe_dir *d)
{
	ssize_t put = send(d->to, d->buf + d->off, d->len - d->off, MSG_NOSIGNAL | MSG_DONTWAIT);

	if (put > 0) {
		d->off += (size_t)put;
		if (d->off == d->len)
			d->len = d->off = 0;
		return put;
	}
	if (put < 0 && errno != EINTR && errno != EAGAIN) {
		d->len = d->off = 0;   /* the reader is gone: nothing more goes this way */
		d->eof = true;
	}
	return 0;
}

/* Once FROM ended and all was written, half-close TO so its reader
 * sees the end too. */
static void pass_end(struct pipe_dir *d)
{
	if (d->eof && d->len == 0 && !d->shut) {
		shutdown(d->to, SHUT_WR);
		d->shut = true;
	}
}

static short wanted(const struct pipe_dir *d, int fd)
{
	short ev = 0;

	if (fd == d->from && !d->eof && d->len == 0)
		ev |= POLLIN;
	if (fd == d->to && d->len > 0)
		ev |= POLLOUT;
	return ev;
}

/* Copy both ways.  Returns true once both ended, or COMMAND ended and
 * said all it had (a peer still sending has no one left to hear it);
 * false when nothing moved for IDLE. */
static bool copy_both(struct pipe_dir *up, struct pipe_dir *down, const struct timespec *idle, struct spawn *c)
{
	struct wait quiet;

	wait_init(&quiet, false, idle);
	while (!(up->shut && down->shut)) {
		struct pollfd p[2] = {
			{ .fd = up->from, .events = (short)(wanted(up, up->from) | wanted(down, up->from)) },
			{ .fd = up->to, .events = (short)(wanted(up, up->to) | wanted(down, up->to)) },
		};
		int r = poll(p, 2, wait_remaining_ms(&quiet));
		if (r == 0)
			return false;
		if (r < 0)
			continue;   /* EINTR: a signal passed on to COMMAND; it decides */
		ssize_t moved = 0;
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR) && wanted(up, up->from) & POLLIN)
			moved += fill(up);
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR) && wanted(down, down->from) & POLLIN)
			moved += fill(down);
		if (up->len && p[1].revents & (POLLOUT | POLLERR | POLLHUP))
			moved += drain(up);
		if (down->len && p[0].revents & (POLLOUT | POLLERR | POLLHUP))
			moved += drain(down);
		pass_end(up);
		pass_end(down);
		if (down->shut && spawn_try_wait(c))
			break;
		if (moved > 0)
			wait_restart(&quiet);
	}
	return true;
}

int sock_relay(const struct timespec *idle, char *const *command)
{
	static struct pipe_dir up, down;   /* 128 KiB: off the stack */
	struct spawn c;
	int sv[2], err;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return fail_errno("cannot make a socket pair for %s", command[0]);
	spawn_init(&c, command);
	c.in = c.out = sv[1];
	spawn_forward_signals();
	if ((err = spawn_start(&c))) {
		close(sv[0]);
		close(sv[1]);
		return spawn_report(&c, err);
	}
	close(sv[1]);
	/* The connection is both stdin and stdout: one socket, used as fd 0
	 * both ways. */
	up.from = STDIN_FILENO;       /* the peer, to COMMAND */
	up.to = sv[0];
	down.from = sv[0];            /* COMMAND, to the peer */
	down.to = STDIN_FILENO;
	if (!copy_both(&up, &down, idle, &c)) {
		const char *peer = getenv("IPCTOOL_PEER_PID");
		warn("closed the connection from pid %s: nothing was sent either way for %lld.%03ld s (--idle-timeout)",
		     peer ? peer : "?", (long long)idle->tv_sec, idle->tv_nsec / 1000000);
		/* Both sides closed, as socat -T does; COMMAND is told to end. */
		shutdown(STDIN_FILENO, SHUT_RDWR);
		close(sv[0]);
		if (c.pid > 0)
			kill(c.pid, SIGTERM);
		spawn_wait(&c);
		return EXIT_OK;
	}
	close(sv[0]);
	return spawn_wait(&c);
}
