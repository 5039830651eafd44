/* The shared memory interface (segment.h): which implementation serves a
 * TARGET, System V or POSIX, and what they share. */
#include "mech/segment.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lib/target.h"

_Static_assert(offsetof(struct segment, target) == 0, "target_embed needs the target first");

static void segment_init(struct segment *s, const struct target *t)
{
	target_embed(s, sizeof(*s), t);
	s->ops = t->kind == TARGET_POSIX ? &segment_posix_ops : &segment_sysv_ops;
	s->fd = -1;
}

int segment_open(struct segment *s, const struct target *t, bool read_only)
{
	segment_init(s, t);
	return s->ops->open(s, read_only);
}

int segment_create(struct segment *s, const struct target *t, const struct create_options *o,
		   unsigned long long size)
{
	segment_init(s, t);
	return s->ops->create(s, o, size);
}

int segment_attach(struct segment *s, bool read_only, void **addr)
{
	return s->ops->attach(s, read_only, addr);
}

int segment_reserve(struct segment *s, size_t offset, size_t length)
{
	return s->ops->reserve(s, offset, length);
}

void segment_detach(struct segment *s, void *addr)
{
	s->ops->detach(s, addr);
}

void segment_close(struct segment *s)
{
	if (s->ops)
		s->ops->close(s);
}

const char *segment_name(const struct segment *s)
{
	static char name[4300];

	snprintf(name, sizeof(name), "shared memory segment %s", target_describe(&s->target));
	return name;
}
