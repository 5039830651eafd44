/* The connected Unix sockets of this network namespace and the processes
 * at both ends (list --sockets --connected), as ss -xap and lsfd's
 * ENDPOINTS show them: the kernel's table read once through
 * NETLINK_SOCK_DIAG (sockinv.h), /proc/PID/fd read once for who holds
 * which socket. */
#ifndef IPCTOOL_SOCKCONN_H
#define IPCTOOL_SOCKCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct conn_proc {
	pid_t pid;
	const char *command;   /* /proc/PID/comm; empty when it could not be read */
};

/* One end: a socket in state ESTABLISHED (a stream or seqpacket
 * connection, or a connected datagram socket), or a named socket that is
 * not connected (listening, or bound: the peer of connected datagram
 * sockets). */
struct conn_sock {
	const char *state;     /* as ss shows it: "ESTAB" when connected, else
	                        * "LISTEN" or "UNCONN" (a bound datagram
	                        * socket); NULL for a named socket in neither */
	unsigned long inode;
	unsigned long peer;    /* the other end's inode; 0: gone or not known */
	int type;              /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	char *path;            /* its own name, else its peer's: a path, @NAME
	                        * for the abstract namespace, "" for none */
	size_t first, nprocs;  /* its holders in conn_list.procs */
};

struct conn_list {
	struct conn_sock *v;   /* sorted by inode */
	size_t n;
	struct conn_proc *procs;
	size_t nprocs;
	char (*commands)[64];  /* one per process seen, which procs point into */
	size_t ncommands;
};

/* Every connected Unix socket (and the named ones: listening, bound) and the processes holding it where /proc
 * lets us see them (another user's processes are left out, not an error).
 * 0, or a reported status. */
int sockconn_load(struct conn_list *l);
/* The socket with INODE, or NULL. */
const struct conn_sock *sockconn_find(const struct conn_list *l, unsigned long inode);
void sockconn_free(struct conn_list *l);

#endif
