/* Connected Unix sockets and the processes at both ends: see sockconn.h. */
#include "inv/sockconn.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "inv/sockinv.h"
#include "lib/buf.h"
#include "lib/error.h"

/* A socket of the kernel's table worth keeping: a connected one, or a
 * named one whose name a connected peer shows (a datagram socket
 * connected to a bound one has no name of its own). */
struct seen {
	unsigned long inode, peer;
	int type, state;
	bool connected;
	char *name;            /* NULL: none */
};

struct table_read {
	struct seen *v;
	size_t n, cap;
	bool no_memory;
};

static int take_socket(void *ctx, const struct unix_sock *s)
{
	struct table_read *t = ctx;
	/* A datagram socket others connected to is ESTABLISHED too (since
	 * Linux 5.x, for poll), but only one that connected has a peer. */
	bool connected = s->state == TCP_ESTABLISHED && (s->type != SOCK_DGRAM || s->peer_inode);

	if (!connected && s->name_len == 0)
		return 0;
	struct seen *grown = array_grow(t->v, &t->cap, t->n, sizeof(*t->v), 256);
	char *name = s->name_len ? unix_sock_shown_name(s) : NULL;
	if (!grown || (s->name_len && !name)) {
		free(name);
		t->no_memory = true;
		return 1;
	}
	t->v = grown;
	t->v[t->n++] = (struct seen){ .inode = s->inode, .peer = s->peer_inode, .type = s->type,
				      .state = s->state, .connected = connected, .name = name };
	return 0;
}

static int seen_by_inode(const void *a, const void *b)
{
	unsigned long x = ((const struct seen *)a)->inode, y = ((const struct seen *)b)->inode;
	return x < y ? -1 : x > y;
}

static const struct seen *seen_find(const struct table_read *t, unsigned long inode)
{
	struct seen key = { .inode = inode };
	return inode ? bsearch(&key, t->v, t->n, sizeof(*t->v), seen_by_inode) : NULL;
}

/* T's sockets (sorted by inode), each connected one named by its own name
 * or its peer's; -1 when memory ran out.  The named ones that are not
 * connected stay too: a connected datagram socket's peer may be one, and
 * who holds it is that connection's other end. */
/* S's state in ss's words, as list --sockets shows the unconnected ones. */
static const char *state_name(const struct seen *s)
{
	if (s->connected)
		return "ESTAB";
	if (s->type == SOCK_DGRAM)
		return "UNCONN";
	return s->state == TCP_LISTEN ? "LISTEN" : NULL;
}

static int keep_connected(struct conn_list *l, const struct table_read *t)
{
	l->v = calloc(t->n ? t->n : 1, sizeof(*l->v));
	if (!l->v)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		const struct seen *s = &t->v[i];
		const struct seen *peer = s->name ? NULL : seen_find(t, s->peer);
		const char *name = s->name ? s->name : peer && peer->name ? peer->name : "";
		struct conn_sock *c = &l->v[l->n];
		*c = (struct conn_sock){ .inode = s->inode, .peer = s->peer, .type = s->type,
					 .state = state_name(s), .path = strdup(name) };
		if (!c->path)
			return -1;
		l->n++;
	}
	return 0;
}

static void table_read_free(struct table_read *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
}

/* ---- who holds them: one pass over /proc/PID/fd ------------------------ */

struct holding {
	size_t sock;           /* index in conn_list.v */
	pid_t pid;
	size_t command;        /* index in conn_list.commands */
};

struct holders_read {
	struct conn_list *l;
	struct holding *v;
	size_t n, cap, commands_cap;
	pid_t last_pid;        /* the process being read, whose command is the last */
};

static int conn_by_inode(const void *a, const void *b)
{
	unsigned long x = ((const struct conn_sock *)a)->inode, y = ((const struct conn_sock *)b)->inode;
	return x < y ? -1 : x > y;
}

const struct conn_sock *sockconn_find(const struct conn_list *l, unsigned long inode)
{
	struct conn_sock key = { .inode = inode };
	return inode ? bsearch(&key, l->v, l->n, sizeof(*l->v), conn_by_inode) : NULL;
}

/* The command of the process being read, read once however many of its
 * descriptors are connected sockets. */
static int note_command(struct holders_read *h, pid_t pid)
{
	struct conn_list *l = h->l;

	if (l->ncommands && h->last_pid == pid)
		return 0;
	char(*grown)[64] = array_grow(l->commands, &h->commands_cap, l->ncommands, sizeof(*l->commands), 64);
	if (!grown)
		return -1;
	l->commands = grown;
	sock_command_read(pid, l->commands[l->ncommands++], sizeof(*l->commands));
	h->last_pid = pid;
	return 0;
}

static int match_connected(void *ctx, pid_t pid, unsigned long inode)
{
	struct holders_read *h = ctx;
	const struct conn_sock *c = sockconn_find(h->l, inode);

	if (!c)
		return 0;
	struct holding *grown = array_grow(h->v, &h->cap, h->n, sizeof(*h->v), 256);
	if (!grown || note_command(h, pid) != 0) {
		if (grown)
			h->v = grown;
		return 1;
	}
	h->v = grown;
	h->v[h->n++] = (struct holding){ .sock = (size_t)(c - h->l->v), .pid = pid,
					 .command = h->l->ncommands - 1 };
	return 0;
}

static int by_sock_then_pid(const void *a, const void *b)
{
	const struct holding *x = a, *y = b;

	if (x->sock != y->sock)
		return x->sock < y->sock ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Each socket's holders, one per process however many of its
 * descriptors hold it, in pid order. */
static int give_holders(struct conn_list *l, struct holding *v, size_t n)
{
	if (n)
		qsort(v, n, sizeof(*v), by_sock_then_pid);
	l->procs = calloc(n ? n : 1, sizeof(*l->procs));
	if (!l->procs)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (i && v[i].sock == v[i - 1].sock && v[i].pid == v[i - 1].pid)
			continue;
		struct conn_sock *c = &l->v[v[i].sock];
		if (c->nprocs == 0)
			c->first = l->nprocs;
		c->nprocs++;
		l->procs[l->nprocs++] = (struct conn_proc){ .pid = v[i].pid, .command = l->commands[v[i].command] };
	}
	return 0;
}

static int find_holders(struct conn_list *l)
{
	struct holders_read h = { .l = l };
	int rc = sockinv_each_holder(match_connected, &h);

	if (rc < 0)
		rc = fail_errno("cannot read /proc");
	else if (rc > 0 || give_holders(l, h.v, h.n) != 0)
		rc = fail("out of memory");
	free(h.v);
	return rc;
}

int sockconn_load(struct conn_list *l)
{
	struct table_read t = { 0 };
	memset(l, 0, sizeof(*l));
	int rc = sockinv_read(take_socket, &t, &t.no_memory);
	if (rc == 0) {
		if (t.n)
			qsort(t.v, t.n, sizeof(*t.v), seen_by_inode);
		if (keep_connected(l, &t) != 0)
			rc = fail("out of memory");
	}
	table_read_free(&t);
	if (rc == 0 && l->n)
		rc = find_holders(l);
	if (rc != 0)
		sockconn_free(l);
	return rc;
}

void sockconn_free(struct conn_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	free(l->procs);
	free(l->commands);
	memset(l, 0, sizeof(*l));
}
