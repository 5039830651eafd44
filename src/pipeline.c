/* pipe-run: a shell pipeline without the shell (SPEC §8, §12).
 *
 * Each stage is forked and exec'd with execvp(3) (PATH lookup, no shell),
 * its stdin and stdout dup'ed from pipes made with O_CLOEXEC, so the stages
 * talk to each other directly and no pipe end of ours leaks into them;
 * ipctool only waits.  posix_spawn is not used: glibc's leaves its two
 * internal signals ignored in the child, and an ignored signal survives
 * exec.  An exec failure comes back through a close-on-exec pipe, so the
 * 126/127 message is one line from ipctool. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "error.h"
#include "signals.h"

enum { OPT_PIPEFAIL = 1, OPT_STATUS, OPT_SEP };

struct pipe_options {
	bool pipefail;
	bool status;
	const char *sep;
	char *sep_owned;
};

static struct poptOption pipe_table[] = {
	{ "pipefail", 'p', POPT_ARG_NONE, NULL, OPT_PIPEFAIL,
	  "exit with the status of the rightmost stage that failed", NULL },
	{ "status", 's', POPT_ARG_NONE, NULL, OPT_STATUS, "print each stage's status to stderr", NULL },
	{ "sep", 'S', POPT_ARG_STRING, NULL, OPT_SEP, "the separator between stages (default '|')", "TOKEN" },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int pipe_option(int val, const char *arg, void *data)
{
	struct pipe_options *o = data;

	switch (val) {
	case OPT_PIPEFAIL:
		o->pipefail = true;
		return 0;
	case OPT_STATUS:
		o->status = true;
		return 0;
	case OPT_SEP:
		if (!arg || !*arg)
			return cli_bad_value("--sep", arg ? arg : "", "expected a non-empty TOKEN");
		free(o->sep_owned);
		o->sep_owned = strdup(arg);
		if (!o->sep_owned)
			return fail("out of memory");
		o->sep = o->sep_owned;
		return 0;
	}
	return CLI_UNHANDLED;
}

struct stage {
	char **argv;       /* points into the pipeline's argument vector */
	pid_t pid;         /* 0 when it could not start */
	int status;        /* as a shell reports it: 0-255, 126, 127, 128+N */
	int signal;        /* the signal that killed it, or 0 */
};

/* ---- signals: passed on to every stage --------------------------------- */

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
enum { NFORWARDED = sizeof(forwarded) / sizeof(forwarded[0]) };

/* The running stages' pids, read by the handler; an entry is set to 0
 * (with the signals blocked) before its process is reaped, so a signal is
 * never passed to a recycled pid. */
static pid_t *volatile running;
static volatile sig_atomic_t nrunning;

static void pass_on(int sig, siginfo_t *info, void *ctx)
{
	(void)ctx;
	/* The terminal sends Ctrl-C and friends to the whole foreground
	 * group, stages included: passing it again would deliver it twice. */
	if (info && info->si_code == SI_KERNEL)
		return;
	int saved = errno;
	for (sig_atomic_t i = 0; i < nrunning; i++)
		if (running[i] > 0)
			kill(running[i], sig);
	errno = saved;
}

static void forwarded_set(sigset_t *set)
{
	sigemptyset(set);
	for (int i = 0; i < NFORWARDED; i++)
		sigaddset(set, forwarded[i]);
}

static void catch_forwarded(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = pass_on;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (int i = 0; i < NFORWARDED; i++) {
		/* What the shell ignored for us (nohup, background jobs) we
		 * ignore too; the stages still start with the default. */
		if (sigaction(forwarded[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(forwarded[i], &sa, NULL);
	}
}

/* ---- parsing ----------------------------------------------------------- */

/* Index of the "--" that ends ipctool's options, or 0 if there is none.
 * The value of --sep may itself look like anything. */
static int find_double_dash(int argc, const char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--sep") == 0 || strcmp(argv[i], "-S") == 0)
			i++;
		else if (strcmp(argv[i], "--") == 0)
			return i;
	}
	return 0;
}

/* Split WORDS at the separator into stages; the separators become the
 * NULLs ending each stage's argv. */
static int split_stages(char **words, int nwords, const char *sep, struct stage **out, int *nout)
{
	int n = 1;

	if (nwords == 0)
		return usage_error("missing COMMAND after --");
	for (int i = 0; i < nwords; i++)
		if (strcmp(words[i], sep) == 0)
			n++;
	struct stage *st = calloc((size_t)n, sizeof(*st));
	if (!st)
		return fail("out of memory");
	int k = 0;
	st[0].argv = words;
	for (int i = 0; i <= nwords; i++) {
		if (i < nwords && strcmp(words[i], sep) != 0)
			continue;
		if (words + i == st[k].argv) {
			free(st);
			return usage_error("stage %d is empty: a '%s' %s", k + 1, sep,
					   i == 0 ? "cannot come first" : i == nwords ? "cannot come last"
					   : "must have a command on each side");
		}
		words[i] = NULL;
		if (++k < n)
			st[k].argv = words + i + 1;
	}
	*out = st;
	*nout = n;
	return 0;
}

/* ---- running ----------------------------------------------------------- */

static void report_spawn_error(struct stage *s, int err)
{
	const char *cmd = s->argv[0];

	if (err == ENOENT && !strchr(cmd, '/')) {
		fail("%s: command not found", cmd);
		s->status = EXIT_NOT_FOUND;
	} else {
		errno = err;
		fail_errno("cannot run %s", cmd);
		s->status = err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
	}
}

/* dup2, except that a pipe end already at TO (ipctool was started with
 * that descriptor closed) only loses its close-on-exec flag. */
static int move_fd(int from, int to)
{
	if (from == to)
		return fcntl(to, F_SETFD, 0);
	return dup2(from, to);
}

/* Every signal to its default action.  glibc's sigaction refuses its two
 * internal signals (32 and 33), which a parent may have left ignored (its
 * own posix_spawn does), so the kernel is asked directly: an all-zero
 * kernel sigaction is SIG_DFL with no flags and an empty mask, whatever
 * the architecture's field order. */
static void reset_dispositions(void)
{
	for (int sig = 1; sig < NSIG; sig++) {
		unsigned long dfl[8] = { 0 };
		/* KILL and STOP are refused, harmlessly. */
		syscall(SYS_rt_sigaction, sig, dfl, NULL, (size_t)8);
	}
}

/* In the child: default dispositions for every signal (an ignored one
 * would survive exec), an empty mask, the pipe ends as stdin and stdout,
 * then exec.  An exec failure goes back to the parent as an errno through
 * REPORT, which exec closes on success. */
static void exec_stage(const struct stage *s, int in, int out, int report)
{
	sigset_t none;
	int err;

	reset_dispositions();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((in >= 0 && move_fd(in, STDIN_FILENO) < 0) || (out >= 0 && move_fd(out, STDOUT_FILENO) < 0)) {
		err = errno;
	} else {
		execvp(s->argv[0], s->argv);
		err = errno;
	}
	if (write(report, &err, sizeof(err)) < 0)
		_exit(EXIT_CANNOT_EXEC);
	_exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

/* Start stage S reading IN (or our stdin if -1) and writing OUT (or our
 * stdout if -1).  Returns 0 once it runs its command, else an errno (the
 * failed child is reaped here). */
static int spawn_stage(struct stage *s, int in, int out)
{
	int report[2], err = 0;

	if (pipe2(report, O_CLOEXEC) != 0)
		return errno;
	s->pid = fork();
	if (s->pid < 0) {
		err = errno;
		s->pid = 0;
		close(report[0]);
		close(report[1]);
		return err;
	}
	if (s->pid == 0)
		exec_stage(s, in, out, report[1]);
	close(report[1]);
	ssize_t got;
	while ((got = read(report[0], &err, sizeof(err))) < 0 && errno == EINTR)
		;
	close(report[0]);
	if (got == (ssize_t)sizeof(err)) {
		while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
			;
		s->pid = 0;
		return err;
	}
	return 0;
}

/* Spawn every stage.  Returns 0, or -1 (after reporting) if a pipe could
 * not be made; the stages already started are then left to the reaping. */
static int spawn_all(struct stage *st, int n)
{
	int in = -1;

	for (int i = 0; i < n; i++) {
		int fds[2] = { -1, -1 };
		if (i < n - 1 && pipe2(fds, O_CLOEXEC) != 0) {
			fail_errno("cannot make a pipe for stage %d", i + 2);
			if (in >= 0)
				close(in);
			return -1;
		}
		int err = spawn_stage(&st[i], in, fds[1]);
		if (err)
			report_spawn_error(&st[i], err);
		running[i] = st[i].pid;
		nrunning = i + 1;
		if (in >= 0)
			close(in);
		if (fds[1] >= 0)
			close(fds[1]);
		in = fds[0];
	}
	return 0;
}

/* Wait for stage S to end without reaping it, then reap it with the
 * forwarded signals blocked, after removing it from `running`. */
static void reap_stage(struct stage *s, int index)
{
	sigset_t set, old;
	siginfo_t info;
	int wstatus;

	if (s->pid <= 0)
		return;
	while (waitid(P_PID, (id_t)s->pid, &info, WEXITED | WNOWAIT) != 0 && errno == EINTR)
		;
	forwarded_set(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	running[index] = 0;
	while (waitpid(s->pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (WIFSIGNALED(wstatus)) {
		s->signal = WTERMSIG(wstatus);
		s->status = 128 + s->signal;
	} else {
		s->status = WEXITSTATUS(wstatus);
	}
}

static void print_status(const struct stage *s, int index)
{
	char name[SIGNAL_NAME_MAX];

	if (s->signal)
		warn("stage %d (%s): killed by %s", index + 1, s->argv[0], signal_name(s->signal, name));
	else
		warn("stage %d (%s): exit %d", index + 1, s->argv[0], s->status);
}

static int run_pipeline(struct stage *st, int n, const struct pipe_options *o)
{
	sigset_t set, old;
	int rc = 0, status = 0;

	running = calloc((size_t)n, sizeof(pid_t));
	if (!running)
		return fail("out of memory");
	/* A signal that comes while the stages start is held until all have
	 * started, then passed on to every one of them. */
	forwarded_set(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	catch_forwarded();
	if (spawn_all(st, n) != 0)
		rc = EXIT_FAIL;
	sigprocmask(SIG_SETMASK, &old, NULL);
	for (int i = 0; i < n; i++)
		reap_stage(&st[i], i);
	for (int i = 0; i < n; i++) {
		if (o->status)
			print_status(&st[i], i);
		if (!o->pipefail || st[i].status != 0)
			status = st[i].status;
	}
	nrunning = 0;
	free(running);
	running = NULL;
	return rc ? rc : status;
}

static int pipe_run(const struct pipe_options *o, char **words, int nwords)
{
	struct stage *st = NULL;
	int n = 0, rc;

	if ((rc = split_stages(words, nwords, o->sep, &st, &n)))
		return rc;
	rc = run_pipeline(st, n, o);
	free(st);
	return rc;
}

int cmd_pipe_run(int argc, const char **argv)
{
	struct pipe_options o = { .sep = "|" };
	struct cli cli;
	int dd = find_double_dash(argc, argv);
	int rc = cli_parse(&cli, dd ? dd : argc, argv, pipe_table,
			   "[--pipefail] [--status] [--sep TOKEN] -- COMMAND [ARGS...] '|' COMMAND [ARGS...] ...",
			   pipe_option, &o);

	if (rc == 0 && !dd)
		rc = usage_error("needs -- before the first COMMAND (pipe-run [OPTIONS] -- COMMAND ...)");
	if (rc == 0)
		rc = cli_extra_args(&cli, 0);
	if (rc == 0) {
		/* The stages' words, copied so separators can become NULLs. */
		int nwords = argc - dd - 1;
		char **words = calloc((size_t)nwords + 1, sizeof(*words));
		if (!words) {
			rc = fail("out of memory");
		} else {
			memcpy(words, argv + dd + 1, sizeof(*words) * (size_t)nwords);
			rc = pipe_run(&o, words, nwords);
			free(words);
		}
	}
	free(o.sep_owned);
	cli_free(&cli);
	return cli_status(rc);
}
