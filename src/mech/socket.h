/* Unix domain sockets (ipctool-sock(1)): addresses (a path or @abstract), a
 * listener that is safe to leave running, connecting, and the peer's
 * credentials as the kernel gives them.
 *
 * A listener binds only where nothing live is: a stale socket file (no
 * socket bound to it any more) is replaced, anything else is refused and
 * left alone.  Whether a socket is bound to the file is read from the
 * kernel's table (NETLINK_SOCK_DIAG, by the file's device and inode), so a
 * live listener never sees a probe connection; only when that table cannot
 * tell does a connect attempt decide.  The file is born with exactly its
 * mode (the umask is set around bind), and it is removed on exit only if
 * it is still the file this listener made (device and inode recorded right
 * after bind). */
#ifndef IPCTOOL_SOCKET_H
#define IPCTOOL_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include "lib/wait.h"

struct sock_addr {
	struct sockaddr_un sun;
	socklen_t len;
	bool abstract;          /* @NAME: no file */
	const char *text;       /* as given */
};

/* PATH or @NAME.  NULL when valid, else a phrase for a usage error. */
const char *sock_addr_parse(const char *text, struct sock_addr *a);

/* "stream", "dgram" or "seqpacket" for SOCK_STREAM, ... */
const char *sock_type_name(int type);

struct sock_listener {
	int fd;
	struct sock_addr addr;
	int type;
	bool made;              /* a file we created, to remove on exit */
	dev_t dev;
	ino_t ino;
};

/* Bind and (stream, seqpacket) listen at A, the file with exactly MODE.
 * Returns 0, or reports and returns EXIT_FAIL. */
int sock_listen(struct sock_listener *l, const struct sock_addr *a, int type, mode_t mode);
/* Close, and remove the file if it is still the one we made. */
void sock_listener_close(struct sock_listener *l);

/* A socket of TYPE connected to A, non-blocking and close-on-exec, or -1
 * after reporting.  With a bounded W (--timeout) it waits until someone
 * listens at A or the deadline passes (then reports "no listener ...
 * before the timeout"). */
int sock_connect_until(const struct sock_addr *a, int type, const struct wait *w);

struct sock_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
};

/* The connected peer's credentials (SO_PEERCRED).  0 or -1 with errno. */
int sock_peer_of(int fd, struct sock_peer *p);

/* Ask for the senders' credentials with every record (SO_PASSCRED), which
 * sock_recv_record needs to tell an empty record from the end.  0 or -1
 * with errno. */
int sock_pass_credentials(int fd);

/* The most descriptors one message can carry (SCM_MAX_FD, unix(7)). */
#define SOCK_FDS_MAX 253

/* Descriptors that came with a message (SCM_RIGHTS), close-on-exec. */
struct sock_fds {
	int fd[SOCK_FDS_MAX];
	unsigned n;
	bool cut;    /* MSG_CTRUNC: more were sent than arrived (the open-file
	              * limit); the kernel closed the rest */
};

/* Close every descriptor of F; F is empty after. */
void sock_fds_close(struct sock_fds *f);
/* Close the N descriptors of FDS. */
void sock_fds_close_all(const int *fds, size_t n);

/* Send N bytes of BUF (N >= 1 on a stream) with the NFDS descriptors of
 * FDS (SCM_RIGHTS), non-blocking.  As send(2): bytes taken, or -1 with
 * errno; once any byte is taken, the descriptors went with it. */
ssize_t sock_send_fds(int fd, const void *buf, size_t n, const int *fds, unsigned nfds);

/* One recvmsg(2) of up to N bytes into BUF with FLAGS (MSG_PEEK leaves
 * the bytes, and the descriptors with copies, for the next reader), the
 * descriptors that came with them in F.  Retries EINTR unless a
 * termination is pending.  As recv(2): bytes, 0 at the end, -1 with errno. */
ssize_t sock_recv_fds(int fd, void *buf, size_t n, int flags, struct sock_fds *f);

/* sock_recv_record's value at the end of a connection. */
#define SOCK_RECORD_END ((ssize_t)-2)

/* One record (datagram or seqpacket) into BUF (N bytes), non-blocking,
 * with the sender's credentials; FD must pass them (sock_pass_credentials).
 * A record queued before FD passed them (a socket handed over by socket
 * activation) has none: pid 0, uid and gid -1.  Returns the record's full
 * size (0 for an empty record, more than N when it was cut),
 * SOCK_RECORD_END when a seqpacket peer shut down or closed and every
 * record was taken, or -1 with errno (EAGAIN: none there now).  The
 * descriptors that came with the record go to F, or are closed when F is
 * NULL. */
ssize_t sock_recv_record(int fd, void *buf, size_t n, struct sock_peer *p, struct sock_fds *f);

/* Room for the largest record a sender can make: twice the largest send
 * buffer an unprivileged sender may ask for (the kernel doubles it), and a
 * byte to see that a record was larger (sent by a privileged sender). */
size_t sock_record_room(void);

/* The largest record a socket can send (its send buffer), for DGRAM and
 * SEQPACKET. */
size_t sock_record_max(int fd);

#endif
