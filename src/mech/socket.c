/* Unix domain sockets: see socket.h. */
#include "mech/socket.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/io.h"
#include "inv/sockinv.h"
#include "lib/wait.h"

const char *sock_addr_parse(const char *text, struct sock_addr *a)
{
	size_t len = strlen(text);

	memset(a, 0, sizeof(*a));
	a->text = text;
	a->sun.sun_family = AF_UNIX;
	if (len == 0)
		return "PATH is empty";
	if (text[0] == '@') {
		/* The kernel's abstract namespace: a leading NUL, then the
		 * name, its length counted exactly (no NUL after it). */
		if (len == 1)
			return "an abstract address needs a NAME after '@'";
		if (len > sizeof(a->sun.sun_path))
			return "an abstract NAME is at most 107 bytes";
		a->abstract = true;
		memcpy(a->sun.sun_path + 1, text + 1, len - 1);
		a->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
		return NULL;
	}
	if (len >= sizeof(a->sun.sun_path))
		return "a socket PATH is at most 107 bytes (a shorter relative path, or cd first)";
	memcpy(a->sun.sun_path, text, len);
	a->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
	return NULL;
}

const char *sock_type_name(int type)
{
	switch (type) {
	case SOCK_DGRAM:
		return "dgram";
	case SOCK_SEQPACKET:
		return "seqpacket";
	default:
		return "stream";
	}
}

/* ---- is anyone bound to the file? --------------------------------------- */

enum bound { BOUND_NONE, BOUND_LIVE, BOUND_UNKNOWN };

/* PATH made absolute through its directory's real path, so the kernel's
 * table shows where a listener is (list --sockets). */
static char *absolute_path(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	char *real = dir ? realpath(dir, NULL) : NULL;
	char *out = NULL;

	if (real) {
		const char *base = slash ? slash + 1 : path;
		size_t n = strlen(real) + strlen(base) + 2;
		out = malloc(n);
		if (out)
			snprintf(out, n, "%s%s%s", real, strcmp(real, "/") ? "/" : "", base);
	}
	free(dir);
	free(real);
	return out;
}

struct file_owner {
	const struct stat *st;
	enum bound verdict;
};

/* A socket bound to the very file (same inode, and device in the kernel's
 * encoding: major << 20 | minor) that owns its name is live.  The same
 * inode on what looks like another device cannot be told apart here. */
static int owner_of_file(void *ctx, const struct unix_sock *s)
{
	struct file_owner *q = ctx;

	if (!s->has_file || s->file_ino != (unsigned long)q->st->st_ino || !unix_sock_owns_name(s))
		return 0;
	if (s->file_dev >> 20 == major(q->st->st_dev) && (s->file_dev & 0xfffff) == minor(q->st->st_dev)) {
		q->verdict = BOUND_LIVE;
		return 1;
	}
	q->verdict = BOUND_UNKNOWN;
	return 0;
}

/* What the kernel's table says of the socket file ST: a socket bound to it
 * is live whatever name it was bound by; none means nobody is bound.
 * Names are never compared, so none can pass for another. */
static enum bound bound_in_table(const struct stat *st)
{
	struct file_owner q = { .st = st, .verdict = BOUND_NONE };

	if (sockinv_each(owner_of_file, &q) != 0)
		return BOUND_UNKNOWN;
	return q.verdict;
}

/* The table could not tell: try to connect.  Refused is nobody. */
static enum bound bound_by_probe(const struct sock_addr *a, int type)
{
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	enum bound verdict = BOUND_LIVE;

	if (fd < 0)
		return BOUND_LIVE;
	if (connect(fd, (const struct sockaddr *)&a->sun, a->len) != 0 && errno == ECONNREFUSED)
		verdict = BOUND_NONE;
	close(fd);
	return verdict;
}

/* ---- listening ---------------------------------------------------------- */

static int not_a_socket(const char *path, mode_t mode)
{
	return fail("%s exists and is %s, not a socket; it was left untouched", path, file_kind(mode));
}

static int live_listener(const struct sock_addr *a)
{
	return fail("%s is in use: a live socket is bound to it; it was left untouched", a->text);
}

/* bind with the umask that gives the file exactly MODE. */
static int bind_with_mode(int fd, const struct sock_addr *a, mode_t mode)
{
	mode_t old = umask((mode_t)(0777 & ~mode));
	int rc = bind(fd, (const struct sockaddr *)&a->sun, a->len);
	int saved = errno;

	umask(old);
	errno = saved;
	return rc;
}

/* Make way at PATH: nothing there is fine, a stale socket file is removed,
 * anything else refused.  Returns 0 or a reported status. */
static int clear_path(const struct sock_addr *a, int type)
{
	struct stat st, again;

	if (lstat(a->text, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return fail_errno("cannot look at %s", a->text);
	}
	if (!S_ISSOCK(st.st_mode))
		return not_a_socket(a->text, st.st_mode);
	enum bound b = bound_in_table(&st);
	if (b == BOUND_UNKNOWN)
		b = bound_by_probe(a, type);
	if (b == BOUND_LIVE)
		return live_listener(a);
	/* Remove only the stale file we judged, not one that took its place. */
	if (lstat(a->text, &again) != 0 || again.st_dev != st.st_dev || again.st_ino != st.st_ino)
		return 0;   /* bind decides what is there now */
	if (unlink(a->text) != 0 && errno != ENOENT)
		return fail_errno("cannot remove the stale socket %s", a->text);
	return 0;
}

/* After bind: remember which file is ours, and set its mode again where a
 * default ACL overrode the umask. */
static int adopt_file(struct sock_listener *l, mode_t mode)
{
	struct stat st;

	if (lstat(l->addr.text, &st) != 0)
		return fail_errno("cannot look at the socket %s just made", l->addr.text);
	if (!S_ISSOCK(st.st_mode))
		return fail("%s was replaced by %s right after bind", l->addr.text, file_kind(st.st_mode));
	l->made = true;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	if ((st.st_mode & 07777) != mode &&
	    fchmodat(AT_FDCWD, l->addr.text, mode, AT_SYMLINK_NOFOLLOW) != 0)
		return fail_errno("cannot set the mode of socket %s", l->addr.text);
	return 0;
}

/* Bind by the absolute name where it fits, so list --sockets shows a path
 * that means something wherever it is run from. */
static void bind_absolute(struct sock_listener *l)
{
	char *abs = absolute_path(l->addr.text);

	if (abs && strlen(abs) < sizeof(l->addr.sun.sun_path)) {
		memset(l->addr.sun.sun_path, 0, sizeof(l->addr.sun.sun_path));
		memcpy(l->addr.sun.sun_path, abs, strlen(abs));
		l->addr.len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(abs) + 1);
	}
	free(abs);
}

static int bind_path(struct sock_listener *l, int type, mode_t mode)
{
	int rc;

	bind_absolute(l);

	/* A file that appears between the look and bind makes bind fail
	 * (bind never follows or replaces anything): judge it again. */
	for (int attempt = 0; attempt < 3; attempt++) {
		if ((rc = clear_path(&l->addr, type)))
			return rc;
		if (bind_with_mode(l->fd, &l->addr, mode) == 0)
			return adopt_file(l, mode);
		if (errno != EADDRINUSE)
			return fail_errno("cannot bind %s", l->addr.text);
	}
	return live_listener(&l->addr);
}

int sock_listen(struct sock_listener *l, const struct sock_addr *a, int type, mode_t mode)
{
	int rc = 0;

	memset(l, 0, sizeof(*l));
	l->addr = *a;
	l->type = type;
	l->fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (l->fd < 0)
		return fail_errno("cannot make a %s socket", sock_type_name(type));
	/* Before bind, so no datagram arrives without its sender's credentials
	 * (accepted seqpacket connections inherit the option). */
	if (type != SOCK_STREAM && sock_pass_credentials(l->fd) != 0) {
		rc = fail_errno("cannot ask for the senders' credentials on %s", a->text);
	} else if (a->abstract) {
		if (bind(l->fd, (const struct sockaddr *)&a->sun, a->len) != 0)
			rc = errno == EADDRINUSE ? live_listener(a) : fail_errno("cannot bind %s", a->text);
	} else {
		rc = bind_path(l, type, mode);
	}
	if (rc == 0 && type != SOCK_DGRAM && listen(l->fd, SOMAXCONN) != 0)
		rc = fail_errno("cannot listen on %s", a->text);
	if (rc != 0)
		sock_listener_close(l);
	return rc;
}

void sock_listener_close(struct sock_listener *l)
{
	struct stat st;

	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	if (l->made && lstat(l->addr.text, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_dev == l->dev && st.st_ino == l->ino)
		unlink(l->addr.text);
	l->made = false;
}

/* ---- connecting --------------------------------------------------------- */

static int connect_failed(const struct sock_addr *a, int type)
{
	switch (errno) {
	case ECONNREFUSED:
		return fail("no listener at %s: connection refused (a stale socket, or a full queue)",
			    a->text);
	case EPROTOTYPE:
		return fail("no %s listener at %s: the socket there is of another type",
			    sock_type_name(type), a->text);
	case ENOENT:
		return fail("no listener at %s: %s", a->text, strerror(ENOENT));
	default:
		return fail_errno("cannot connect to %s", a->text);
	}
}

/* QUIET_ABSENT: when nobody listens at A, fail with errno ENOENT or
 * ECONNREFUSED and say nothing. */
static int connect_to(const struct sock_addr *a, int type, bool quiet_absent)
{
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		fail_errno("cannot make a %s socket", sock_type_name(type));
		return -1;
	}
	/* A stream connect blocks only while the listener's queue is full;
	 * the caller's deadline timer interrupts it. */
	int rc;
	while ((rc = connect(fd, (const struct sockaddr *)&a->sun, a->len)) != 0 && errno == EINTR &&
	       !termination_pending())
		;
	if (rc != 0) {
		int err = errno;
		if (err == EINTR)
			fail("no room at %s's listener before the timeout", a->text);
		else if (!quiet_absent || (err != ENOENT && err != ECONNREFUSED))
			connect_failed(a, type);
		close(fd);
		errno = err;
		return -1;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) {
		fail_errno("cannot set up the connection to %s", a->text);
		close(fd);
		return -1;
	}
	return fd;
}

/* How long to let a listener that is not there yet come, between tries. */
#define RETRY_NS (20 * 1000 * 1000)

int sock_connect_until(const struct sock_addr *a, int type, const struct wait *w)
{
	if (!w->bounded)
		return connect_to(a, type, false);
	for (;;) {
		/* Nobody listening yet (no socket, or refused): -1, unreported. */
		int fd = connect_to(a, type, true);
		if (fd >= 0 || (errno != ENOENT && errno != ECONNREFUSED))
			return fd;
		/* A file that is no socket refuses too, and always will. */
		struct stat st;
		if (errno == ECONNREFUSED && a->sun.sun_path[0] != '\0' && lstat(a->sun.sun_path, &st) == 0 &&
		    !S_ISSOCK(st.st_mode)) {
			fail("no listener at %s: it is not a socket", a->text);
			return -1;
		}
		if (wait_expired(w) || termination_pending()) {
			fail("no listener at %s before the timeout", a->text);
			return -1;
		}
		/* A short nap: the timer wait_arm set ends it at the deadline. */
		struct timespec nap = { 0, RETRY_NS };
		nanosleep(&nap, NULL);
	}
}

/* ---- credentials and records ------------------------------------------- */

int sock_peer_of(int fd, struct sock_peer *p)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return -1;
	p->pid = cred.pid;
	p->uid = cred.uid;
	p->gid = cred.gid;
	return 0;
}

/* Room for a message's credentials and as many descriptors as it can
 * carry: a smaller buffer would have the kernel close some unseen. */
union sock_control {
	struct cmsghdr align;
	char space[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(SOCK_FDS_MAX * sizeof(int))];
};

void sock_fds_close_all(const int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
}

void sock_fds_close(struct sock_fds *f)
{
	sock_fds_close_all(f->fd, f->n);
	f->n = 0;
}

/* The descriptors of one SCM_RIGHTS message C into F (closed, F NULL). */
static void take_rights(const struct cmsghdr *c, struct sock_fds *f)
{
	size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

	for (size_t i = 0; i < k; i++) {
		int d;
		memcpy(&d, CMSG_DATA(c) + i * sizeof(int), sizeof(d));
		if (f && f->n < SOCK_FDS_MAX)
			f->fd[f->n++] = d;
		else
			close(d);   /* F NULL; beyond our buffer it cannot happen: never leak */
	}
}

/* One walk over MSG's control messages: its descriptors into F (closed
 * when F is NULL) and, when P is not NULL, its sender's credentials. */
static void take_control(struct msghdr *msg, struct sock_fds *f, struct sock_peer *p)
{
	if (f) {
		f->n = 0;
		f->cut = (msg->msg_flags & MSG_CTRUNC) != 0;
	}
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_len < CMSG_LEN(0))
			continue;
		if (c->cmsg_type == SCM_RIGHTS) {
			take_rights(c, f);
		} else if (p && c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			struct ucred cred;
			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			/* Pid 0: the record was queued before SO_PASSCRED was set
			 * (a socket passed by socket activation), and the kernel
			 * made up the rest (the overflow uid): no credentials. */
			if (cred.pid == 0)
				continue;
			p->pid = cred.pid;
			p->uid = cred.uid;
			p->gid = cred.gid;
		}
	}
}

ssize_t sock_send_fds(int fd, const void *buf, size_t n, const int *fds, unsigned nfds)
{
	union sock_control control;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = n };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds > SOCK_FDS_MAX) {
		errno = ETOOMANYREFS;
		return -1;
	}
	if (nfds) {
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.space;
		msg.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	}
	return sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* recvmsg into BUF with room in CONTROL for credentials and descriptors,
 * through EINTR unless a termination signal is pending.  -1 with F (if
 * any) empty on failure. */
static ssize_t recv_with_control(int fd, struct iovec *iov, int flags, struct msghdr *msg,
				 union sock_control *control, struct sock_fds *f)
{
	ssize_t got;

	do {
		*msg = (struct msghdr){ .msg_iov = iov, .msg_iovlen = 1, .msg_control = control->space,
					.msg_controllen = sizeof(control->space) };
		got = recvmsg(fd, msg, flags | MSG_CMSG_CLOEXEC);
	} while (got < 0 && errno == EINTR && !termination_pending());
	if (got < 0 && f) {
		f->n = 0;
		f->cut = false;
	}
	return got;
}

ssize_t sock_recv_fds(int fd, void *buf, size_t n, int flags, struct sock_fds *f)
{
	union sock_control control;
	struct iovec iov = { .iov_base = buf, .iov_len = n };
	struct msghdr msg;

	if (termination_pending()) {
		f->n = 0;
		f->cut = false;
		errno = EINTR;
		return -1;
	}
	ssize_t got = recv_with_control(fd, &iov, flags, &msg, &control, f);
	if (got >= 0)
		take_control(&msg, f, NULL);
	return got;
}

ssize_t sock_recv_record(int fd, void *buf, size_t n, struct sock_peer *p, struct sock_fds *f)
{
	union sock_control control;
	struct iovec iov = { .iov_base = buf, .iov_len = n };
	struct msghdr msg;
	ssize_t got = recv_with_control(fd, &iov, MSG_DONTWAIT | MSG_TRUNC, &msg, &control, f);

	if (got < 0)
		return -1;
	p->pid = 0;
	p->uid = (uid_t)-1;
	p->gid = (gid_t)-1;
	take_control(&msg, f, p);
	/* recvmsg says 0 both for an empty record and at the end; only a
	 * record comes with its sender's credentials (socket(7), SO_PASSCRED). */
	if (got == 0 && msg.msg_controllen == 0)
		return SOCK_RECORD_END;
	return got;
}

int sock_pass_credentials(int fd)
{
	return setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &(int){ 1 }, sizeof(int));
}

size_t sock_record_room(void)
{
	FILE *f = fopen("/proc/sys/net/core/wmem_max", "re");
	unsigned long wmem = 0;

	if (!f || fscanf(f, "%lu", &wmem) != 1)
		wmem = 4UL * 1024 * 1024;
	if (f)
		fclose(f);
	return 2 * wmem + 1;
}

size_t sock_record_max(int fd)
{
	int sndbuf = 0;
	socklen_t len = sizeof(sndbuf);

	if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) != 0 || sndbuf <= 0)
		return 64 * 1024;
	return (size_t)sndbuf;
}
