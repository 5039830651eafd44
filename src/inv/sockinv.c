/* Listening Unix sockets and their holders: see sockinv.h. */
#include "sockinv.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "error.h"

/* __SO_ACCEPTCON in the Flags column: the socket listens. */
#define FLAG_LISTENING 0x10000UL

static int add_entry(struct sock_list *l, const char *path, int type, unsigned long inode,
		     const char *state, size_t *cap)
{
	if (l->n == *cap) {
		size_t grown_cap = *cap ? 2 * *cap : 16;
		struct sock_entry *grown = realloc(l->v, grown_cap * sizeof(*grown));
		if (!grown)
			return -1;
		l->v = grown;
		*cap = grown_cap;
	}
	struct sock_entry *e = &l->v[l->n];
	memset(e, 0, sizeof(*e));
	e->path = strdup(path);
	if (!e->path)
		return -1;
	e->type = type;
	e->inode = inode;
	e->state = state;
	l->n++;
	return 0;
}

/* One line of /proc/net/unix:
 * Num: RefCount Protocol Flags Type St Inode Path */
static int parse_line(struct sock_list *l, const char *line, size_t *cap)
{
	unsigned long flags, type, inode;
	int at = -1;

	if (sscanf(line, "%*s %*s %*s %lx %lx %*s %lu %n", &flags, &type, &inode, &at) < 3 || at < 0 ||
	    line[at] == '\0')
		return 0;   /* no name: not reachable by anyone */
	if (type == SOCK_DGRAM)
		return add_entry(l, line + at, (int)type, inode, "UNCONN", cap);
	if ((type == SOCK_STREAM || type == SOCK_SEQPACKET) && (flags & FLAG_LISTENING))
		return add_entry(l, line + at, (int)type, inode, "LISTEN", cap);
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

static int add_holder(struct sock_entry *e, pid_t pid)
{
	struct sock_holder *grown = realloc(e->holders, (e->nholders + 1) * sizeof(*grown));
	char path[64];

	if (!grown)
		return -1;
	e->holders = grown;
	struct sock_holder *h = &e->holders[e->nholders];
	for (size_t i = 0; i < e->nholders; i++)
		if (e->holders[i].pid == pid)
			return 0;   /* several descriptors of one process: one holder */
	h->pid = pid;
	h->command[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	FILE *f = fopen(path, "re");
	if (f) {
		if (fgets(h->command, sizeof(h->command), f))
			h->command[strcspn(h->command, "\n")] = '\0';
		fclose(f);
	}
	e->nholders++;
	return 0;
}

/* Match one process's socket descriptors with the (inode-sorted) list. */
static int scan_process(struct sock_list *l, pid_t pid)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%ld/fd", (long)pid);
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return 0;   /* gone, or not ours to see */
	while (rc == 0 && (de = readdir(d))) {
		char link[64 + sizeof(de->d_name)], target[64];
		unsigned long inode;
		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (sscanf(target, "socket:[%lu]", &inode) != 1)
			continue;
		struct sock_entry key = { .inode = inode };
		struct sock_entry *e = bsearch(&key, l->v, l->n, sizeof(*l->v), by_inode);
		if (e)
			rc = add_holder(e, pid);
	}
	closedir(d);
	return rc;
}

static int find_holders(struct sock_list *l)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;
	int rc = 0;

	if (!proc)
		return fail_errno("cannot read /proc");
	qsort(l->v, l->n, sizeof(*l->v), by_inode);
	while (rc == 0 && (de = readdir(proc)))
		if (isdigit((unsigned char)de->d_name[0]))
			rc = scan_process(l, (pid_t)strtol(de->d_name, NULL, 10));
	closedir(proc);
	return rc ? fail("out of memory") : 0;
}

int sockinv_load(struct sock_list *l)
{
	FILE *f = fopen("/proc/net/unix", "re");
	char *line = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;

	memset(l, 0, sizeof(*l));
	if (!f)
		return fail_errno("cannot read /proc/net/unix");
	if (getline(&line, &len, f) < 0)   /* the heading */
		rc = ferror(f) ? fail_errno("cannot read /proc/net/unix") : 0;
	while (rc == 0 && getline(&line, &len, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (parse_line(l, line, &cap) != 0)
			rc = fail("out of memory");
	}
	free(line);
	fclose(f);
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
