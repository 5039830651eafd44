/* sock --listen -- COMMAND: one run of COMMAND per connection, at most
 * --max-children at once, each reaped (see socklisten.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/socklisten.h"
#include "cmd/sockfds.h"
#include "cmd/sockrelay.h"
#include "lib/buf.h"
#include "lib/error.h"

static void report_child(const struct child *k)
{
	if (k->spawn.status != 0)
		warn("%s for the connection from pid %ld exited with status %d", k->name,
		     (long)k->peer, k->spawn.status);
}

/* Reap the children that ended. */
void pool_reap(struct server *s)
{
	size_t keep = 0;

	for (size_t i = 0; i < s->nkids; i++) {
		struct child *k = &s->kids[i];
		if (spawn_try_wait(&k->spawn)) {
			report_child(k);
			continue;
		}
		s->kids[keep++] = *k;
	}
	s->nkids = keep;
}

static struct child *new_child(struct server *s)
{
	struct child *grown = array_grow(s->kids, &s->kids_cap, s->nkids, sizeof(*grown), 8);

	if (!grown)
		return NULL;
	s->kids = grown;
	return &s->kids[s->nkids++];
}

/* COMMAND with the connection as stdin and stdout and the peer's
 * credentials in its environment; it runs while we accept the next. */
int pool_start(struct server *s, int conn, const struct sock_peer *p)
{
	char pid_env[48], uid_env[48], gid_env[48];
	char *env[] = { pid_env, uid_env, gid_env, NULL };
	struct child *k = new_child(s);

	if (!k)
		return fail("out of memory for another connection");
	snprintf(pid_env, sizeof(pid_env), "IPCTOOL_PEER_PID=%ld", (long)p->pid);
	snprintf(uid_env, sizeof(uid_env), "IPCTOOL_PEER_UID=%lu", (unsigned long)p->uid);
	snprintf(gid_env, sizeof(gid_env), "IPCTOOL_PEER_GID=%lu", (unsigned long)p->gid);
	spawn_init(&k->spawn, s->relay_argv ? s->relay_argv : s->command);
	k->spawn.in = k->spawn.out = conn;
	k->spawn.env = env;
	k->peer = p->pid;
	k->name = s->command[0];
	/* A termination signal passes on to the running children as it comes
	 * (spawn_forward_signals_terminating): with it held here, one that
	 * came before is seen below and starts nothing, one that comes while
	 * this child starts reaches it too once released. */
	sigset_t old;
	spawn_hold(&old);
	int err = termination_pending() ? ECANCELED : spawn_start(&k->spawn);
	spawn_release(&old);
	k->spawn.env = NULL;   /* it lived on our stack */
	if (err == ECANCELED) {
		s->nkids--;
		return EXIT_OK;
	}
	if (err) {
		spawn_report(&k->spawn, err);   /* reported; serving goes on */
		s->nkids--;
	}
	return EXIT_OK;
}

/* On the way out, every child is reaped (a termination signal reached
 * them as it came: spawn_forward_signals_terminating). */
void pool_finish(struct server *s)
{
	while (s->nkids) {
		/* Sleep until a child ends or a signal comes; reap below. */
		siginfo_t info;
		waitid(P_ALL, 0, &info, WEXITED | WNOWAIT);
		pool_reap(s);
	}
	free(s->kids);
}

/* --idle-timeout or --pass-fds with COMMAND: each connection goes through
 * this very binary first.  With --pass-fds it runs as `sock
 * --relay-fds=ADDR [--idle-timeout SECS] -- NEXT...` (sockfds.h), which
 * takes the descriptors and becomes NEXT; with --idle-timeout NEXT is
 * `sock --relay-idle SECS -- COMMAND...` (sockrelay.h), else COMMAND. */
int pool_relay_init(struct server *s)
{
	const struct sock_options *o = s->o;
	size_t n = 0;
	ssize_t len = readlink("/proc/self/exe", s->relay_exe, sizeof(s->relay_exe) - 1);

	if (len < 0)
		return fail_errno("cannot find ipctool's own binary for %s (/proc/self/exe)",
				  o->pass_fds ? "--pass-fds" : "--idle-timeout");
	s->relay_exe[len] = '\0';
	snprintf(s->relay_idle, sizeof(s->relay_idle), "%lld.%09ld", (long long)o->idle.tv_sec, o->idle.tv_nsec);
	while (s->command[n])
		n++;
	s->relay_argv = calloc(n + 12, sizeof(*s->relay_argv));
	if (o->pass_fds && s->relay_argv)
		s->relay_fds = sock_fds_option(s->l.addr.text);
	if (!s->relay_argv || (o->pass_fds && !s->relay_fds))
		return fail("out of memory");
	char **a = s->relay_argv;
	if (o->pass_fds) {
		*a++ = s->relay_exe;
		*a++ = (char *)"sock";
		*a++ = s->relay_fds;
		if (o->has_idle) {
			*a++ = (char *)"--idle-timeout";
			*a++ = s->relay_idle;
		}
		*a++ = (char *)"--";
	}
	if (o->has_idle) {
		*a++ = s->relay_exe;
		*a++ = (char *)"sock";
		*a++ = (char *)SOCK_RELAY_OPTION;
		*a++ = s->relay_idle;
		*a++ = (char *)"--";
	}
	for (size_t i = 0; i < n; i++)
		*a++ = s->command[i];
	return 0;
}

/* --max-children: every slot is taken; connections wait in the backlog. */
bool pool_full(const struct server *s)
{
	return s->o->max_children && s->nkids >= s->o->max_children;
}

/* Sleep until a child ends (then reap it) or a termination signal
 * interrupts; the connections waiting meanwhile are the kernel's. */
void pool_wait_for_one(struct server *s)
{
	siginfo_t info;

	if (!termination_pending())
		waitid(P_ALL, 0, &info, WEXITED | WNOWAIT);
	pool_reap(s);
}
