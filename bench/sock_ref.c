/* The floor for bench/sock.sh: the raw system calls a Unix socket copy
 * needs, with nothing else (no checks of who connects, no stale-socket
 * care, no timeouts).
 *   sock_ref stream-listen PATH     accept one, read/write to stdout until EOF
 *   sock_ref stream-connect PATH    stdin to the socket, shutdown, reply to stdout
 *   sock_ref dgram-listen PATH N    recvfrom N datagrams
 *   sock_ref dgram-connect PATH     each line of stdin (newline cut) as one sendto
 *   sock_ref dgram-send PATH        the same, connect(2) once, then send(2) each */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum { CHUNK = 128 * 1024 };
static char buf[CHUNK];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static socklen_t address(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	strncpy(sun->sun_path, path, sizeof(sun->sun_path) - 1);
	return (socklen_t)sizeof(*sun);
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t put = write(fd, p, n);
		if (put < 0)
			die("write");
		p += put;
		n -= (size_t)put;
	}
}

static void copy(int in, int out)
{
	ssize_t got;

	while ((got = read(in, buf, sizeof(buf))) > 0)
		write_all(out, buf, (size_t)got);
	if (got < 0)
		die("read");
}

int main(int argc, char **argv)
{
	struct sockaddr_un sun;

	if (argc < 3)
		return 2;
	socklen_t len = address(argv[2], &sun);
	if (strcmp(argv[1], "stream-listen") == 0) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		unlink(argv[2]);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sun, len) || listen(fd, 16))
			die("listen");
		int c = accept(fd, NULL, NULL);
		if (c < 0)
			die("accept");
		copy(c, STDOUT_FILENO);
		unlink(argv[2]);
	} else if (strcmp(argv[1], "stream-connect") == 0) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sun, len))
			die("connect");
		copy(STDIN_FILENO, fd);
		shutdown(fd, SHUT_WR);
		copy(fd, STDOUT_FILENO);
	} else if (strcmp(argv[1], "dgram-listen") == 0 && argc > 3) {
		long n = atol(argv[3]);
		int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		unlink(argv[2]);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sun, len))
			die("bind");
		for (long i = 0; i < n; i++)
			if (recvfrom(fd, buf, sizeof(buf), 0, NULL, NULL) < 0)
				die("recvfrom");
		unlink(argv[2]);
	} else if (strcmp(argv[1], "dgram-connect") == 0 || strcmp(argv[1], "dgram-send") == 0) {
		bool connected = strcmp(argv[1], "dgram-send") == 0;
		int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
		char *line = NULL;
		size_t cap = 0;
		ssize_t got;
		if (fd < 0 || (connected && connect(fd, (struct sockaddr *)&sun, len)))
			die("socket");
		while ((got = getline(&line, &cap, stdin)) > 0) {
			size_t n = (size_t)got - (line[got - 1] == '\n');
			if ((connected ? send(fd, line, n, 0) : sendto(fd, line, n, 0, (struct sockaddr *)&sun, len)) < 0)
				die("send");
		}
	} else {
		return 2;
	}
	return 0;
}
