/* Socket activation: see sockact.h and sd_listen_fds(3). */
#include "mech/sockact.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/parse.h"

enum { FIRST_FD = 3 };   /* SD_LISTEN_FDS_START */

/* How the socket is named in messages: its address as ss(8) prints it. */
static char shown_address[sizeof(((struct sockaddr_un *)0)->sun_path) + 2];

bool sock_activated(void)
{
	const char *pid = getenv("LISTEN_PID");
	unsigned long long v;

	/* For another process (a parent that was activated and did not
	 * clear them): not ours. */
	return pid && !parse_unsigned(pid, 1, INT_MAX, &v) && (pid_t)v == getpid();
}

/* The passed descriptors' count, or -1 once reported. */
static int passed_count(void)
{
	const char *fds = getenv("LISTEN_FDS");
	unsigned long long n;

	if (!fds || parse_unsigned(fds, 1, INT_MAX - FIRST_FD, &n)) {
		fail("socket activation: LISTEN_FDS=%s is not a number of descriptors (1 or more)",
		     fds ? quote_input(fds) : "(unset)");
		return -1;
	}
	return (int)n;
}

/* The name systemd gave descriptor I (FileDescriptorName=), or "". */
static void fd_name(int i, char *out, size_t size)
{
	const char *names = getenv("LISTEN_FDNAMES"), *end;

	out[0] = '\0';
	for (; names && i > 0; i--)
		names = (names = strchr(names, ':')) ? names + 1 : NULL;
	if (!names)
		return;
	end = strchr(names, ':');
	snprintf(out, size, "%.*s", (int)(end ? (size_t)(end - names) : strlen(names)), names);
}

/* FD's bound address into A (text in shown_address); -1 if not a Unix
 * socket. */
static int address_of(int fd, struct sock_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->len = sizeof(a->sun);
	if (getsockname(fd, (struct sockaddr *)&a->sun, &a->len) != 0 || a->sun.sun_family != AF_UNIX)
		return -1;
	size_t n = a->len > offsetof(struct sockaddr_un, sun_path) ? a->len - offsetof(struct sockaddr_un, sun_path) : 0;
	if (n > 0 && a->sun.sun_path[0] == '\0') {
		a->abstract = true;
		snprintf(shown_address, sizeof(shown_address), "@%.*s", (int)(n - 1), a->sun.sun_path + 1);
	} else {
		snprintf(shown_address, sizeof(shown_address), "%.*s", (int)strnlen(a->sun.sun_path, n), a->sun.sun_path);
	}
	return 0;
}

/* Whether the socket bound at GOT is the one WANT names: the same
 * abstract name, or the same file (a relative and an absolute path, or
 * two spellings, name one file). */
static bool same_address(const struct sock_addr *want, const struct sock_addr *got)
{
	if (want->abstract || got->abstract)
		return want->abstract && got->abstract && want->len == got->len &&
		       memcmp(want->sun.sun_path, got->sun.sun_path, want->len - offsetof(struct sockaddr_un, sun_path)) == 0;
	if (strcmp(want->sun.sun_path, got->sun.sun_path) == 0)
		return true;
	char *a = realpath(want->sun.sun_path, NULL), *b = realpath(got->sun.sun_path, NULL);
	bool same = a && b && strcmp(a, b) == 0;
	free(a);
	free(b);
	return same;
}

/* Which passed descriptor to serve: the one bound to WANT, or the only
 * one.  Returns its index, or -1 once reported. */
static int choose(int n, const struct sock_addr *want)
{
	struct sock_addr got;
	char name[256];

	if (!want) {
		if (n == 1)
			return 0;
		fd_name(0, name, sizeof(name));
		fail("socket activation passed %d sockets (the first named %s); give the PATH of the one to serve", n,
		     name[0] ? quote_input(name) : "nothing");
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (address_of(FIRST_FD + i, &got) == 0 && same_address(want, &got))
			return i;
	fail("socket activation passed %d socket%s, none of them bound to %s", n, n == 1 ? "" : "s", want->text);
	return -1;
}

/* The chosen descriptor as ipctool's listener expects it: a Unix socket
 * of the right type, listening unless datagrams, non-blocking. */
static int check_socket(int fd, int want_type, int *type)
{
	int v = 0, accepting = 0;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) != 0 || v != AF_UNIX)
		return fail("socket activation: descriptor %d is not a Unix domain socket", fd);
	len = sizeof(*type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, type, &len) != 0)
		return fail_errno("socket activation: cannot read the type of descriptor %d", fd);
	if (want_type && *type != want_type)
		return fail("socket activation passed a %s socket (%s); --%s was asked for", sock_type_name(*type),
			    shown_address, sock_type_name(want_type));
	len = sizeof(accepting);
	if (*type != SOCK_DGRAM && (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) != 0 || !accepting))
		return fail("socket activation passed a %s socket that does not listen (Accept=yes passes one "
			    "connection; use Accept=no)", shown_address);
	/* As a socket ipctool makes: credentials with each record. */
	if (*type != SOCK_STREAM && sock_pass_credentials(fd) != 0)
		return fail_errno("cannot ask for the senders' credentials on %s", shown_address);
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
		return fail_errno("cannot make %s non-blocking", shown_address);
	return 0;
}

int sock_adopt(struct sock_listener *l, const struct sock_addr *a, int type)
{
	int n = passed_count(), i = -1, rc = EXIT_FAIL;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	if (n < 0)
		return EXIT_FAIL;
	/* None of them may reach COMMAND, whatever happens next. */
	for (int k = 0; k < n; k++)
		fcntl(FIRST_FD + k, F_SETFD, FD_CLOEXEC);
	if ((i = choose(n, a)) >= 0 && address_of(FIRST_FD + i, &l->addr) == 0) {
		l->addr.text = shown_address;
		rc = check_socket(FIRST_FD + i, type, &l->type);
	} else if (i >= 0) {
		rc = fail("socket activation: descriptor %d is not a Unix domain socket", FIRST_FD + i);
	}
	for (int k = 0; k < n; k++)
		if (k != i || rc != 0)
			close(FIRST_FD + k);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (rc == 0)
		l->fd = FIRST_FD + i;   /* made stays false: never unlinked */
	return rc;
}
