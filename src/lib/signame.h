/* Signal names and numbers, a helper shared by signal-send, signal-wait
 * and pipe-run's --status lines.  Names are printed with the SIG prefix
 * (SIGTERM, SIGRTMIN+3); parsing accepts them with or without it, in any
 * case, and plain numbers. */
#ifndef IPCTOOL_SIGNAME_H
#define IPCTOOL_SIGNAME_H

#include <stdbool.h>
#include <stddef.h>

/* Room for the longest name, "SIGRTMAX-15" and more. */
enum { SIGNAL_NAME_MAX = 24 };

/* "SIGTERM", "SIGRTMIN+2", or "signal 33" for a number without a name. */
const char *signal_name(int sig, char buf[SIGNAL_NAME_MAX]);
/* Parse TEXT as a signal.  ALLOW_ZERO accepts 0 (kill -0).  Returns NULL
 * and stores the number, or a phrase for cli_bad_value(). */
const char *signal_parse(const char *text, bool allow_zero, int *out);
/* Is WORD written as kill(1) writes a signal or a process group: a dash,
 * then digits or a signal's name (-9, -TERM, -123)? */
bool signal_dashed(const char *word);
/* Whether Linux has a signal SIG: 1 to SIGSYS, SIGRTMIN to SIGRTMAX. */
bool signal_exists(int sig);

#endif
