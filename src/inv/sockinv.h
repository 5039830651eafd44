/* What Unix sockets listen in this network namespace, and who holds them
 * (list --sockets, SPEC §13): the kernel's table /proc/net/unix, its
 * sockets' inodes matched with the socket:[INODE] links in /proc/PID/fd. */
#ifndef IPCTOOL_SOCKINV_H
#define IPCTOOL_SOCKINV_H

#include <stddef.h>
#include <sys/types.h>

struct sock_holder {
	pid_t pid;
	char command[64];      /* /proc/PID/comm */
};

struct sock_entry {
	char *path;            /* as the kernel shows it: @NAME for abstract */
	int type;              /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	const char *state;     /* "LISTEN", or "UNCONN" for a bound datagram socket */
	unsigned long inode;
	struct sock_holder *holders;
	size_t nholders;
};

struct sock_list {
	struct sock_entry *v;
	size_t n;
};

/* The listening stream and seqpacket sockets and the bound datagram
 * sockets that have a name, sorted by path, each with the processes that
 * hold it where /proc lets us see them.  0, or a reported status. */
int sockinv_load(struct sock_list *l);
void sockinv_free(struct sock_list *l);

#endif
