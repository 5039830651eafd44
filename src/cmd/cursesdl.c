/* ncurses loaded when watch's view starts (cursesdl.h). */
#define CURSESDL_NO_MACROS
#include <dlfcn.h>
#include <stdarg.h>
#include <string.h>

#include "cmd/cursesdl.h"
#include "lib/error.h"

/* The library of the ABI this file was compiled against: curses.h is
 * libncursesw's when its wide functions are declared, as pkg-config's
 * ncursesw flags make them. */
#define CURSES_STR(x) #x
#define CURSES_XSTR(x) CURSES_STR(x)
#define CURSES_SONAME "libncursesw.so." CURSES_XSTR(NCURSES_VERSION_MAJOR)

struct curses_api curses_api;

/* dlsym's object pointer into a member of any pointer type, without the
 * cast ISO C leaves undefined for function pointers. */
static int lookup(void *lib, const char *name, void *member, size_t size)
{
	void *p = dlsym(lib, name);

	if (!p)
		return fail("cannot find %s in %s: %s", name, CURSES_SONAME, dlerror());
	memcpy(member, &p, size);
	return 0;
}

int curses_load(void)
{
	static void *lib;

	if (lib)
		return 0;
	/* Not RTLD_GLOBAL: nothing else resolves against it. */
	void *h = dlopen(CURSES_SONAME, RTLD_NOW);
	if (!h)
		return fail("cannot load %s for the full-screen view: %s: try --json", CURSES_SONAME, dlerror());
#define CURSES_LOOKUP(name) \
	if (lookup(h, #name, &curses_api.name, sizeof(curses_api.name)) != 0) { \
		dlclose(h); \
		return 1; \
	}
	CURSES_SYMBOLS(CURSES_LOOKUP, CURSES_LOOKUP)
#undef CURSES_LOOKUP
	lib = h;
	return 0;
}

int curses_printw(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int rc = curses_api.vw_printw(*curses_api.stdscr, fmt, ap);
	va_end(ap);
	return rc;
}

int curses_mvprintw(int y, int x, const char *fmt, ...)
{
	va_list ap;

	if (curses_api.wmove(*curses_api.stdscr, y, x) == ERR)
		return ERR;
	va_start(ap, fmt);
	int rc = curses_api.vw_printw(*curses_api.stdscr, fmt, ap);
	va_end(ap);
	return rc;
}
