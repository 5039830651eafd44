/* One place for exit statuses and the one-line error format of ipctool(1) EXIT STATUS:
 *   ipctool: SUBCOMMAND: what went wrong
 * Every module reports through these; none prints its own format. */
#ifndef IPCTOOL_ERROR_H
#define IPCTOOL_ERROR_H

#include <stddef.h>

enum exit_status {
	EXIT_OK = 0,
	EXIT_FAIL = 1,     /* no such object, permission denied, a call failed */
	EXIT_USAGE = 2,    /* bad command line; nothing was touched */
	EXIT_NOTHING = 3,  /* --nowait found nothing, or --timeout ran out */
	EXIT_CANNOT_EXEC = 126,
	EXIT_NOT_FOUND = 127,
};

/* The subcommand named in every message; main sets it before dispatch. */
void error_set_subcommand(const char *name);
const char *error_subcommand(void);

/* While BUF (SIZE bytes) is set, messages go there instead of stderr,
 * without the prefix, each replacing the last: for a full-screen view,
 * where stderr is the screen and a message would tear it.  SIZE 0 sends
 * them to stderr again. */
void error_capture(char *buf, size_t size);

/* Print "ipctool: SUB: message" and return EXIT_FAIL. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* As fail(), appending ": strerror(errno)" for the errno at the call. */
int fail_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the message and the "Try ... --help" hint; return EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The shown form of text from outside (a name read from the system, a
 * value from the command line): one line, and reversible by parse_shown
 * (parse.h).  A control character (C0, DEL, C1), a Unicode format
 * character (U+200E, U+202E, U+2066, U+FEFF...: they reorder or hide text
 * on a terminal) byte by byte, a byte that is not UTF-8 and a backslash
 * before 'x' are written \xHH; everything else, UTF-8 included, as it is.
 * It is how libsmartcols shows them in tables, so a name reads the same
 * in every mode of list, in JSON and in errors, and can be given back as
 * a TARGET.  OUT has SIZE bytes; 4 * strlen(TEXT) + 1 holds all of it (a
 * shorter OUT cuts it at a character).  Returns OUT. */
char *shown_form(const char *text, char *out, size_t size);

/* Every message is printed in the shown form.  A value echoed from the
 * command line goes through quote_input first, which cuts it after
 * QUOTE_MAX characters, marking the cut with "...".  The result lives for
 * QUOTE_SLOTS calls, so one message may quote several values. */
#define QUOTE_MAX 64
#define QUOTE_SLOTS 4
const char *quote_input(const char *text);

/* A note on stderr that does not change the exit status. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "invalid --type value 'x': expected ..." as a usage error. */
int cli_bad_value(const char *option, const char *text, const char *why);

#endif
