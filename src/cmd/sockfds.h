/* Descriptors passed with the data (SCM_RIGHTS), as ipctool-sock(1) says:
 * the client's --send-fd FILEs ride on the first bytes (a stream) or the
 * first record it sends; a listener with -- COMMAND --pass-fds starts each
 * COMMAND through this very binary run as `sock --relay-fds=ADDR -- NEXT`,
 * which waits for the connection's first bytes, takes the descriptors that
 * came with them (peeking: the bytes stay for COMMAND) and becomes NEXT
 * with them as fds 3, 4, ... and IPCTOOL_FDS.  So the listener itself never
 * holds a passed descriptor, and a slow peer holds up only its own run. */
#ifndef IPCTOOL_SOCKFDS_H
#define IPCTOOL_SOCKFDS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* The hidden option that makes `ipctool sock` the descriptor taker. */
#define SOCK_FDS_OPTION "--relay-fds"

/* "--relay-fds=ADDR", malloc'd (NULL when memory ran out). */
char *sock_fds_option(const char *addr);

/* Open the N FILES of --send-fd into FDS, read-only or (RW) read-write,
 * refusing symbolic links and directories.  Returns 0, or a usage error
 * having closed what it opened. */
int sock_fds_open(const char *const *files, size_t n, bool rw, int *fds);


/* The taker, on the connection at stdin (served at ADDR): wait for its
 * first bytes (at most IDLE when not NULL), then become NEXT with the
 * descriptors that came with them.  Returns only on failure, with a
 * status, having reported it. */
int sock_fds_exec(const char *addr, const struct timespec *idle, char *const *next);

#endif
