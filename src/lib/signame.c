/* Signal names and numbers (see signame.h). */
#include "lib/signame.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "lib/parse.h"

/* Linux's classic signals, by number; aliases after them. */
static const char *const classic_names[] = {
	[SIGHUP] = "HUP", [SIGINT] = "INT", [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
	[SIGTRAP] = "TRAP", [SIGABRT] = "ABRT", [SIGBUS] = "BUS", [SIGFPE] = "FPE",
	[SIGKILL] = "KILL", [SIGUSR1] = "USR1", [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM", [SIGTERM] = "TERM", [SIGSTKFLT] = "STKFLT",
	[SIGCHLD] = "CHLD", [SIGCONT] = "CONT", [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
	[SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU", [SIGURG] = "URG", [SIGXCPU] = "XCPU",
	[SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH",
	[SIGIO] = "IO", [SIGPWR] = "PWR", [SIGSYS] = "SYS",
};
enum { CLASSIC_LAST = SIGSYS };

static const struct { const char *name; int sig; } aliases[] = {
	{ "IOT", SIGABRT }, { "CLD", SIGCHLD }, { "POLL", SIGIO },
};

const char *signal_name(int sig, char buf[SIGNAL_NAME_MAX])
{
	int span = SIGRTMAX - SIGRTMIN;

	if (sig >= 1 && sig <= CLASSIC_LAST && classic_names[sig])
		snprintf(buf, SIGNAL_NAME_MAX, "SIG%s", classic_names[sig]);
	else if (sig == SIGRTMIN)
		snprintf(buf, SIGNAL_NAME_MAX, "SIGRTMIN");
	else if (sig == SIGRTMAX)
		snprintf(buf, SIGNAL_NAME_MAX, "SIGRTMAX");
	/* The lower half counts up from RTMIN, the upper down from RTMAX, as
	 * kill -l does. */
	else if (sig > SIGRTMIN && sig - SIGRTMIN <= span / 2)
		snprintf(buf, SIGNAL_NAME_MAX, "SIGRTMIN+%d", sig - SIGRTMIN);
	else if (sig > SIGRTMIN && sig < SIGRTMAX)
		snprintf(buf, SIGNAL_NAME_MAX, "SIGRTMAX-%d", SIGRTMAX - sig);
	else
		snprintf(buf, SIGNAL_NAME_MAX, "signal %d", sig);
	return buf;
}

static char signal_expectation[160];

static const char *signal_expected(void)
{
	snprintf(signal_expectation, sizeof(signal_expectation),
		 "expected a name (TERM, SIGUSR1, RTMIN+N, RTMAX-N) or a number from 1 to 31 or %d to %d; "
		 "see 'ipctool signal-send --list'", SIGRTMIN, SIGRTMAX);
	return signal_expectation;
}

/* "RTMIN", "RTMIN+N", "RTMAX", "RTMAX-N" (already upper case, no SIG). */
static bool parse_realtime(const char *name, int *out)
{
	int span = SIGRTMAX - SIGRTMIN;
	unsigned long long n = 0;
	bool from_min = strncmp(name, "RTMIN", 5) == 0;

	if (!from_min && strncmp(name, "RTMAX", 5) != 0)
		return false;
	if (name[5] != '\0') {
		if (name[5] != (from_min ? '+' : '-') || parse_unsigned(name + 6, 0, (unsigned long long)span, &n))
			return false;
	}
	*out = from_min ? SIGRTMIN + (int)n : SIGRTMAX - (int)n;
	return true;
}

static bool parse_signal_name(const char *text, int *out)
{
	char name[16];
	size_t len;

	if (strncasecmp(text, "SIG", 3) == 0)
		text += 3;
	len = strlen(text);
	if (len == 0 || len >= sizeof(name))
		return false;
	for (size_t i = 0; i <= len; i++)
		name[i] = (char)toupper((unsigned char)text[i]);
	for (int sig = 1; sig <= CLASSIC_LAST; sig++) {
		if (classic_names[sig] && strcmp(classic_names[sig], name) == 0) {
			*out = sig;
			return true;
		}
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcmp(aliases[i].name, name) == 0) {
			*out = aliases[i].sig;
			return true;
		}
	}
	return parse_realtime(name, out);
}

const char *signal_parse(const char *text, bool allow_zero, int *out)
{
	unsigned long long n;

	if (!is_all_digits(text))
		return parse_signal_name(text, out) ? NULL : signal_expected();
	if (parse_unsigned(text, 0, (unsigned long long)SIGRTMAX, &n))
		return signal_expected();
	if (n == 0 && !allow_zero)
		return "signal 0 is no signal: it only checks that a process exists";
	/* glibc keeps 32 and 33 for its threads; SIGRTMIN starts after them. */
	if (n > CLASSIC_LAST && (int)n < SIGRTMIN)
		return signal_expected();
	*out = (int)n;
	return NULL;
}

bool signal_exists(int sig)
{
	return (sig >= 1 && sig <= CLASSIC_LAST) || (sig >= SIGRTMIN && sig <= SIGRTMAX);
}

bool signal_dashed(const char *word)
{
	int sig;

	if (word[0] != '-' || word[1] == '-' || word[1] == '\0')
		return false;
	return is_all_digits(word + 1) || signal_parse(word + 1, true, &sig) == NULL;
}
