/* Shared memory segments behind one small interface, so mkshm, shm-write
 * and shm-read have one code path each:
 *   System V segments (shmget/shmat)             segment_sysv.c
 *   POSIX objects (shm_open/ftruncate/mmap)      segment_posix.c */
#ifndef IPCTOOL_SEGMENT_H
#define IPCTOOL_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/options.h"
#include "lib/target.h"

struct segment;

struct segment_ops {
	/* Find an existing segment.  READ_ONLY: it will only be read, so
	 * read permission is enough. */
	int (*open)(struct segment *s, bool read_only);
	/* mkshm (ipctool-mkq(1), ipctool(1)): create it, or find it unchanged. */
	int (*create)(struct segment *s, const struct create_options *o, unsigned long long size);
	int (*attach)(struct segment *s, bool read_only, void **addr);
	/* Make bytes OFFSET to OFFSET+LENGTH writable without a fault for want
	 * of memory; changes no byte. */
	int (*reserve)(struct segment *s, size_t offset, size_t length);
	void (*detach)(struct segment *s, void *addr);
	void (*close)(struct segment *s);
};

/* The table of an implementation that names its functions PREFIX_open,
 * PREFIX_create, ... as segment_sysv.c and segment_posix.c do. */
#define SEGMENT_OPS(prefix)                                                       \
	{ .open = prefix##_open, .create = prefix##_create, .attach = prefix##_attach, \
	  .reserve = prefix##_reserve, .detach = prefix##_detach, .close = prefix##_close }

struct segment {
	struct target target;
	const struct segment_ops *ops;
	int id;          /* System V */
	int fd;          /* POSIX, -1 when closed */
	size_t size;
	bool created;    /* create made it (false: it existed) */
};

extern const struct segment_ops segment_sysv_ops;
extern const struct segment_ops segment_posix_ops;

/* Each reports and returns a status. */
int segment_open(struct segment *s, const struct target *t, bool read_only);
int segment_create(struct segment *s, const struct target *t, const struct create_options *o,
		   unsigned long long size);
int segment_attach(struct segment *s, bool read_only, void **addr);
int segment_reserve(struct segment *s, size_t offset, size_t length);
void segment_detach(struct segment *s, void *addr);
void segment_close(struct segment *s);
/* "shared memory segment key 0x000004d2" or "... /name" for messages. */
const char *segment_name(const struct segment *s);

#endif
