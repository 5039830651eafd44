/* Loading jansson (see janssondl.h). */
#define JANSSONDL_NO_MACROS
#include "lib/janssondl.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct jansson_api jansson_api;

const char *jansson_load(void)
{
	static char why[256];
	static bool loaded;

	if (loaded)
		return NULL;
	void *lib = dlopen(JANSSON_SONAME, RTLD_NOW);
	if (!lib) {
		snprintf(why, sizeof(why), "cannot load %s to read JSON: %s", JANSSON_SONAME, dlerror());
		return why;
	}
	/* dlsym's object pointer into each function pointer, without the cast
	 * ISO C leaves undefined. */
#define JANSSON_LOOKUP(name) \
	{ \
		void *p = dlsym(lib, #name); \
		if (!p) { \
			snprintf(why, sizeof(why), "cannot find %s in %s", #name, JANSSON_SONAME); \
			dlclose(lib); \
			return why; \
		} \
		memcpy(&jansson_api.name, &p, sizeof(p)); \
	}
	JANSSON_FUNCTIONS(JANSSON_LOOKUP)
#undef JANSSON_LOOKUP
	loaded = true;
	return NULL;
}
