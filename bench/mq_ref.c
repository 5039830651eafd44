/* mq_ref: the raw-system-call reference for the POSIX queue benchmark.
 *
 *   mq_ref send /NAME      each line of stdin -> one message (priority 0, no newline)
 *   mq_ref recv /NAME N    N messages -> stdout, each followed by a newline
 *   mq_ref unlink /NAME    remove the queue
 *
 * The same job as `ipctool send /NAME --lines` and `ipctool recv /NAME
 * --count N`, written the way a careful C programmer would by hand: fgets
 * into a fixed buffer, one mq_send per line; one mq_receive per message
 * into a buffer of mq_msgsize, fwrite through stdio's buffer.  No option
 * parsing, no timeouts, no put-back, no size checks beyond the buffer: the
 * floor the kernel and libc set (see msgq_ref.c for System V). */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 65536

static char line[MAX_LINE + 2];   /* the line, its newline and fgets' NUL */

static int die(const char *what)
{
	fprintf(stderr, "mq_ref: %s: %s\n", what, strerror(errno));
	return 1;
}

static int do_send(const char *name)
{
	mqd_t q = mq_open(name, O_WRONLY);

	if (q == (mqd_t)-1)
		return die("mq_open");
	while (fgets(line, sizeof(line), stdin)) {
		size_t len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			len--;
		else if (!feof(stdin)) {
			fprintf(stderr, "mq_ref: line longer than %d bytes\n", MAX_LINE);
			return 1;
		}
		if (mq_send(q, line, len, 0) != 0)
			return die("mq_send");
	}
	if (ferror(stdin))
		return die("read");
	return 0;
}

static int do_recv(const char *name, long count)
{
	mqd_t q = mq_open(name, O_RDONLY);
	struct mq_attr attr;

	if (q == (mqd_t)-1)
		return die("mq_open");
	if (mq_getattr(q, &attr) != 0)
		return die("mq_getattr");
	char *buf = malloc((size_t)attr.mq_msgsize);
	if (!buf)
		return die("malloc");
	for (long i = 0; i < count; i++) {
		ssize_t n = mq_receive(q, buf, (size_t)attr.mq_msgsize, NULL);
		if (n < 0)
			return die("mq_receive");
		fwrite(buf, 1, (size_t)n, stdout);
		putchar('\n');
	}
	free(buf);
	if (fflush(stdout) != 0 || ferror(stdout))
		return die("write");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "send") == 0)
		return do_send(argv[2]);
	if (argc == 4 && strcmp(argv[1], "recv") == 0)
		return do_recv(argv[2], atol(argv[3]));
	if (argc == 3 && strcmp(argv[1], "unlink") == 0)
		return mq_unlink(argv[2]) == 0 ? 0 : die("mq_unlink");
	fprintf(stderr, "usage: mq_ref send /NAME | mq_ref recv /NAME COUNT | mq_ref unlink /NAME\n");
	return 2;
}
