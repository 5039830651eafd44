#include "lib/target.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/parse.h"

/* Field by field, not memset: the two buffers are 8 KiB, and a short
 * command (sem-p, send) spent a tenth of its instructions zeroing and
 * copying them whole (bench/README.md, "startup"). */
void target_init(struct target *t)
{
	t->kind = TARGET_NONE;
	t->id = 0;
	t->key = 0;
	t->text[0] = '\0';
	t->path[0] = '\0';
	t->proj = 0;
}

void target_copy(struct target *dst, const struct target *src)
{
	dst->kind = src->kind;
	dst->id = src->id;
	dst->key = src->key;
	memcpy(dst->text, src->text, strnlen(src->text, sizeof(src->text) - 1) + 1);
	memcpy(dst->path, src->path, strnlen(src->path, sizeof(src->path) - 1) + 1);
	dst->text[sizeof(dst->text) - 1] = '\0';
	dst->path[sizeof(dst->path) - 1] = '\0';
	dst->proj = src->proj;
}

void target_embed(void *object, size_t size, const struct target *t)
{
	memset((char *)object + sizeof(*t), 0, size - sizeof(*t));
	target_copy(object, t);
}

struct target *target_append(struct target **v, size_t *n)
{
	struct target *t = realloc(*v, (*n + 1) * sizeof(*t));

	if (!t)
		return NULL;
	*v = t;
	t = &t[(*n)++];
	target_init(t);
	return t;
}

static int already_named(const struct target *t, const char *text)
{
	return usage_error("two targets given ('%s' and '%s'): name one object", quote_input(t->text),
			   quote_input(text));
}

static int parse_key_option(struct target *t, const char *arg)
{
	const char *why = parse_key(arg, &t->key);

	if (why)
		return cli_bad_value("--key", arg, why);
	t->kind = TARGET_KEY;
	snprintf(t->text, sizeof(t->text), "0x%08x", (unsigned)(uint32_t)t->key);
	return 0;
}

/* ipctool(1): split at the last ':'; digits after it are PROJ (1-255), one
 * non-digit character is PROJ too, nothing after it is an error, anything
 * else means the whole string is the path. */
static int parse_ftok_option(struct target *t, const char *arg)
{
	const char *colon = strrchr(arg, ':');
	size_t path_len = strlen(arg);

	t->proj = 1;
	if (colon) {
		const char *proj = colon + 1;
		unsigned long long v;
		if (!*proj)
			return cli_bad_value("--ftok", arg, "nothing after ':' (PROJ is 1-255 or one character)");
		if (is_all_digits(proj)) {
			const char *why = parse_unsigned(proj, 1, 255, &v);
			if (why)
				return cli_bad_value("--ftok", arg, "PROJ must be a number from 1 to 255 or one character");
			t->proj = (int)v;
			path_len = (size_t)(colon - arg);
		} else if (proj[1] == '\0') {
			t->proj = (unsigned char)proj[0];
			path_len = (size_t)(colon - arg);
		}
	}
	if (path_len == 0)
		return cli_bad_value("--ftok", arg, "PATH is empty");
	if (path_len >= sizeof(t->path))
		return cli_bad_value("--ftok", arg, "PATH is too long");
	memcpy(t->path, arg, path_len);
	t->path[path_len] = '\0';
	t->kind = TARGET_FTOK;
	snprintf(t->text, sizeof(t->text), "--ftok %s", arg);   /* as typed: PROJ may be a letter */
	return 0;
}

int target_set_key(struct target *t, const char *arg)
{
	if (t->kind != TARGET_NONE)
		return already_named(t, arg);
	return parse_key_option(t, arg);
}

int target_set_ftok(struct target *t, const char *arg)
{
	if (t->kind != TARGET_NONE)
		return already_named(t, arg);
	return parse_ftok_option(t, arg);
}

/* Check a /name (LEN bytes, as it will be used) and make it T. */
static int check_posix_name(struct target *t, const char *text, size_t len)
{
	if (len < 2)
		return usage_error("invalid POSIX name '%s': a name is '/' followed by 1 to %d characters",
				   quote_input(text), POSIX_NAME_MAX);
	if (len - 1 > POSIX_NAME_MAX)
		return usage_error("invalid POSIX name '%s': longer than %d characters (it has %zu)",
				   quote_input(text), POSIX_NAME_MAX, len - 1);
	if (strchr(text + 1, '/'))
		return usage_error("invalid POSIX name '%s': no '/' may follow the first", quote_input(text));
	/* The kernel and glibc refuse these: they are directory entries. */
	if (strcmp(text, "/.") == 0 || strcmp(text, "/..") == 0)
		return usage_error("invalid POSIX name '%s': '.' and '..' cannot name an object",
				   quote_input(text));
	t->kind = TARGET_POSIX;
	memcpy(t->path, text, len + 1);
	snprintf(t->text, sizeof(t->text), "%s", text);
	return 0;
}

/* A /name is the name as typed: a backslash is a backslash, whatever
 * follows it (the shown form of list and the errors is for reading). */
static int parse_posix_name(struct target *t, const char *typed)
{
	return check_posix_name(t, typed, strlen(typed));
}

int target_parse(struct target *t, const char *text)
{
	const char *why;

	if (t->kind != TARGET_NONE)
		return already_named(t, text);
	if (text[0] == '/')
		return parse_posix_name(t, text);
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		if ((why = parse_key(text, &t->key)))
			return usage_error("invalid target '%s': %s", quote_input(text), why);
		t->kind = TARGET_KEY;
		snprintf(t->text, sizeof(t->text), "0x%08x", (unsigned)(uint32_t)t->key);
		return 0;
	}
	if (is_all_digits(text)) {
		if ((why = parse_id(text, &t->id)))
			return usage_error("invalid id '%s': %s", quote_input(text), why);
		t->kind = TARGET_ID;
		snprintf(t->text, sizeof(t->text), "%d", t->id);
		return 0;
	}
	return usage_error("invalid target '%s': expected an id, a 0xKEY, a /name, --key or --ftok",
			   quote_input(text));
}

int target_finish(struct target *t, const char *const *args, int nargs, bool required, int *next)
{
	*next = 0;
	if (t->kind == TARGET_NONE && nargs > 0) {
		int rc = target_parse(t, args[0]);
		if (rc)
			return rc;
		*next = 1;
	}
	if (required && t->kind == TARGET_NONE)
		return usage_error("missing TARGET (an id, 0xKEY, /name, --key or --ftok)");
	return 0;
}

int target_key(struct target *t, key_t *key)
{
	if (t->kind == TARGET_FTOK) {
		errno = 0;
		key_t k = ftok(t->path, t->proj);
		if (k == (key_t)-1)
			return fail_errno("cannot make a key from %s with ftok", t->path);
		t->key = k;
	}
	*key = t->key;
	return 0;
}

const char *target_describe(const struct target *t)
{
	static char text[4200];

	switch (t->kind) {
	case TARGET_ID:
		snprintf(text, sizeof(text), "id %d", t->id);
		break;
	case TARGET_KEY:
		snprintf(text, sizeof(text), "key 0x%08x", (unsigned)(uint32_t)t->key);
		break;
	case TARGET_FTOK:
		snprintf(text, sizeof(text), "key 0x%08x (%s)", (unsigned)(uint32_t)t->key, t->text);
		break;
	case TARGET_POSIX:
		snprintf(text, sizeof(text), "%s", t->path);
		break;
	default:
		snprintf(text, sizeof(text), "(private)");
		break;
	}
	return text;
}

const char *ipc_kind_name(enum ipc_kind kind)
{
	static const char *const names[] = {
		[IPC_KIND_QUEUE] = "message queue", [IPC_KIND_SHM] = "shared memory segment", [IPC_KIND_SEM] = "semaphore set",
	};

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "object";
}

/* Existence probes: a call that succeeds or is refused for permission
 * means the object is there. */
static bool key_exists(enum ipc_kind kind, key_t key)
{
	int rc;

	switch (kind) {
	case IPC_KIND_QUEUE: rc = msgget(key, 0); break;
	case IPC_KIND_SHM: rc = shmget(key, 0, 0); break;
	default: rc = semget(key, 0, 0); break;
	}
	return rc >= 0 || errno == EACCES;
}

static bool id_exists(enum ipc_kind kind, int id)
{
	int rc;

	switch (kind) {
	case IPC_KIND_QUEUE: {
		struct msqid_ds ds;
		rc = msgctl(id, IPC_STAT, &ds);
		break;
	}
	case IPC_KIND_SHM: {
		struct shmid_ds ds;
		rc = shmctl(id, IPC_STAT, &ds);
		break;
	}
	default: {
		struct semid_ds ds;
		rc = semctl(id, 0, IPC_STAT, &ds);
		break;
	}
	}
	return rc >= 0 || errno == EACCES;
}

/* POSIX objects: queues in the mqueue file system (mq_open), shared
 * memory as /dev/shm/NAME, named semaphores as /dev/shm/sem.NAME. */
static bool name_exists(enum ipc_kind kind, const char *name)
{
	char path[300];

	if (kind == IPC_KIND_QUEUE) {
		mqd_t q = mq_open(name, O_RDONLY);
		if (q != (mqd_t)-1)
			mq_close(q);
		return q != (mqd_t)-1 || errno == EACCES;
	}
	snprintf(path, sizeof(path), "/dev/shm/%s%s", kind == IPC_KIND_SEM ? "sem." : "", name + 1);
	return access(path, F_OK) == 0;
}

/* The id of the object of KIND whose key is KEY, or -1 (none, or one we
 * may not look at). */
static int id_of_key(enum ipc_kind kind, key_t key)
{
	switch (kind) {
	case IPC_KIND_QUEUE: return msgget(key, 0);
	case IPC_KIND_SHM: return shmget(key, 0, 0);
	default: return semget(key, 0, 0);
	}
}

/* target_key_hint, looking at kind FIRST before the others: the object a
 * command could use is the one to name. */
static const char *key_hint(const struct target *t, enum ipc_kind first)
{
	static char hint[160];
	const enum ipc_kind kinds[] = { first, (first + 1) % 3, (first + 2) % 3 };

	/* An id is digits; the same number may be the key the program that
	 * made the object passed to msgget(2) and friends (IPC_PRIVATE, 0,
	 * is never a key). */
	if (t->kind != TARGET_ID || t->id == 0)
		return "";
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int id = id_of_key(kinds[i], (key_t)t->id);
		if (id < 0)
			continue;
		snprintf(hint, sizeof(hint), "; key %d (0x%08x) is %s id %d: use --key %d", t->id,
			 (unsigned)t->id, ipc_kind_name(kinds[i]), id, t->id);
		return hint;
	}
	return "";
}

const char *target_key_hint(const struct target *t)
{
	return key_hint(t, IPC_KIND_QUEUE);
}

const char *target_other_kind_hint(const struct target *t, enum ipc_kind expected)
{
	static char hint[96];
	static const enum ipc_kind kinds[] = { IPC_KIND_QUEUE, IPC_KIND_SHM, IPC_KIND_SEM };

	if (t->kind == TARGET_NONE)
		return "";
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (kinds[i] == expected)
			continue;
		bool there = t->kind == TARGET_POSIX ? name_exists(kinds[i], t->path)
			     : t->kind == TARGET_ID ? id_exists(kinds[i], t->id)
						    : key_exists(kinds[i], t->key);
		if (there) {
			snprintf(hint, sizeof(hint), " (it names a %s)",
				 t->kind == TARGET_POSIX && kinds[i] == IPC_KIND_SEM ? "semaphore"
										   : ipc_kind_name(kinds[i]));
			return hint;
		}
	}
	return key_hint(t, expected);
}

int target_missing(const struct target *t, enum ipc_kind kind)
{
	return fail("no %s with %s%s", ipc_kind_name(kind), target_describe(t), target_other_kind_hint(t, kind));
}

int target_sysv_id(struct target *t, enum ipc_kind kind, int *id)
{
	key_t key = IPC_PRIVATE;
	int rc;

	if (t->kind == TARGET_ID) {
		*id = t->id;
		return 0;
	}
	if ((rc = target_key(t, &key)))
		return rc;
	*id = kind == IPC_KIND_QUEUE ? msgget(key, 0) : kind == IPC_KIND_SHM ? shmget(key, 0, 0) : semget(key, 0, 0);
	if (*id >= 0)
		return 0;
	if (errno == ENOENT)
		return target_missing(t, kind);
	return fail_errno("cannot open %s %s", ipc_kind_name(kind), target_describe(t));
}
