/* The Unix sockets of this network namespace, read from the kernel
 * through NETLINK_SOCK_DIAG (sock_diag(7), as ss(8) does): every name
 * comes with its exact length, so a name holding a newline cannot pass for
 * another socket as in the text of /proc/net/unix.  The listening ones and
 * who holds them (list --sockets): their inodes matched with the
 * socket:[INODE] links in /proc/PID/fd. */
#ifndef IPCTOOL_SOCKINV_H
#define IPCTOOL_SOCKINV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* One socket as sock_diag reports it. */
struct unix_sock {
	unsigned long inode;
	int type;              /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	int state;             /* TCP_LISTEN, TCP_ESTABLISHED, TCP_CLOSE (netinet/tcp.h) */
	const char *name;      /* NAME_LEN bytes as bound (no NUL after them); an
	                        * abstract name starts with a NUL byte */
	size_t name_len;       /* 0: not bound */
	bool has_file;         /* bound to a file: its device and inode follow */
	unsigned file_dev;     /* the kernel's encoding: major << 20 | minor */
	unsigned long file_ino;
	unsigned long peer_inode; /* the other end of a connected socket; 0: none */
};

/* Call FN for every Unix socket of the network namespace, until it
 * returns nonzero.  0 when the whole table was read (or FN stopped it),
 * -1 with errno when it could not be (no sock_diag for AF_UNIX). */
int sockinv_each(int (*fn)(void *ctx, const struct unix_sock *s), void *ctx);
/* The same, reported: 0, or status 1 after saying why, also when FN set
 * *NO_MEMORY (and stopped). */
int sockinv_read(int (*fn)(void *ctx, const struct unix_sock *s), void *ctx, const bool *no_memory);

/* Does S own its name: a listening or bound-but-unconnected stream or
 * seqpacket socket, or a bound datagram one?  A connection a listener
 * accepted carries the listener's name and file too, and outlives it (a
 * COMMAND still serving): it owns neither. */
bool unix_sock_owns_name(const struct unix_sock *s);

/* Call FN with every socket descriptor of every process whose /proc/PID/fd
 * can be read (the others are left out: gone, or another user's), until
 * it returns nonzero; that value is returned.  -1 with errno when /proc
 * cannot be read at all. */
int sockinv_each_holder(int (*fn)(void *ctx, pid_t pid, unsigned long inode), void *ctx);

/* PID's command (/proc/PID/comm) into OUT; 0, or -1 with OUT empty. */
int sock_command_read(pid_t pid, char *out, size_t size);

/* S's name as list shows it (malloc'd): a path as it is, an abstract name
 * after '@' (its NUL bytes as '@' too, as ss(8) writes them); NULL when
 * memory ran out. */
char *unix_sock_shown_name(const struct unix_sock *s);

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
