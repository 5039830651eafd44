/* Room on a pipe or socket that a reader drains (see room.h). */
#include "lib/room.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sockios.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/wait.h"

/* A Unix stream socket sends a write in buffers of at most half its
 * SO_SNDBUF (less 64 bytes) and, with order-0 pages, SKB_MAX_HEAD(0) +
 * 32 KiB; it waits for room before the first buffer with nothing sent,
 * so a write no larger than one buffer goes whole or not at all. */
enum { SOCKET_WHOLE_MAX = 32 * 1024, SOCKET_BUFFER_SLACK = 64 };

/* A reader that keeps up empties a pipe within microseconds: the first
 * looks only yield the CPU, later ones sleep longer and longer, so a
 * stalled reader costs little. */
enum { YIELDS = 200, SHORT_TRIES = 300, SHORT_MS = 1, LONG_MS = 10, FINISH_STALL_MS = 1000 };

static size_t pipe_size(int fd)
{
	int size = fcntl(fd, F_GETPIPE_SZ);

	return size > 0 ? (size_t)size : PIPE_BUF;
}

static size_t socket_whole(int fd)
{
	int domain = 0, type = 0, sndbuf = 0;
	socklen_t len = sizeof(int);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 || domain != AF_UNIX)
		return 0;
	len = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM)
		return 0;   /* a datagram or record goes whole anyway */
	len = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) != 0 || sndbuf / 2 <= SOCKET_BUFFER_SLACK)
		return 0;
	size_t half = (size_t)sndbuf / 2 - SOCKET_BUFFER_SLACK;
	return half < SOCKET_WHOLE_MAX ? half : SOCKET_WHOLE_MAX;
}

void room_init(struct room *r, int fd)
{
	struct stat st;

	r->fd = fd;
	r->kind = ROOM_OTHER;
	r->whole = SIZE_MAX;
	if (fstat(fd, &st) != 0)
		return;
	if (S_ISFIFO(st.st_mode)) {
		r->kind = ROOM_PIPE;
		r->whole = pipe_size(fd);
	} else if (S_ISSOCK(st.st_mode)) {
		r->kind = ROOM_SOCKET;
		size_t whole = socket_whole(fd);
		r->whole = whole ? whole : SIZE_MAX;   /* 0: not paced (TCP, datagrams) */
	}
}

long room_unread(const struct room *r)
{
	int n = 0;

	if (r->kind == ROOM_OTHER)
		return 0;
	if (ioctl(r->fd, r->kind == ROOM_PIPE ? FIONREAD : SIOCOUTQ, &n) != 0)
		return 0;
	return n;
}

size_t room_now(const struct room *r)
{
	if (r->kind != ROOM_PIPE)
		return r->whole;
	/* Only an empty pipe is known to have all its pages free (one that
	 * cannot say counts as not empty); the size is asked again, as
	 * another process may have changed it. */
	int unread = -1;
	if (ioctl(r->fd, FIONREAD, &unread) == 0 && unread == 0)
		return pipe_size(r->fd);
	return PIPE_BUF;
}

bool room_reader_left(const struct room *r, int also, int ms)
{
	struct pollfd fds[2] = {
		{ .fd = r->fd, .events = 0 },
		{ .fd = also, .events = POLLIN },
	};

	if (poll(fds, also >= 0 ? 2 : 1, ms) <= 0)
		return false;   /* EINTR: the caller looks at the termination flag */
	return (fds[0].revents & (POLLERR | POLLHUP)) != 0;
}

int room_await(const struct room *r, size_t need)
{
	for (int tries = 0;; tries++) {
		if (termination_pending()) {
			errno = EINTR;
			return -1;
		}
		int unread;
		if (need > r->whole || room_now(r) >= need ||
		    ioctl(r->fd, r->kind == ROOM_PIPE ? FIONREAD : SIOCOUTQ, &unread) != 0)
			return 0;   /* room, or no way to know: write as it goes */
		int ms = tries < YIELDS ? 0 : tries < SHORT_TRIES ? SHORT_MS : LONG_MS;
		if (room_reader_left(r, -1, ms))
			return 0;
		if (tries < YIELDS)
			sched_yield();
	}
}

static long elapsed_ms(struct timespec since)
{
	struct timespec now = monotonic_now();

	return (long)(now.tv_sec - since.tv_sec) * 1000 + (now.tv_nsec - since.tv_nsec) / 1000000;
}

int room_finish(const struct room *r, const char *data, size_t n)
{
	struct timespec progress = monotonic_now();

	while (n > 0) {
		long left = FINISH_STALL_MS - elapsed_ms(progress);
		if (left <= 0) {
			errno = EAGAIN;
			return -1;
		}
		struct pollfd p = { .fd = r->fd, .events = POLLOUT };
		if (poll(&p, 1, (int)left) <= 0)
			continue;   /* the time is looked at again */
		/* A write larger than the room blocks after what fits; the
		 * termination timer (wait.h) interrupts it within milliseconds,
		 * with what it wrote. */
		ssize_t put = write(r->fd, data, n);
		if (put > 0) {
			data += put;
			n -= (size_t)put;
			progress = monotonic_now();
		} else if (put < 0 && errno != EINTR && errno != EAGAIN) {
			return -1;
		}
	}
	return 0;
}
