/* signal-send and signal-wait: signals from the shell (ipctool-signal-send(1), ipctool(1)). */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/command.h"
#include "cmd/commands.h"
#include "lib/error.h"
#include "lib/parse.h"
#include "lib/signame.h"
#include "lib/wait.h"

static int bad_signal(const char *text, const char *why)
{
	return usage_error("invalid signal '%s': %s", quote_input(text), why);
}

/* Seconds as a user would write them: "0.5", "3". */
static double seconds(const struct timespec *ts)
{
	return (double)ts->tv_sec + (double)ts->tv_nsec / 1e9;
}

/* ---- signal-send ------------------------------------------------------- */

enum { OPT_VALUE = 1, OPT_GROUP, OPT_WAIT, OPT_KILL_AFTER, OPT_LIST, OPT_COUNT };

struct send_options {
	bool has_value;
	int value;
	bool group;
	bool has_wait, has_kill_after;
	struct timespec wait, kill_after;
	bool list;
};

static struct poptOption send_table[] = {
	{ "value", 'v', POPT_ARG_STRING, NULL, OPT_VALUE,
	  "send with sigqueue(3) carrying this integer value", "N" },
	{ "group", 'g', POPT_ARG_NONE, NULL, OPT_GROUP, "each PID is a process group id", NULL },
	{ "wait", 'w', POPT_ARG_STRING, NULL, OPT_WAIT,
	  "wait up to SECS for every target to exit, else exit 3", "SECS" },
	{ "kill-after", 'K', POPT_ARG_STRING, NULL, OPT_KILL_AFTER,
	  "send SIGKILL to targets still alive SECS after SIGNAL", "SECS" },
	{ "list", '\0', POPT_ARG_NONE, NULL, OPT_LIST, "list every signal: number, name, description", NULL },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int read_send_options(const struct args *a, struct send_options *o)
{
	long long value = 0;
	int rc;

	*o = (struct send_options){ .has_value = args_has(a, OPT_VALUE), .group = args_has(a, OPT_GROUP),
				    .has_wait = args_has(a, OPT_WAIT), .has_kill_after = args_has(a, OPT_KILL_AFTER),
				    .list = args_has(a, OPT_LIST) };
	if ((rc = args_signed(a, OPT_VALUE, INT_MIN, INT_MAX, &value)) ||
	    (rc = args_duration(a, OPT_WAIT, &o->wait)) || (rc = args_duration(a, OPT_KILL_AFTER, &o->kill_after)))
		return rc;
	o->value = (int)value;
	return 0;
}

static int list_signals(void)
{
	char name[SIGNAL_NAME_MAX];

	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		if (!signal_exists(sig))
			continue;
		printf("%2d %-12s %s\n", sig, signal_name(sig, name), strsignal(sig));
	}
	return EXIT_OK;
}

/* A PID as the user wrote it.  0, -1 and other negative numbers mean
 * something else entirely to kill(2), so each is refused with the reason. */
static int parse_pid(const char *text, bool group, pid_t *out)
{
	unsigned long long v;

	if (strcmp(text, "0") == 0)
		return usage_error("PID 0 would signal ipctool's own process group; "
				   "name a group with --group PGID");
	if (strcmp(text, "-1") == 0)
		return usage_error("PID -1 would signal every process you may signal; it is refused");
	if (text[0] == '-' && is_all_digits(text + 1))
		return usage_error("negative PID '%s' would signal a process group; use --group %s",
				   quote_input(text), quote_input(text + 1));
	if (parse_unsigned(text, 1, INT_MAX, &v))
		return usage_error("invalid PID '%s': expected a whole number from 1 to %d", quote_input(text),
				   INT_MAX);
	if (group && v == 1)
		return usage_error("process group 1 cannot be named: kill(-1) signals every process");
	*out = (pid_t)v;
	return 0;
}

/* kill(1) writes the signal as "-9" or "-TERM": in the SIGNAL place, a
 * dash and then a number or a signal name.  The runner hands such words
 * over as words (COMMAND_KILL_WORDS), so the refusal can say why. */
static int refuse_dashed_signal(const char *word)
{
	if (!signal_dashed(word))
		return 0;
	return usage_error("invalid signal '%s': write it without '-' (%s%s)", quote_input(word),
			   quote_input(word + 1), is_all_digits(word + 1) ? " or its name" : "");
}

struct victim {
	pid_t id;
	int pidfd;        /* -1: watched through /proc */
	bool sent;        /* the signal reached it: watch it */
	bool gone;
};

static int pidfd_open_pid(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/* State letter and process group of PID from /proc/PID/stat; 0 if it is
 * gone. */
static char proc_state(pid_t pid, pid_t *pgrp)
{
	char path[64], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "re")))
		return 0;
	size_t n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = '\0';
	/* The command name may hold spaces and parentheses: skip to the last ')'. */
	char *p = strrchr(line, ')');
	char state;
	int ppid, group;
	if (!p || sscanf(p + 1, " %c %d %d", &state, &ppid, &group) != 3)
		return 0;
	if (pgrp)
		*pgrp = (pid_t)group;
	return state;
}

static bool is_live_state(char state)
{
	return state != 0 && state != 'Z' && state != 'X';
}

/* A group is alive while one of its members is not a zombie. */
static bool group_alive(pid_t pgid)
{
	DIR *dir = opendir("/proc");
	struct dirent *e;
	bool alive = false;

	if (!dir)
		return kill(-pgid, 0) == 0;
	while (!alive && (e = readdir(dir))) {
		pid_t group = 0;
		if (!is_all_digits(e->d_name))
			continue;
		char state = proc_state((pid_t)atoi(e->d_name), &group);
		alive = is_live_state(state) && group == pgid;
	}
	closedir(dir);
	return alive;
}

static bool victim_gone(const struct victim *v, bool group)
{
	if (v->pidfd >= 0) {
		struct pollfd p = { .fd = v->pidfd, .events = POLLIN };
		return poll(&p, 1, 0) > 0;
	}
	if (group)
		return !group_alive(v->id);
	return !is_live_state(proc_state(v->id, NULL));
}

/* Wait until every victim that was signalled is gone or SPAN has passed.
 * Returns how many are still alive. */
static int wait_for_victims(struct victim *vs, int n, bool group, const struct timespec *span)
{
	struct wait w;
	struct pollfd *fds = calloc((size_t)n + 1, sizeof(*fds));

	wait_init(&w, false, span);
	for (;;) {
		int alive = 0, nfds = 0;
		bool polled_only = true;
		for (int i = 0; i < n; i++) {
			if (!vs[i].sent || vs[i].gone)
				continue;
			vs[i].gone = victim_gone(&vs[i], group);
			if (vs[i].gone)
				continue;
			alive++;
			if (vs[i].pidfd >= 0 && fds)
				fds[nfds++] = (struct pollfd){ .fd = vs[i].pidfd, .events = POLLIN };
			else
				polled_only = false;
		}
		if (alive == 0 || wait_expired(&w)) {
			free(fds);
			return alive;
		}
		/* pidfds wake us when a process exits; /proc is looked at again
		 * every 10 ms. */
		int ms = wait_remaining_ms(&w);
		if (!polled_only && (ms < 0 || ms > 10))
			ms = 10;
		poll(fds, (nfds_t)nfds, ms);
	}
}

static const char *victim_kind(bool group)
{
	return group ? "process group" : "process";
}

static int send_to(const struct victim *v, const struct send_options *o, int sig)
{
	int rc;

	if (o->group)
		rc = kill(-v->id, sig);
	else if (o->has_value)
		rc = sigqueue(v->id, sig, (union sigval){ .sival_int = o->value });
	else
		rc = kill(v->id, sig);
	if (rc == 0)
		return EXIT_OK;
	if (errno == ESRCH)
		return fail("no %s %d", victim_kind(o->group), (int)v->id);
	return fail_errno("cannot signal %s %d", victim_kind(o->group), (int)v->id);
}

static void kill_survivors(struct victim *vs, int n, const struct send_options *o)
{
	for (int i = 0; i < n; i++) {
		if (!vs[i].sent || vs[i].gone)
			continue;
		warn("%s %d still alive %g s after the signal; sending SIGKILL",
		     victim_kind(o->group), (int)vs[i].id, seconds(&o->kill_after));
		if (o->group)
			kill(-vs[i].id, SIGKILL);
		else
			kill(vs[i].id, SIGKILL);
	}
}

static int report_survivors(const struct victim *vs, int n, const struct send_options *o)
{
	for (int i = 0; i < n; i++)
		if (vs[i].sent && !vs[i].gone)
			warn("%s %d is still alive after %g s", victim_kind(o->group), (int)vs[i].id,
			     seconds(&o->wait));
	return EXIT_NOTHING;
}

static int send_run(const struct args *a)
{
	struct send_options opts, *o = &opts;
	int sig, n = a->nwords - 1, failed = 0, rc;
	const char *why;

	if ((rc = read_send_options(a, o)))
		return rc;
	if (o->list)
		return a->nwords ? usage_error("--list takes no SIGNAL or PID") : list_signals();
	if (a->nwords == 0)
		return usage_error("missing SIGNAL and PID");
	if ((rc = refuse_dashed_signal(a->words[0])))
		return rc;
	if ((why = signal_parse(a->words[0], true, &sig)))
		return bad_signal(a->words[0], why);
	if (n == 0)
		return usage_error("missing PID after %s", a->words[0]);
	if (o->has_value && o->group)
		return usage_error("--value sends with sigqueue, which targets one process; it takes no --group");

	struct victim *vs = calloc((size_t)n, sizeof(*vs));
	if (!vs)
		return fail("out of memory");
	for (int i = 0; i < n; i++) {
		vs[i].pidfd = -1;
		if ((rc = parse_pid(a->words[i + 1], o->group, &vs[i].id))) {
			free(vs);
			return rc;
		}
	}
	bool watch = o->has_wait || o->has_kill_after;
	for (int i = 0; i < n; i++) {
		/* Pin the process before signalling it, so the wait cannot
		 * follow a recycled PID. */
		if (watch && !o->group)
			vs[i].pidfd = pidfd_open_pid(vs[i].id);
		if (send_to(&vs[i], o, sig) != EXIT_OK)
			failed++;
		else
			vs[i].sent = true;
	}
	rc = EXIT_OK;
	if (o->has_kill_after && wait_for_victims(vs, n, o->group, &o->kill_after) > 0)
		kill_survivors(vs, n, o);
	if (o->has_wait && wait_for_victims(vs, n, o->group, &o->wait) > 0)
		rc = report_survivors(vs, n, o);
	for (int i = 0; i < n; i++)
		if (vs[i].pidfd >= 0)
			close(vs[i].pidfd);
	free(vs);
	return failed ? EXIT_FAIL : rc;
}

const struct command command_signal_send = {
	.name = "signal-send",
	.summary = "send a signal (or a queued value) to processes; list signals",
	.synopsis = "SIGNAL PID... [--value N] [--group] [--wait SECS] [--kill-after SECS]\n--list",
	.table = send_table,
	.complete = COMPLETE_SIGNAL_PIDS,
	.flags = COMMAND_KILL_WORDS,
	.run = send_run,
};

/* ---- signal-wait ------------------------------------------------------- */

struct wait_sig_options {
	struct wait_options wait;
	unsigned long long count;
};

static struct poptOption wait_table[] = {
	{ "timeout", 't', POPT_ARG_STRING, NULL, CLI_OPT_TIMEOUT,
	  "wait at most SECS in all (decimals allowed), then exit 3", "SECS" },
	{ "count", 'c', POPT_ARG_STRING, NULL, OPT_COUNT, "wait for N signals (default 1)", "N" },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int signal_set(const struct args *a, sigset_t *set)
{
	char name[SIGNAL_NAME_MAX];
	const char *why;
	int sig;

	sigemptyset(set);
	if (a->nwords == 0)
		return usage_error("missing SIGNAL");
	for (int i = 0; i < a->nwords; i++) {
		if ((why = signal_parse(a->words[i], false, &sig)))
			return bad_signal(a->words[i], why);
		if (sig == SIGKILL || sig == SIGSTOP)
			return usage_error("%s cannot be caught or blocked, so it cannot be waited for",
					   signal_name(sig, name));
		sigaddset(set, sig);
	}
	return 0;
}

static int print_arrival(const siginfo_t *info)
{
	char name[SIGNAL_NAME_MAX];

	printf("%s", signal_name(info->si_signo, name));
	if (info->si_code == SI_QUEUE)
		printf(" value=%d", info->si_value.sival_int);
	printf(" pid=%d uid=%u\n", (int)info->si_pid, (unsigned)info->si_uid);
	/* Scripts read each line as it comes. */
	if (fflush(stdout) != 0)
		return fail_errno("cannot write to standard output");
	return EXIT_OK;
}

/* One signal of SET, waiting as W says: 1 on arrival, 0 on timeout. */
static int take_signal(const sigset_t *set, const struct wait *w, siginfo_t *info)
{
	for (;;) {
		int ms = wait_remaining_ms(w);
		int got;
		if (ms < 0) {
			got = sigwaitinfo(set, info);
		} else {
			struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };
			got = sigtimedwait(set, info, &ts);
		}
		if (got > 0)
			return 1;
		if (errno == EAGAIN && wait_expired(w))
			return 0;
		if (errno != EINTR && errno != EAGAIN)
			return -1;
	}
}

static int wait_sig_run(const struct args *a)
{
	struct wait_sig_options opts = { .count = 1 }, *o = &opts;
	sigset_t set;
	struct wait w;
	siginfo_t info;
	int rc;

	if ((rc = args_unsigned(a, OPT_COUNT, 1, INT_MAX, &o->count)) || (rc = args_wait(a, &o->wait)) ||
	    (rc = signal_set(a, &set)))
		return rc;
	/* Blocked before the PID is shown, so a signal sent as soon as a
	 * script reads it waits in the queue for us. */
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return fail_errno("cannot block the signals");
	fprintf(stderr, "%d\n", (int)getpid());
	wait_init(&w, o->wait.nowait, o->wait.has_timeout ? &o->wait.timeout : NULL);
	for (unsigned long long got = 0; got < o->count; got++) {
		int r = take_signal(&set, &w, &info);
		if (r < 0)
			return fail_errno("cannot wait for signals");
		if (r == 0) {
			if (got == 0)
				warn("no signal arrived before the timeout");
			else
				warn("only %llu of %llu signals arrived before the timeout", got, o->count);
			return EXIT_NOTHING;
		}
		if ((rc = print_arrival(&info)))
			return rc;
	}
	return EXIT_OK;
}

const struct command command_signal_wait = {
	.name = "signal-wait",
	.summary = "wait for signals and print who sent them",
	.synopsis = "SIGNAL... [--timeout SECS] [--count N]",
	.table = wait_table,
	.complete = COMPLETE_SIGNALS,
	.run = wait_sig_run,
};
