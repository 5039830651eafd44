/* sock (ipctool-sock(1)), shared between its parts: the options and entry
 * (sock.c), the listener (socklisten.c, its per-connection output in
 * sockserve.c, its COMMAND children in sockpool.c) and the client
 * (sockclient.c). */
#ifndef IPCTOOL_CMD_SOCK_H
#define IPCTOOL_CMD_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "lib/wait.h"
#include "mech/socket.h"

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
	bool hex;                          /* listen: records and connections as hexdump -C */
	const char **send;                 /* --send-fd FILEs (the bag's), opened in sock_client */
	size_t nsend;
	bool rw;                           /* --rw: open them read-write */
	bool pass_fds;                     /* --pass-fds: descriptors to COMMAND */
	const char *relay_fds;             /* the hidden --relay-fds ADDR: see sockfds.h */
	unsigned long long max_children;   /* --max-children; 0: no bound */
	bool has_idle;
	struct timespec idle;              /* --idle-timeout */
	bool relay;                        /* the hidden --relay-idle: see sockrelay.h */
};

/* Wait until FD has EVENTS, within W and at most CAP_MS (-1: no cap).
 * Returns 1 ready, 0 when W's deadline passed (or CAP_MS did), -1 on a
 * termination signal or an error (errno). */
int sock_wait_fd(int fd, short events, const struct wait *w, int cap_ms);

/* Room for one record (dgram, seqpacket): *REC of *CAP bytes. */
int sock_record_buffer(char **rec, size_t *cap);

/* Serve at A (NULL: the socket passed by socket activation); with COMMAND,
 * one run of it per connection.  Returns the exit status. */
int sock_serve(const struct sock_options *o, const struct sock_addr *a, char *const *command);

/* Connect to A and send the NDATA words of DATA (none: stdin); the reply
 * to stdout. */
int sock_client(const struct sock_options *o, const struct sock_addr *a, const char **data, int ndata);

#endif
