/* Room on an output that a reader drains: how much a pipe or a socket can
 * take now with no write(2) stopping part way through a record, so that a
 * reader that stalls (or waits for the writer to exit before it reads)
 * and a termination signal never leave a record half written.
 *
 * A pipe takes a write of up to PIPE_BUF bytes whole or not at all (a
 * blocked one is interrupted with nothing written), and an empty pipe
 * takes up to its whole size (F_GETPIPE_SZ) at once; what it can take
 * between those cannot be told from FIONREAD alone (the kernel keeps
 * pages, partly filled), so a larger record waits until the pipe is
 * empty.  A Unix stream socket takes whole a write that fits one buffer
 * of the kernel's (at most half of SO_SNDBUF, 32 KiB); SIOCOUTQ says
 * what it holds.  Anything else (a file, a terminal) never stalls for
 * long: it has all the room there is. */
#ifndef IPCTOOL_ROOM_H
#define IPCTOOL_ROOM_H

#include <stdbool.h>
#include <stddef.h>

enum room_kind { ROOM_OTHER, ROOM_PIPE, ROOM_SOCKET };

struct room {
	int fd;
	enum room_kind kind;
	size_t whole;       /* the most one write can take whole when empty */
};

/* Find out what FD is. */
void room_init(struct room *r, int fd);

/* Bytes written to FD that its reader has not read yet: a pipe's FIONREAD
 * (from either end), a socket's SIOCOUTQ; 0 for anything else. */
long room_unread(const struct room *r);

/* How many bytes one write(2) can take now, whole or not at all (SIZE_MAX
 * for ROOM_OTHER). */
size_t room_now(const struct room *r);

/* Wait until one write can take NEED bytes whole (room_now), or the
 * reader has gone (the write will say so).  A termination signal (wait.h)
 * ends the wait at once: -1 with errno EINTR.  NEED larger than
 * r->whole is never waited for: it cannot be written whole anyway. */
int room_await(const struct room *r, size_t need);

/* The rest of a record already partly written, after a termination
 * signal: written while the reader drains, given up once it has taken
 * nothing for a second.  Returns 0 when all of it went, or -1 with errno
 * (EAGAIN: the reader stopped). */
int room_finish(const struct room *r, const char *data, size_t n);

/* Wait up to MS milliseconds (-1: for ever) for the last reader of FD to go
 * (POLLERR on a pipe, POLLHUP on a socket or terminal) or for ALSO (-1:
 * none) to be readable.  True when the reader is gone; false on EINTR. */
bool room_reader_left(const struct room *r, int also, int ms);

#endif
