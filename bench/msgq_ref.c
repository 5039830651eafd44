/* msgq_ref: the raw-system-call reference for the message queue benchmark.
 *
 *   msgq_ref send MSQID      each line of stdin -> one message (type 1, no newline)
 *   msgq_ref recv MSQID N    N messages -> stdout, each followed by a newline
 *
 * It does the job of `ipctool send MSQID --lines` and `ipctool recv MSQID
 * --count N` the way a careful C programmer would write it by hand: fgets
 * into a fixed buffer, one msgsnd per line; one msgrcv per message, fwrite
 * through stdio's buffer.  No option parsing, no timeouts, no put-back on a
 * failed write, no size checks beyond the buffer: this is the floor the
 * kernel and libc set, not a competitor. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#define MAX_MESSAGE 65536   /* more than any msgmax this benchmark uses */

struct message {
	long mtype;
	char mtext[MAX_MESSAGE + 2];   /* the line, its newline and fgets' NUL */
};

static struct message m;

static int die(const char *what)
{
	fprintf(stderr, "msgq_ref: %s: %s\n", what, strerror(errno));
	return 1;
}

static int do_send(int id)
{
	m.mtype = 1;
	while (fgets(m.mtext, sizeof(m.mtext), stdin)) {
		size_t len = strlen(m.mtext);
		if (len > 0 && m.mtext[len - 1] == '\n')
			len--;
		else if (!feof(stdin)) {
			fprintf(stderr, "msgq_ref: line longer than %d bytes\n", MAX_MESSAGE);
			return 1;
		}
		if (msgsnd(id, &m, len, 0) != 0)
			return die("msgsnd");
	}
	if (ferror(stdin))
		return die("read");
	return 0;
}

static int do_recv(int id, long count)
{
	for (long i = 0; i < count; i++) {
		ssize_t n = msgrcv(id, &m, MAX_MESSAGE, 0, 0);
		if (n < 0)
			return die("msgrcv");
		fwrite(m.mtext, 1, (size_t)n, stdout);
		putchar('\n');
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		return die("write");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "send") == 0)
		return do_send(atoi(argv[2]));
	if (argc == 4 && strcmp(argv[1], "recv") == 0)
		return do_recv(atoi(argv[2]), atol(argv[3]));
	fprintf(stderr, "usage: msgq_ref send MSQID | msgq_ref recv MSQID COUNT\n");
	return 2;
}
