/* Listening Unix sockets and their holders: see sockinv.h. */
#include "inv/sockinv.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/io.h"

/* A new entry that takes PATH (malloc'd) as its own. */
static int add_entry(struct sock_list *l, char *path, int type, unsigned long inode,
		     const char *state, size_t *cap)
{
	struct sock_entry *grown = array_grow(l->v, cap, l->n, sizeof(*grown), 16);

	if (!grown)
		return -1;
	l->v = grown;
	struct sock_entry *e = &l->v[l->n];
	memset(e, 0, sizeof(*e));
	e->path = path;
	e->type = type;
	e->inode = inode;
	e->state = state;
	l->n++;
	return 0;
}

static int by_inode(const void *a, const void *b)
{
	unsigned long x = ((const struct sock_entry *)a)->inode, y = ((const struct sock_entry *)b)->inode;
	return x < y ? -1 : x > y;
}

static int by_path(const void *a, const void *b)
{
	const struct sock_entry *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	return c ? c : x->inode < y->inode ? -1 : x->inode > y->inode;
}

int sock_command_read(pid_t pid, char *out, size_t size)
{
	char path[64];

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read_full(fd, out, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	/* The kernel ends it with one newline; a name may hold others. */
	if (n > 0 && out[n - 1] == '\n')
		n--;
	out[n] = '\0';
	return 0;
}

static int add_holder(struct sock_entry *e, pid_t pid)
{
	struct sock_holder *grown = realloc(e->holders, (e->nholders + 1) * sizeof(*grown));

	if (!grown)
		return -1;
	e->holders = grown;
	struct sock_holder *h = &e->holders[e->nholders];
	for (size_t i = 0; i < e->nholders; i++)
		if (e->holders[i].pid == pid)
			return 0;   /* several descriptors of one process: one holder */
	h->pid = pid;
	sock_command_read(pid, h->command, sizeof(h->command));
	e->nholders++;
	return 0;
}

/* One process's socket descriptors: readlinkat on the directory's own
 * descriptor, so each link is one lookup rather than a whole path's. */
static int scan_process(pid_t pid, int (*fn)(void *, pid_t, unsigned long), void *ctx)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%ld/fd", (long)pid);
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return 0;   /* gone, or not ours to see */
	while (rc == 0 && (de = readdir(d))) {
		char target[64];
		unsigned long inode;
		if (de->d_name[0] == '.')
			continue;
		ssize_t n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (sscanf(target, "socket:[%lu]", &inode) == 1)
			rc = fn(ctx, pid, inode);
	}
	closedir(d);
	return rc;
}

int sockinv_each_holder(int (*fn)(void *ctx, pid_t pid, unsigned long inode), void *ctx)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;
	int rc = 0;

	if (!proc)
		return -1;
	while (rc == 0 && (de = readdir(proc)))
		if (isdigit((unsigned char)de->d_name[0]))
			rc = scan_process((pid_t)strtol(de->d_name, NULL, 10), fn, ctx);
	closedir(proc);
	return rc;
}

/* A holder of one of the (inode-sorted) listening sockets. */
static int match_listening(void *ctx, pid_t pid, unsigned long inode)
{
	struct sock_list *l = ctx;
	struct sock_entry key = { .inode = inode };
	struct sock_entry *e = bsearch(&key, l->v, l->n, sizeof(*l->v), by_inode);

	return e && add_holder(e, pid) != 0;
}

static int find_holders(struct sock_list *l)
{
	qsort(l->v, l->n, sizeof(*l->v), by_inode);
	int rc = sockinv_each_holder(match_listening, l);
	if (rc < 0)
		return fail_errno("cannot read /proc");
	return rc ? fail("out of memory") : 0;
}

/* ---- the kernel's table, through NETLINK_SOCK_DIAG --------------------- */

enum { DIAG_BUF = 64 * 1024 };

static int diag_request(int fd)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg = {
		.nlh = { .nlmsg_len = sizeof(msg), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.req = { .sdiag_family = AF_UNIX, .udiag_states = (uint32_t)-1,
			 .udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER },
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t put;

	while ((put = sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *)&kernel, sizeof(kernel))) < 0 &&
	       errno == EINTR)
		;
	if (put < 0)
		return -1;
	return 0;
}

/* One socket's message into S (its name points into the message). */
static void diag_parse(const struct nlmsghdr *h, struct unix_sock *s)
{
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*m));

	memset(s, 0, sizeof(*s));
	s->inode = m->udiag_ino;
	s->type = m->udiag_type;
	s->state = m->udiag_state;
	for (const struct rtattr *a = (const struct rtattr *)(m + 1); len > 0 && RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		if (a->rta_type == UNIX_DIAG_NAME) {
			s->name = RTA_DATA(a);
			s->name_len = RTA_PAYLOAD(a);
			/* A path may be given with its NUL: not part of the name. */
			if (s->name_len && s->name[0] != '\0')
				s->name_len = strnlen(s->name, s->name_len);
		} else if (a->rta_type == UNIX_DIAG_VFS && RTA_PAYLOAD(a) >= sizeof(struct unix_diag_vfs)) {
			struct unix_diag_vfs vfs;
			memcpy(&vfs, RTA_DATA(a), sizeof(vfs));
			s->has_file = true;
			s->file_dev = vfs.udiag_vfs_dev;
			s->file_ino = vfs.udiag_vfs_ino;
		} else if (a->rta_type == UNIX_DIAG_PEER && RTA_PAYLOAD(a) >= sizeof(uint32_t)) {
			uint32_t peer;
			memcpy(&peer, RTA_DATA(a), sizeof(peer));
			s->peer_inode = peer;
		}
	}
}

/* One datagram of the reply: 1 when the dump is done (or FN stopped it),
 * 0 for more, -1 with errno. */
static int diag_batch(const char *buf, size_t n, int (*fn)(void *, const struct unix_sock *), void *ctx)
{
	int left = (int)n;

	for (const struct nlmsghdr *h = (const struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);
			errno = h->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) && e->error ? -e->error : EPROTO;
			return -1;
		}
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || h->nlmsg_len < NLMSG_LENGTH(sizeof(struct unix_diag_msg)))
			continue;
		struct unix_sock s;
		diag_parse(h, &s);
		if (fn(ctx, &s))
			return 1;
	}
	return 0;
}

int sockinv_each(int (*fn)(void *ctx, const struct unix_sock *s), void *ctx)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	char *buf = malloc(DIAG_BUF);
	int rc = -1;

	if (fd < 0 || !buf) {
		if (!buf)
			errno = ENOMEM;
		goto out;
	}
	if (diag_request(fd) != 0)
		goto out;
	for (rc = 0; rc == 0;) {
		ssize_t got = recv(fd, buf, DIAG_BUF, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got == 0)
				errno = EPROTO;
			rc = -1;
			break;
		}
		rc = diag_batch(buf, (size_t)got, fn, ctx);
	}
	if (rc == 1)
		rc = 0;
out:
	if (fd >= 0) {
		int saved = errno;
		close(fd);
		errno = saved;
	}
	free(buf);
	return rc;
}

int sockinv_read(int (*fn)(void *ctx, const struct unix_sock *s), void *ctx, const bool *no_memory)
{
	if (sockinv_each(fn, ctx) != 0)
		return fail_errno("cannot read the kernel's table of Unix sockets (NETLINK_SOCK_DIAG)");
	return *no_memory ? fail("out of memory") : 0;
}

bool unix_sock_owns_name(const struct unix_sock *s)
{
	if (s->name_len == 0)
		return false;
	return s->type == SOCK_DGRAM || s->state == TCP_LISTEN || s->state == TCP_CLOSE;
}

/* ---- list --sockets ---------------------------------------------------- */

char *unix_sock_shown_name(const struct unix_sock *s)
{
	char *out = malloc(s->name_len + 1);

	if (!out)
		return NULL;
	for (size_t i = 0; i < s->name_len; i++)
		out[i] = s->name[i] ? s->name[i] : '@';
	out[s->name_len] = '\0';
	return out;
}

struct loading {
	struct sock_list *l;
	size_t cap;
	bool no_memory;
};

/* The listening stream and seqpacket sockets, and the bound datagram ones. */
static int take_listening(void *ctx, const struct unix_sock *s)
{
	struct loading *ld = ctx;
	const char *state = s->type == SOCK_DGRAM ? "UNCONN" : s->state == TCP_LISTEN ? "LISTEN" : NULL;

	if (!state || s->name_len == 0)
		return 0;
	char *name = unix_sock_shown_name(s);
	if (!name || add_entry(ld->l, name, s->type, s->inode, state, &ld->cap) != 0) {
		free(name);
		ld->no_memory = true;
		return 1;
	}
	return 0;
}

int sockinv_load(struct sock_list *l)
{
	struct loading ld = { .l = l };

	memset(l, 0, sizeof(*l));
	int rc = sockinv_read(take_listening, &ld, &ld.no_memory);
	if (rc == 0 && l->n)
		rc = find_holders(l);
	if (rc == 0)
		qsort(l->v, l->n, sizeof(*l->v), by_path);
	else
		sockinv_free(l);
	return rc;
}

void sockinv_free(struct sock_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].holders);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
