/* The IPC namespaces of the machine's processes (ipcns.h). */
#include "inv/ipcns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/error.h"
#include "lib/nsenter.h"
#include "inv/posixobj.h"

void ipcns_free(struct ipcns_list *list)
{
	free(list->v);
	memset(list, 0, sizeof(*list));
}

/* The namespace of INODE in LIST, added when new; NULL when memory ran out.
 * A machine has a handful of namespaces and its processes come in runs of
 * the same one: the last one found is tried first. */
static struct ipcns *namespace_of(struct ipcns_list *list, unsigned long long inode, size_t *last)
{
	if (*last < list->n && list->v[*last].inode == inode)
		return &list->v[*last];
	for (size_t i = 0; i < list->n; i++)
		if (list->v[i].inode == inode)
			return &list->v[*last = i];
	struct ipcns *v = array_grow(list->v, &list->cap, list->n, sizeof(*v), 16);
	if (!v)
		return NULL;
	list->v = v;
	*last = list->n;
	struct ipcns *ns = &list->v[list->n++];
	memset(ns, 0, sizeof(*ns));
	ns->inode = inode;
	return ns;
}

static void read_comm(pid_t pid, char *out, size_t size)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "%d/comm", (int)pid);
	(void)ns_proc_read(rel, out, size);   /* "" when it cannot be read */
	out[strcspn(out, "\n")] = '\0';
}

static int by_first_pid(const void *a, const void *b)
{
	const struct ipcns *x = a, *y = b;

	return (x->first > y->first) - (x->first < y->first);
}

/* One process: counted in its namespace.  0, 1 (reported) or 0 with
 * nothing done for a process that is gone. */
static int count_process(struct ipcns_list *list, pid_t pid, size_t *last)
{
	unsigned long long inode;

	if (ns_ipc_inode(pid, &inode) != 0) {
		if (errno == ENOENT || errno == ESRCH)
			return 0;
		if (errno == EACCES || errno == EPERM)
			return fail("cannot see the IPC namespace of PID %d: needs CAP_SYS_ADMIN", (int)pid);
		return fail_errno("cannot read the IPC namespace of PID %d", (int)pid);
	}
	struct ipcns *ns = namespace_of(list, inode, last);
	if (!ns)
		return fail("out of memory");
	if (ns->processes++ == 0 || pid < ns->first)
		ns->first = pid;
	return 0;
}

int ipcns_scan(struct ipcns_list *list)
{
	int fd = ns_proc_open(".", O_RDONLY | O_DIRECTORY);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	size_t last = 0;
	int rc = 0;

	memset(list, 0, sizeof(*list));
	if (!d) {
		if (fd >= 0)
			close(fd);
		return fail_errno("cannot read /proc");
	}
	while (rc == 0 && (e = readdir(d))) {
		char *end;
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		long pid = strtol(e->d_name, &end, 10);
		if (*end == '\0' && pid > 0)
			rc = count_process(list, (pid_t)pid, &last);
	}
	closedir(d);
	if (rc) {
		ipcns_free(list);
		return rc;
	}
	qsort(list->v, list->n, sizeof(*list->v), by_first_pid);
	for (size_t i = 0; i < list->n; i++)
		read_comm(list->v[i].first, list->v[i].command, sizeof(list->v[i].command));
	return 0;
}

int ipcns_visit(const struct ipcns_list *list, ipcns_visit_fn visit, void *data)
{
	int rc = 0;

	for (size_t i = 0; i < list->n && rc == 0; i++) {
		rc = ns_enter(list->v[i].first, list->v[i].inode);
		if (rc == NS_GONE)
			rc = 0;
		else if (rc == 0)
			rc = visit(&list->v[i], data);
	}
	int back = ns_leave();
	return rc ? rc : back;
}

/* ---- the container a process runs in ------------------------------------ */

static bool container_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '.' || c == '-';
}

/* TEXT (LEN bytes) as an ID in OUT; false when it is none. */
static bool take_id(const char *text, size_t len, char *out, size_t size)
{
	if (len == 0 || len > 128 || len >= size)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!container_id_char(text[i]))
			return false;
	memcpy(out, text, len);
	out[len] = '\0';
	return true;
}

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/* One component C (LEN bytes) of a cgroup path, PARENT the one above it
 * and KUBE whether a kubepods component came before: the ID it names. */
static bool component_id(const char *c, size_t len, const char *parent, size_t plen, bool kube,
			 char *out, size_t size)
{
	static const char *const scope_prefixes[] = { "docker-", "libpod-", "cri-containerd-", "crio-" };
	static const char scope[] = ".scope";

	if (len > strlen(scope) && memcmp(c + len - strlen(scope), scope, strlen(scope)) == 0) {
		/* conmon, podman's monitor, has a scope of its own beside the container's */
		if (has_prefix(c, len, "libpod-conmon-"))
			return false;
		for (size_t i = 0; i < sizeof(scope_prefixes) / sizeof(scope_prefixes[0]); i++) {
			size_t n = strlen(scope_prefixes[i]);
			if (has_prefix(c, len, scope_prefixes[i]))
				return take_id(c + n, len - n - strlen(scope), out, size);
		}
		return false;
	}
	if (has_prefix(c, len, "lxc.payload."))
		return take_id(c + strlen("lxc.payload."), len - strlen("lxc.payload."), out, size);
	if (parent && ((plen == 6 && memcmp(parent, "docker", 6) == 0) || (plen == 3 && memcmp(parent, "lxc", 3) == 0)))
		return take_id(c, len, out, size);
	if (parent && kube && has_prefix(parent, plen, "pod"))
		return take_id(c, len, out, size);
	return false;
}

/* The container PATH (one line's cgroup path) names, deepest first. */
static bool path_container(const char *path, size_t len, char *out, size_t size)
{
	const char *comp[64];
	size_t clen[64], n = 0;
	bool kube = false;

	for (size_t i = 0; i < len && n < 64;) {
		while (i < len && path[i] == '/')
			i++;
		size_t start = i;
		while (i < len && path[i] != '/')
			i++;
		if (i > start) {
			comp[n] = path + start;
			clen[n++] = i - start;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (has_prefix(comp[i], clen[i], "kubepods"))
			kube = true;
	for (size_t i = n; i-- > 0;)
		if (component_id(comp[i], clen[i], i ? comp[i - 1] : NULL, i ? clen[i - 1] : 0, kube, out, size))
			return true;
	return false;
}

bool ipcns_container(pid_t pid, char *out, size_t size)
{
	char rel[64], text[8192];

	out[0] = '\0';
	snprintf(rel, sizeof(rel), "%d/cgroup", (int)pid);
	if (ns_proc_read(rel, text, sizeof(text)) <= 0)
		return false;
	/* "ID:CONTROLLERS:PATH" a line; every hierarchy names the same container. */
	for (char *line = text; *line;) {
		char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char *colon = memchr(line, ':', len);
		char *path = colon ? memchr(colon + 1, ':', len - (size_t)(colon + 1 - line)) : NULL;
		if (path && path_container(path + 1, len - (size_t)(path + 1 - line), out, size))
			return true;
		if (!end)
			break;
		line = end + 1;
	}
	out[0] = '\0';
	return false;
}

/* ---- which file systems are whose ------------------------------------------ */

static dev_t dir_dev(const char *dir)
{
	struct stat st;

	return dir && stat(dir, &st) == 0 ? st.st_dev : 0;
}

void posix_mounts_here(struct posix_mounts *m)
{
	m->shm = dir_dev(POSIX_SHM_DIR);
	m->mqueue = dir_dev(posix_mqueue_dir());
}

bool posix_mounts_has(const struct posix_mounts *m, dev_t dev)
{
	return dev != 0 && (dev == m->shm || dev == m->mqueue);
}

bool dev_set_has(const struct dev_set *s, dev_t dev)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == dev)
			return true;
	return false;
}

void dev_set_add(struct dev_set *s, dev_t dev)
{
	if (dev != 0 && !dev_set_has(s, dev) && s->n < sizeof(s->v) / sizeof(s->v[0]))
		s->v[s->n++] = dev;
}
