/* The job-runner parts of recv --exec that GNU parallel users know:
 * a joblog in parallel's format, the message as an argument ({}), and
 * the delay before a retry.  recvexec.c runs the jobs; this keeps each
 * of those pieces on its own. */
#ifndef IPCTOOL_RECVJOBS_H
#define IPCTOOL_RECVJOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Longest argument the kernel takes, its NUL included (MAX_ARG_STRLEN,
 * execve(2)). */
enum { ARG_BYTES_MAX = 128 * 1024 };

/* --joblog FILE: one line per run of COMMAND, appended. */
struct joblog {
	int fd;                  /* -1: no joblog */
	const char *path;
};

/* Open PATH for appending (created 0600; a symlink, FIFO, directory or
 * anything but a regular file is refused) and write parallel's header
 * line if it is empty.  Returns 0, or 1 once reported. */
int joblog_open(struct joblog *log, const char *path);
/* One run: its sequence number, start (CLOCK_REALTIME), run time, exit
 * value and killing signal as parallel splits a wait status, and the
 * command line it ran.  Returns 0, or -1 with errno. */
int joblog_write(const struct joblog *log, unsigned long long seq, struct timespec start,
		 struct timespec runtime, int exitval, int signal, char *const *argv);
void joblog_close(struct joblog *log);

/* {} in COMMAND's arguments: each run's argv with the message put in. */
struct argsub {
	const char *const *command;  /* as given */
	size_t argc;
	bool any;                    /* some argument (not argv[0]) holds {} */
	char **argv;                 /* this run's, when any */
};

/* Returns 0, or -1 with errno (out of memory). */
int argsub_init(struct argsub *a, const char *const *command);
/* Put the message DATA (SIZE bytes) into the arguments.  Returns NULL,
 * or why the message cannot be an argument (then argv is unchanged). */
const char *argsub_fill(struct argsub *a, const char *data, size_t size);
void argsub_free(struct argsub *a);

/* The wait before attempt ATTEMPT + 1 (ATTEMPT >= 1): BASE doubled for
 * each attempt after the first, at most DURATION_MAX_SECONDS (parse.h). */
struct timespec retry_delay(struct timespec base, unsigned attempt);

#endif
