/* Running a COMMAND the one way ipctool does (see spawn.h). */
#include "lib/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/wait.h"

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
enum { NFORWARDED = sizeof(forwarded) / sizeof(forwarded[0]) };

/* The running children's pids, read by the signal handler.  Changed only
 * with the forwarded signals blocked, so the handler never sees a slot
 * half-written, and a pid leaves the table before it is reaped, so no
 * signal reaches a recycled pid. */
static pid_t *volatile running;
static volatile size_t nrunning;
static size_t running_capacity;
/* spawn_forward_signals_terminating: the signal is ipctool's too. */
static volatile sig_atomic_t terminating;

static void forwarded_set(sigset_t *set)
{
	sigemptyset(set);
	for (int i = 0; i < NFORWARDED; i++)
		sigaddset(set, forwarded[i]);
}

void spawn_hold(sigset_t *old)
{
	sigset_t set;

	forwarded_set(&set);
	sigprocmask(SIG_BLOCK, &set, old);
}

void spawn_release(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

static void pass_on(int sig, siginfo_t *info, void *ctx)
{
	(void)ctx;
	/* The terminal sends Ctrl-C and friends to the whole foreground
	 * group, the children included: passing it again would send it twice. */
	int saved = errno;
	if (terminating)
		termination_note(sig);
	if (info && info->si_code == SI_KERNEL) {
		errno = saved;
		return;
	}
	for (size_t i = 0; i < nrunning; i++)
		if (running[i] > 0)
			kill(running[i], sig);
	errno = saved;
}

static void install_pass_on(int flags)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = pass_on;
	sa.sa_flags = SA_SIGINFO | flags;
	sigfillset(&sa.sa_mask);
	for (int i = 0; i < NFORWARDED; i++) {
		/* What the shell ignored for us (nohup, background jobs) we
		 * ignore too; the children still start with the default. */
		if (sigaction(forwarded[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(forwarded[i], &sa, NULL);
	}
}

void spawn_forward_signals(void)
{
	install_pass_on(SA_RESTART);
}

void spawn_forward_signals_terminating(void)
{
	terminating = 1;
	/* No SA_RESTART: a blocking call returns EINTR and its caller sees
	 * the flag. */
	install_pass_on(0);
}

/* Add PID to the table (signals held by the caller).  Returns an errno. */
static int track(pid_t pid)
{
	for (size_t i = 0; i < nrunning; i++)
		if (running[i] == 0) {
			running[i] = pid;
			return 0;
		}
	if (nrunning == running_capacity) {
		size_t capacity = running_capacity ? 2 * running_capacity : 8;
		pid_t *grown = malloc(capacity * sizeof(*grown));
		if (!grown)
			return ENOMEM;
		if (nrunning)
			memcpy(grown, (pid_t *)running, nrunning * sizeof(*grown));
		pid_t *old = running;
		running = grown;
		running_capacity = capacity;
		free(old);
	}
	running[nrunning] = pid;
	nrunning = nrunning + 1;
	return 0;
}

static void untrack(pid_t pid)
{
	for (size_t i = 0; i < nrunning; i++)
		if (running[i] == pid)
			running[i] = 0;
}

void spawn_reset_inherited_signals(void)
{
	struct sigaction dfl;
	sigset_t set;

	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
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

static void prepare_to_exec(void)
{
	sigset_t none;

	reset_dispositions();
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* dup2, except that a descriptor already at TO (ipctool was started with
 * that descriptor closed) only loses its close-on-exec flag. */
static int move_fd(int from, int to)
{
	if (from == to)
		return fcntl(to, F_SETFD, 0);
	return dup2(from, to);
}

/* In the child: prepared, stdin, stdout and stderr in place, exec.  A
 * failure goes back to the parent as an errno through REPORT, which exec
 * closes.  It runs in a vfork child, which shares the parent's memory:
 * it changes nothing there (ENV was built by the parent) and makes only
 * system calls. */
static _Noreturn void exec_child(const struct spawn *s, char *const *env, int report)
{
	int err;

	prepare_to_exec();
	if ((s->in >= 0 && move_fd(s->in, STDIN_FILENO) < 0) ||
	    (s->out >= 0 && move_fd(s->out, STDOUT_FILENO) < 0) ||
	    (s->err >= 0 && move_fd(s->err, STDERR_FILENO) < 0)) {
		err = errno;
	} else {
		execvpe(s->argv[0], s->argv, env);
		err = errno;
	}
	if (write(report, &err, sizeof(err)) < 0)
		_exit(EXIT_CANNOT_EXEC);
	_exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

/* Does ENTRY ("NAME=VALUE") set the variable NAME=... of SETTING? */
static bool same_name(const char *entry, const char *setting)
{
	size_t len = strcspn(setting, "=");

	return strncmp(entry, setting, len) == 0 && entry[len] == '=';
}

static bool replaced(const char *entry, char *const *add)
{
	for (char *const *a = add; *a; a++)
		if (same_name(entry, *a))
			return true;
	return false;
}

/* The child's environment: ipctool's, with ADD's entries in place of
 * those of the same name or after them.  Built here, in the parent,
 * since the child may not change the memory it shares.  NULL when memory
 * ran out; environ itself when there is nothing to add. */
static char **child_environment(char *const *add)
{
	size_t n = 0, nadd = 0, k = 0;

	if (!add)
		return environ;
	while (environ[n])
		n++;
	while (add[nadd])
		nadd++;
	char **env = malloc((n + nadd + 1) * sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!replaced(environ[i], add))
			env[k++] = environ[i];
	for (size_t i = 0; i < nadd; i++)
		env[k++] = add[i];
	env[k] = NULL;
	return env;
}

void spawn_init(struct spawn *s, char *const *argv)
{
	memset(s, 0, sizeof(*s));
	s->argv = argv;
	s->in = s->out = s->err = -1;
}

/* Wait for the child to tell whether exec worked: REPORT reads EOF when it
 * did (close-on-exec), an errno when it did not. */
static int exec_result(int report)
{
	int err = 0;
	ssize_t got;

	while ((got = read(report, &err, sizeof(err))) < 0 && errno == EINTR)
		;
	return got == (ssize_t)sizeof(err) ? err : 0;
}

/* The child never returns here: it execs or _exits. */
static pid_t vfork_exec(const struct spawn *s, char *const *env, int report)
{
	pid_t pid = vfork();

	if (pid == 0)
		exec_child(s, env, report);
	return pid;
}

/* vfork, not fork: the child shares ipctool's memory until it execs, so
 * no page table is copied and then thrown away, which was a tenth of the
 * cost of each COMMAND recv --exec ran.  Every signal is blocked around
 * it, so that no handler of ipctool's ever runs in the child. */
int spawn_start(struct spawn *s)
{
	sigset_t all, old;
	int report[2], err;
	char **env = child_environment(s->env);

	if (!env)
		return ENOMEM;
	if (pipe2(report, O_CLOEXEC) != 0) {
		err = errno;
		if (env != environ)
			free(env);
		return err;
	}
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid_t pid = vfork_exec(s, env, report[1]);
	err = pid < 0 ? errno : track(pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (env != environ)
		free(env);
	close(report[1]);
	if (pid > 0 && err == 0)
		err = exec_result(report[0]);
	close(report[0]);
	if (pid > 0) {
		s->pid = pid;
		if (err) {
			spawn_wait(s);
			s->status = 0;
		}
	}
	return err;
}

int spawn_report(struct spawn *s, int err)
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
	return s->status;
}

int spawn_start_status(int err)
{
	return err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
}

int spawn_wait(struct spawn *s)
{
	sigset_t old;
	siginfo_t info;
	int wstatus = 0;

	if (s->pid <= 0)
		return s->status;
	/* Wait without reaping, so the pid stays ours while the handler may
	 * still pass a signal to it; then leave the table and reap. */
	while (waitid(P_PID, (id_t)s->pid, &info, WEXITED | WNOWAIT) != 0 && errno == EINTR)
		;
	spawn_hold(&old);
	untrack(s->pid);
	while (waitpid(s->pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	spawn_release(&old);
	s->pid = 0;
	if (WIFSIGNALED(wstatus)) {
		s->signal = WTERMSIG(wstatus);
		s->status = 128 + s->signal;
	} else {
		s->signal = 0;
		s->status = WEXITSTATUS(wstatus);
	}
	return s->status;
}

struct spawn *spawn_wait_any(struct spawn *const *set, size_t n, bool block)
{
	siginfo_t info;

	for (;;) {
		/* WNOWAIT: the pid stays ours until spawn_wait takes it out of
		 * the table, as for one child. */
		memset(&info, 0, sizeof(info));
		if (waitid(P_ALL, 0, &info, WEXITED | WNOWAIT | (block ? 0 : WNOHANG)) != 0) {
			if (errno == EINTR && block)
				continue;
			return NULL;
		}
		if (info.si_pid == 0)
			return NULL;
		for (size_t i = 0; i < n; i++)
			if (set[i] && set[i]->pid == info.si_pid) {
				spawn_wait(set[i]);
				return set[i];
			}
		return NULL;
	}
}

int spawn_try_wait(struct spawn *s)
{
	siginfo_t info;

	if (s->pid <= 0)
		return 1;
	memset(&info, 0, sizeof(info));
	if (waitid(P_PID, (id_t)s->pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0)
		return 0;
	spawn_wait(s);   /* it has ended: this does not block */
	return 1;
}

int spawn_exec(char *const *argv)
{
	struct spawn s;

	spawn_init(&s, argv);
	prepare_to_exec();
	execvp(argv[0], argv);
	return spawn_report(&s, errno);
}
