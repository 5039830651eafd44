/* TARGET: how a command line names an IPC object (ipctool(1) TARGET, ipctool(1)).
 *
 *   123            System V id          0x4d2        System V key
 *   --key N        key, decimal or hex  --ftok P[:J] key from ftok(3)
 *   /name          POSIX object
 *
 * The command line's spelling (the --key/--ftok table) is cli.c's; this is
 * what a TARGET means.  Resolving a key to an object happens later, per
 * mechanism. */
#ifndef IPCTOOL_TARGET_H
#define IPCTOOL_TARGET_H

#include <stdbool.h>
#include <sys/types.h>

/* A POSIX name is '/' and 1 to POSIX_NAME_MAX characters, no other '/'. */
#define POSIX_NAME_MAX 255

enum target_kind { TARGET_NONE, TARGET_ID, TARGET_KEY, TARGET_FTOK, TARGET_POSIX };

enum ipc_kind { IPC_KIND_QUEUE, IPC_KIND_SHM, IPC_KIND_SEM };

struct target {
	enum target_kind kind;
	int id;                 /* TARGET_ID */
	key_t key;              /* TARGET_KEY, and TARGET_FTOK once resolved */
	char text[4120];         /* as the user wrote it: "0x4d2", "--ftok /etc:1" */
	char path[4096];        /* TARGET_FTOK path, TARGET_POSIX name */
	int proj;               /* TARGET_FTOK */
};

void target_init(struct target *t);
/* *DST = *SRC, the buffers only as far as their strings go. */
void target_copy(struct target *dst, const struct target *src);
/* OBJECT, of SIZE bytes, begins with a struct target (a queue, segment or
 * semaphore handle; each file checks so): T copied in with target_copy,
 * every byte after it zeroed. */
void target_embed(void *object, size_t size, const struct target *t);
/* One more TARGET at the end of the array *V of *N (for the commands that
 * take several: rm, watch, dump), initialised; NULL when memory ran out
 * (the array is left as it was). */
struct target *target_append(struct target **v, size_t *n);
/* --key KEY and --ftok PATH[:PROJ]; a usage error when a TARGET was
 * already given. */
int target_set_key(struct target *t, const char *arg);
int target_set_ftok(struct target *t, const char *arg);
/* Parse one positional TARGET. */
int target_parse(struct target *t, const char *text);
/* After option parsing: take the first of ARGS as TARGET unless --key or
 * --ftok gave one.  *next is the index of the first argument left.
 * REQUIRED: a missing target is a usage error. */
int target_finish(struct target *t, const char *const *args, int nargs, bool required, int *next);

/* Compute the key of a --ftok target (status 1 if PATH is unusable). */
int target_key(struct target *t, key_t *key);
/* "key 0x000004d2", "id 5", "/name", "key 0x... (--ftok /etc:1)" */
const char *target_describe(const struct target *t);
const char *ipc_kind_name(enum ipc_kind kind);
/* If the key or id names an object of another System V kind, a phrase for
 * an error message (" (it is a shared memory segment)"), else
 * target_key_hint's. */
/* "no KIND with TARGET", and the other kind's hint: status 1. */
int target_missing(const struct target *t, enum ipc_kind kind);
/* The id of the System V object of KIND that T names: its id, or the
 * kind's get(2) of its key, finding and never creating.  0 with *ID set,
 * or the status of the error it reported (none such, no permission). */
int target_sysv_id(struct target *t, enum ipc_kind kind, int *id);
const char *target_other_kind_hint(const struct target *t, enum ipc_kind expected);
/* For an id that names nothing: when the number is the key of an object,
 * "; key 1234 (0x000004d2) is message queue id 5: use --key 1234", else "".
 * Only for error messages: it asks the kernel. */
const char *target_key_hint(const struct target *t);

#endif
