/* One place for exit statuses and the one-line error format of SPEC §2:
 *   ipctool: SUBCOMMAND: what went wrong
 * Every module reports through these; none prints its own format. */
#ifndef IPCTOOL_ERROR_H
#define IPCTOOL_ERROR_H

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

/* Print "ipctool: SUB: message" and return EXIT_FAIL. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* As fail(), appending ": strerror(errno)" for the errno at the call. */
int fail_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the message and the "Try ... --help" hint; return EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A note on stderr that does not change the exit status. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
