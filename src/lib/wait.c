#include "lib/wait.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static const long NSEC_PER_SEC = 1000000000L;
/* After the deadline the timer keeps firing at this interval, so a signal
 * that lands just before the blocking call starts cannot be lost: the call
 * is interrupted again a moment later. */
static const long REPEAT_NSEC = 5000000L;

static volatile sig_atomic_t termination_signal;
static timer_t deadline_timer;
static bool timer_ready;
static bool timer_armed;
static struct timespec armed_for;

struct timespec monotonic_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now;
}

struct timespec timespec_add(struct timespec a, struct timespec b)
{
	a.tv_sec += b.tv_sec;
	a.tv_nsec += b.tv_nsec;
	if (a.tv_nsec >= NSEC_PER_SEC) {
		a.tv_sec++;
		a.tv_nsec -= NSEC_PER_SEC;
	}
	return a;
}

struct timespec timespec_sub(struct timespec a, struct timespec b)
{
	a.tv_sec -= b.tv_sec;
	a.tv_nsec -= b.tv_nsec;
	if (a.tv_nsec < 0) {
		a.tv_sec--;
		a.tv_nsec += NSEC_PER_SEC;
	}
	return a;
}

int timespec_cmp(struct timespec a, struct timespec b)
{
	if (a.tv_sec != b.tv_sec)
		return a.tv_sec < b.tv_sec ? -1 : 1;
	if (a.tv_nsec != b.tv_nsec)
		return a.tv_nsec < b.tv_nsec ? -1 : 1;
	return 0;
}

long long ms_until(struct timespec t)
{
	struct timespec now = monotonic_now();

	if (timespec_cmp(now, t) >= 0)
		return 0;
	struct timespec left = timespec_sub(t, now);
	return (long long)left.tv_sec * 1000 + (left.tv_nsec + 999999) / 1000000;
}

void interval_next(struct timespec *due, struct timespec interval)
{
	struct timespec now = monotonic_now();

	*due = timespec_add(*due, interval);
	if (timespec_cmp(*due, now) < 0)
		*due = now;
}

bool sleep_until_due(const struct timespec *due)
{
	while (!termination_pending()) {
		int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, due, NULL);
		if (rc == 0)
			return !termination_pending();
		if (rc != EINTR)
			return false;
	}
	return false;
}

void wait_init(struct wait *w, bool nowait, const struct timespec *timeout)
{
	memset(w, 0, sizeof(*w));
	w->nowait = nowait;
	if (timeout && timeout->tv_sec == 0 && timeout->tv_nsec == 0) {
		w->nowait = true;      /* ipctool(1): --timeout 0 is --nowait */
	} else if (timeout) {
		w->bounded = true;
		w->span = *timeout;
		wait_restart(w);
	}
}

void wait_restart(struct wait *w)
{
	if (w->bounded)
		w->deadline = timespec_add(monotonic_now(), w->span);
}

bool wait_expired(const struct wait *w)
{
	if (w->nowait)
		return true;
	return w->bounded && timespec_cmp(monotonic_now(), w->deadline) >= 0;
}

int wait_remaining_ms(const struct wait *w)
{
	if (w->nowait)
		return 0;
	if (!w->bounded)
		return -1;
	long long ms = ms_until(w->deadline);
	return ms > 2147483647 ? 2147483647 : (int)ms;
}

static void on_timer(int sig)
{
	(void)sig;  /* only here to interrupt a blocking call */
}

static int timer_setup(void)
{
	struct sigaction sa;
	struct sigevent ev;

	if (timer_ready)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_timer;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;       /* no SA_RESTART: the blocking call must return EINTR */
	if (sigaction(SIGALRM, &sa, NULL) != 0)
		return -1;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGALRM;
	if (timer_create(CLOCK_MONOTONIC, &ev, &deadline_timer) != 0)
		return -1;
	timer_ready = true;
	return 0;
}

int wait_arm(const struct wait *w)
{
	struct itimerspec spec;

	if (!w->bounded || w->nowait || termination_signal)
		return 0;
	if (timer_armed && timespec_cmp(armed_for, w->deadline) == 0)
		return 0;
	if (timer_setup() != 0)
		return -1;
	spec.it_value = w->deadline;
	spec.it_interval.tv_sec = 0;
	spec.it_interval.tv_nsec = REPEAT_NSEC;
	if (timer_settime(deadline_timer, TIMER_ABSTIME, &spec, NULL) != 0)
		return -1;
	timer_armed = true;
	armed_for = w->deadline;
	return 0;
}

void wait_disarm(void)
{
	struct itimerspec off;

	if (!timer_armed || termination_signal)
		return;
	memset(&off, 0, sizeof(off));
	timer_settime(deadline_timer, 0, &off, NULL);
	timer_armed = false;
}

/* The flag alone could be missed: a signal that lands just before a
 * blocking call starts leaves the call waiting forever.  So the handler
 * also sets the timer repeating at once (timer_settime is
 * async-signal-safe), and every blocking call from then on is interrupted
 * within a few milliseconds and sees the flag. */
void termination_note(int sig)
{
	termination_signal = sig;
	if (timer_ready) {
		struct itimerspec spec = {
			.it_value = { 0, REPEAT_NSEC },
			.it_interval = { 0, REPEAT_NSEC },
		};
		timer_settime(deadline_timer, 0, &spec, NULL);
	}
}

static void on_termination(int sig)
{
	termination_note(sig);
}

void termination_catch(void)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa;

	timer_setup();   /* without a timer the flag is all we have */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_termination;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;       /* interrupt blocking calls */
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		struct sigaction old;
		/* A signal the shell ignored for us (nohup, background jobs)
		 * stays ignored. */
		if (sigaction(signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(signals[i], &sa, NULL);
	}
}

int termination_pending(void)
{
	return termination_signal;
}

void termination_honour(void)
{
	int sig = termination_signal;
	sigset_t set;

	if (!sig)
		return;
	wait_disarm();
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);  /* not reached unless the signal is blocked elsewhere */
}
