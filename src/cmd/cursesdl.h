/* ncurses for watch's view, loaded with dlopen when the view starts.
 *
 * Only `watch` draws, yet linking libncursesw made every invocation load
 * it and libtinfo and bind their ~500 symbols at start: a third of a short
 * command's start-up (bench/README.md, "Start-up").  So the binary does
 * not link them; curses_load() opens the library and fills one table with
 * the functions and variables the view uses, and the macros below turn
 * the view's ordinary curses calls into calls through that table.  A
 * curses name the table lacks fails to link, as nothing provides it.
 *
 * Include this instead of <curses.h>, after every other header. */
#ifndef IPCTOOL_CURSESDL_H
#define IPCTOOL_CURSESDL_H

#include <curses.h>

/* Every curses function (F) and variable (V) the view uses. */
#define CURSES_SYMBOLS(F, V) \
	F(cbreak) F(curs_set) F(delscreen) F(endwin) F(keypad) F(newterm) \
	F(nodelay) F(noecho) F(nonl) F(set_escdelay) F(vw_printw) F(waddnstr) \
	F(wattr_off) F(wattr_on) F(werase) F(wgetch) F(whline) F(wmove) \
	F(wrefresh) F(tigetstr) \
	V(COLS) V(LINES) V(stdscr)

#define CURSES_MEMBER(name) __typeof__(name) *name;
struct curses_api {
	CURSES_SYMBOLS(CURSES_MEMBER, CURSES_MEMBER)
};
#undef CURSES_MEMBER

extern struct curses_api curses_api;

/* Load the library once; 0, or a reported failure (status 1). */
int curses_load(void);

int curses_printw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int curses_mvprintw(int y, int x, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#ifndef CURSESDL_NO_MACROS
#undef COLS
#undef LINES
#undef stdscr
#define COLS (*curses_api.COLS)
#define LINES (*curses_api.LINES)
#define stdscr (*curses_api.stdscr)
#define cbreak curses_api.cbreak
#define curs_set curses_api.curs_set
#define delscreen curses_api.delscreen
#define endwin curses_api.endwin
#define keypad curses_api.keypad
#define newterm curses_api.newterm
#define nodelay curses_api.nodelay
#define noecho curses_api.noecho
#define nonl curses_api.nonl
#define set_escdelay curses_api.set_escdelay
#define waddnstr curses_api.waddnstr
#define wattr_off curses_api.wattr_off
#define wattr_on curses_api.wattr_on
#define werase curses_api.werase
#define wgetch curses_api.wgetch
#define whline curses_api.whline
#define wmove curses_api.wmove
#define wrefresh curses_api.wrefresh
#define tigetstr curses_api.tigetstr
#undef printw
#undef mvprintw
#define printw curses_printw
#define mvprintw curses_mvprintw
#endif

#endif
