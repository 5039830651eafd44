/* libsmartcols loaded by the first table (scolsdl.h). */
#define SCOLSDL_NO_MACROS
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "lib/scolsdl.h"

/* The soname of the ABI libsmartcols.h describes: 1 since util-linux
 * 2.25, the only one there has been. */
#define SCOLS_SONAME "libsmartcols.so.1"

struct scols_api scols_api;

/* dlsym's object pointer into a function pointer member, without the cast
 * ISO C leaves undefined. */
static void lookup(void *lib, const char *name, void *member, size_t size)
{
	void *p = dlsym(lib, name);

	if (!p)
		exit(fail("cannot find %s in %s: %s", name, SCOLS_SONAME, dlerror()));
	memcpy(member, &p, size);
}

/* A table is made only by the list family, before it changes anything, so
 * a library that cannot be loaded (a broken installation) ends ipctool
 * here with one line, rather than as "out of memory" from every caller. */
void scols_load(void)
{
	static void *lib;

	if (lib)
		return;
	void *h = dlopen(SCOLS_SONAME, RTLD_NOW);
	if (!h)
		exit(fail("cannot load %s to print a table: %s", SCOLS_SONAME, dlerror()));
#define SCOLS_LOOKUP(name) lookup(h, #name, &scols_api.name, sizeof(scols_api.name));
	SCOLS_FUNCTIONS(SCOLS_LOOKUP)
#undef SCOLS_LOOKUP
	lib = h;
}

void scols_unref_table_or_null(struct libscols_table *tb)
{
	if (tb)
		scols_api.scols_unref_table(tb);
}
