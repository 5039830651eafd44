/* System V shared memory behind the segment interface (segment.h):
 * shmget to find and create, shmat/shmdt to attach. */
#include "mech/segment.h"

#include <errno.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "lib/error.h"

static int sysv_open(struct segment *s, bool read_only)
{
	struct shmid_ds ds;
	struct target *t = &s->target;
	int rc;

	(void)read_only;   /* shmat says, with SHM_RDONLY or not */
	if ((rc = target_sysv_id(t, IPC_KIND_SHM, &s->id)))
		return rc;
	if (shmctl(s->id, IPC_STAT, &ds) != 0) {
		if (errno == EINVAL || errno == EIDRM)
			return target_missing(t, IPC_KIND_SHM);
		/* Attaching needs read permission too, so EACCES here is final. */
		return fail_errno("cannot open %s", segment_name(s));
	}
	s->size = ds.shm_segsz;
	return 0;
}

static int sysv_attach(struct segment *s, bool read_only, void **addr)
{
	*addr = shmat(s->id, NULL, read_only ? SHM_RDONLY : 0);
	if (*addr != (void *)-1)
		return 0;
	if (errno == EINVAL || errno == EIDRM)
		return fail("cannot attach %s: it was removed", segment_name(s));
	return fail_errno("cannot attach %s%s", segment_name(s), read_only ? "" : " for writing");
}

static int sysv_reserve(struct segment *s, size_t offset, size_t length)
{
	(void)s, (void)offset, (void)length;   /* the kernel reserved it at shmget */
	return 0;
}

static void sysv_detach(struct segment *s, void *addr)
{
	(void)s;
	shmdt(addr);
}

/* ---- creating (mkshm) ---------------------------------------------------- */

static unsigned long long read_limit(const char *path)
{
	unsigned long long v = 0;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

static int create_failed(const struct segment *s, unsigned long long size)
{
	const char *name = target_describe(&s->target);

	switch (errno) {
	case EINVAL:
		return fail("cannot create shared memory segment %s: --size %llu is more than shmmax (%llu)",
			    name, size, read_limit("/proc/sys/kernel/shmmax"));
	case ENOSPC:
		return fail("cannot create shared memory segment %s: the system limit on segments (shmmni) "
			    "or on shared memory pages (shmall) is reached", name);
	default:
		return fail_errno("cannot create shared memory segment %s", name);
	}
}

/* The existing segment for KEY, unchanged (ipctool(1)), as long as it is at
 * least as large as asked.  Returns 0, a status, or -1 with errno when it
 * went away meanwhile. */
static int join_existing(struct segment *s, unsigned long long size, key_t key)
{
	struct shmid_ds ds;

	s->id = shmget(key, 0, 0);
	if (s->id < 0)
		return -1;
	if (shmctl(s->id, IPC_STAT, &ds) != 0) {
		if (errno != EACCES)
			return -1;
		/* Cannot see its size: let shmget compare it. */
		if (shmget(key, (size_t)size, 0) < 0 && errno == EINVAL)
			return fail("shared memory segment %s is smaller than --size %llu",
				    target_describe(&s->target), size);
		return 0;
	}
	if (size > ds.shm_segsz)
		return fail("shared memory segment %s is %zu bytes, smaller than --size %llu",
			    target_describe(&s->target), (size_t)ds.shm_segsz, size);
	s->size = ds.shm_segsz;
	return 0;
}

static int sysv_create(struct segment *s, const struct create_options *o, unsigned long long size)
{
	key_t key = IPC_PRIVATE;
	int rc;

	if (s->target.kind != TARGET_NONE && (rc = target_key(&s->target, &key)))
		return rc;
	for (;;) {
		s->id = shmget(key, (size_t)size, IPC_CREAT | IPC_EXCL | (int)o->mode);
		if (s->id >= 0) {
			s->size = (size_t)size;
			s->created = true;
			return 0;
		}
		if (errno != EEXIST)
			return create_failed(s, size);
		if (o->exclusive)
			return fail("shared memory segment %s already exists", target_describe(&s->target));
		rc = join_existing(s, size, key);
		if (rc >= 0)
			return rc;
		if (errno != ENOENT && errno != EINVAL && errno != EIDRM)
			return fail_errno("cannot open shared memory segment %s", target_describe(&s->target));
		/* Removed between the calls: try to create it again. */
	}
}

static void sysv_close(struct segment *s)
{
	(void)s;   /* a segment id holds nothing open */
}


const struct segment_ops segment_sysv_ops = SEGMENT_OPS(sysv);
