/* What mk* did not apply to an object that existed (see unapplied.h). */
#include "cmd/unapplied.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "inv/posixobj.h"
#include "inv/sysvobj.h"

/* What the existing object has, as far as it could be seen. */
struct found {
	bool has_mode;
	unsigned mode;
	bool has_size;
	unsigned long long size;
	unsigned long long nsems;     /* System V sets */
	bool initialised;             /* System V sets: sem_otime set */
};

struct differences {
	char text[512];
	size_t len;
};

static void differ(struct differences *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void differ(struct differences *d, const char *fmt, ...)
{
	va_list ap;

	if (d->len + 3 >= sizeof(d->text))
		return;
	if (d->len)
		d->len += (size_t)snprintf(d->text + d->len, sizeof(d->text) - d->len, ", ");
	va_start(ap, fmt);
	int n = vsnprintf(d->text + d->len, sizeof(d->text) - d->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		d->len += (size_t)n < sizeof(d->text) - d->len ? (size_t)n : sizeof(d->text) - d->len - 1;
}

static bool find_sysv(const struct asked *a, struct found *f, const char **name)
{
	struct sysv_list list = { 0 };
	static char described[256];
	bool ok = false;

	if (sysv_load(a->kind, &list) != 0)
		return false;
	for (size_t i = 0; i < list.n; i++) {
		const struct sysv_obj *o = &list.objs[i];
		if (o->id != a->id)
			continue;
		*f = (struct found){ .has_mode = true, .mode = o->mode & 0777, .has_size = a->kind == IPC_KIND_SHM,
				     .size = o->segsz, .nsems = o->nsems, .initialised = o->otime != 0 };
		snprintf(described, sizeof(described), "%s", sysv_describe(o));
		*name = described;
		ok = true;
	}
	sysv_list_free(&list);
	return ok;
}

static bool find_posix(const struct asked *a, struct found *f, const char **name)
{
	struct posix_obj objs[NKINDS];
	static char described[POSIX_NAME_MAX + 64];

	if (posix_find(a->target->path, KIND_BIT(a->kind), objs) == 0)
		return false;
	*f = (struct found){ .has_mode = objs[0].has_stat, .mode = objs[0].mode & 0777,
			     .has_size = a->kind == IPC_KIND_SHM && objs[0].has_stat, .size = objs[0].size };
	snprintf(described, sizeof(described), "%s", posix_describe(&objs[0]));
	*name = described;
	return true;
}

static void compare(const struct asked *a, const struct found *f, struct differences *d)
{
	bool posix = a->target->kind == TARGET_POSIX;

	if (a->create->given && f->has_mode && f->mode != (a->create->mode & 0777))
		differ(d, "--mode %04o (it has %04o)", (unsigned)(a->create->mode & 0777), f->mode);
	if (a->size && f->has_size && f->size != a->size)
		differ(d, "--size %llu (it has %llu bytes)", a->size, f->size);
	if (a->nsems && !posix && f->nsems != a->nsems)
		differ(d, "--nsems %lu (it has %llu)", a->nsems, f->nsems);
	if (a->value_given)
		differ(d, "--value %u (%s)", a->value,
		       posix ? "its value was set when it was made"
		       : f->initialised ? "its values were set already"
					: "its creator never initialised it");
}

void unapplied_tell(const struct asked *a)
{
	struct found f;
	struct differences d = { .len = 0 };
	const char *name = NULL;
	bool seen = a->target->kind == TARGET_POSIX ? find_posix(a, &f, &name) : find_sysv(a, &f, &name);

	if (!seen)
		return;   /* gone again, or not visible: nothing to compare */
	compare(a, &f, &d);
	if (d.len)
		warn("%s exists and was left as it is; not applied: %s", name, d.text);
}
