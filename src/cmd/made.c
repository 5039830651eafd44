#include "cmd/made.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "lib/io.h"
#include "inv/posixobj.h"
#include "inv/sysvobj.h"

int made_check_target(const struct target *t)
{
	if (t->kind == TARGET_ID)
		return usage_error("objects are created by key, --ftok, /name or as private, never by id ('%s')",
				   t->text);
	return 0;
}

/* The object in the form rm removes and describes it. */
struct made_object {
	bool posix;
	struct sysv_obj sysv;
	struct posix_obj px;
};

static void made_object_init(struct made_object *o, const struct made *m)
{
	memset(o, 0, sizeof(*o));
	o->posix = m->target->kind == TARGET_POSIX;
	o->sysv.kind = m->kind;
	o->sysv.id = m->id;
	o->sysv.key = m->target->kind == TARGET_NONE ? 0 : m->target->key;
	o->px.kind = m->kind;
	/* target_parse allows no longer name */
	size_t len = strnlen(m->target->path, sizeof(o->px.name) - 1);
	memcpy(o->px.name, m->target->path, len);
}

static const char *describe(const struct made_object *o)
{
	return o->posix ? posix_describe(&o->px) : sysv_describe(&o->sysv);
}

static int remove_made(const struct made_object *o)
{
	return o->posix ? posix_remove(&o->px) : sysv_remove(&o->sysv);
}

int made_told(const struct made *m)
{
	struct made_object o;

	if (m->target->kind == TARGET_POSIX)
		printf("%s\n", m->target->path);
	else
		printf("%d\n", m->id);
	if (flush_stdout() == 0)
		return EXIT_OK;
	int write_errno = errno;
	made_object_init(&o, m);
	const char *what = o.posix ? "name" : "id";
	if (!m->created)
		return fail("cannot write the %s of %s to standard output: %s; it existed already, "
			    "so it stays as it was", what, describe(&o), strerror(write_errno));
	if (remove_made(&o) != 0)
		return fail("cannot write the %s of %s to standard output: %s; it is new, and removing "
			    "it failed too (%s), so it stays", what, describe(&o), strerror(write_errno),
			    strerror(errno));
	return fail("cannot write the %s of %s to standard output: %s; it was new, so it is "
		    "removed again", what, describe(&o), strerror(write_errno));
}

int made_report(const struct asked *asked, bool created)
{
	int rc = made_told(&(struct made){ asked->kind, asked->target, asked->id, created });

	if (rc == 0 && !created)
		unapplied_tell(asked);
	return rc;
}
