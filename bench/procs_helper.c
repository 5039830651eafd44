/* The population of bench/procs.sh: System V objects and sleeping
 * processes, some of them attached to a segment, made with the raw calls.
 *
 *   procs_helper NPROCS NATTACHED NQUEUES NSEGMENTS NSETS [NWAITING]
 *
 * Makes the objects (private, 0600), forks NPROCS children that sleep in
 * pause(), the first NATTACHED of them each attached to its own segment,
 * the next NWAITING (default 0) instead each blocked on an object of its
 * own, alternately in msgrcv on a queue and in semop taking from a set
 * (value 0), prints "ready" once every child is in place, and waits for its stdin
 * to close: then it kills the children, waits for them and removes the
 * objects.  A child also dies with its parent (PR_SET_PDEATHSIG), so
 * nothing outlives a killed helper. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static int number(const char *text)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || v < 0 || v > 1000000) {
		fprintf(stderr, "procs_helper: bad number '%s'\n", text);
		exit(2);
	}
	return (int)v;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* What a child does once started: sleep, or block on an object. */
struct task {
	int segment;              /* attach it first; -1: none */
	int queue, set;           /* block in msgrcv or semop on it; -1: none */
};

static void block_or_sleep(const struct task *t)
{
	struct { long type; char text[8]; } msg;
	struct sembuf take = { .sem_num = 0, .sem_op = -1, .sem_flg = 0 };

	for (;;) {
		if (t->queue >= 0)
			msgrcv(t->queue, &msg, sizeof(msg.text), 0, 0);
		else if (t->set >= 0)
			semop(t->set, &take, 1);
		else
			pause();
	}
}

/* A child: attach its segment, say so on READY, sleep or block. */
static void child(const struct task *t, int ready)
{
	int segment = t->segment;
	char byte = 1;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		_exit(1);
	if (getppid() == 1)
		_exit(1);
	if (segment >= 0 && shmat(segment, NULL, SHM_RDONLY) == (void *)-1)
		_exit(1);
	if (write(ready, &byte, 1) != 1)
		_exit(1);
	block_or_sleep(t);
}

int main(int argc, char **argv)
{
	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: procs_helper NPROCS NATTACHED NQUEUES NSEGMENTS NSETS [NWAITING]\n");
		return 2;
	}
	int nprocs = number(argv[1]), nattached = number(argv[2]);
	int nqueues = number(argv[3]), nsegments = number(argv[4]), nsets = number(argv[5]);
	int nwaiting = argc == 7 ? number(argv[6]) : 0;
	if (nattached > nprocs || nattached > nsegments) {
		fprintf(stderr, "procs_helper: more attached than processes or segments\n");
		return 2;
	}
	if (nattached + nwaiting > nprocs || (nwaiting + 1) / 2 > nqueues || nwaiting / 2 > nsets) {
		fprintf(stderr, "procs_helper: more waiting than free processes, queues or sets\n");
		return 2;
	}
	int *queues = calloc((size_t)nqueues + 1, sizeof(int));
	int *segments = calloc((size_t)nsegments + 1, sizeof(int));
	int *sets = calloc((size_t)nsets + 1, sizeof(int));
	pid_t *pids = calloc((size_t)nprocs + 1, sizeof(pid_t));
	int ready[2];
	if (!queues || !segments || !sets || !pids)
		die("calloc");
	for (int i = 0; i < nqueues; i++)
		if ((queues[i] = msgget(IPC_PRIVATE, 0600)) < 0)
			die("msgget");
	for (int i = 0; i < nsegments; i++)
		if ((segments[i] = shmget(IPC_PRIVATE, 4096, 0600)) < 0)
			die("shmget");
	for (int i = 0; i < nsets; i++)
		if ((sets[i] = semget(IPC_PRIVATE, 1, 0600)) < 0)
			die("semget");
	if (pipe(ready) != 0)
		die("pipe");
	for (int i = 0; i < nprocs; i++) {
		if ((pids[i] = fork()) < 0)
			die("fork");
		if (pids[i] == 0) {
			int w = i - nattached;   /* the w-th waiter, when 0 <= w < nwaiting */
			struct task t = { .segment = i < nattached ? segments[i] : -1, .queue = -1, .set = -1 };
			if (w >= 0 && w < nwaiting && w % 2 == 0)
				t.queue = queues[w / 2];
			else if (w >= 0 && w < nwaiting)
				t.set = sets[w / 2];
			close(ready[0]);
			child(&t, ready[1]);
		}
	}
	close(ready[1]);
	char buf[4096];
	ssize_t got;
	for (int have = 0; have < nprocs; have += (int)got)
		if ((got = read(ready[0], buf, sizeof(buf))) <= 0)
			die("a child failed to start");
	printf("ready\n");
	fflush(stdout);
	while ((got = read(STDIN_FILENO, buf, sizeof(buf))) > 0 || (got < 0 && errno == EINTR))
		;
	for (int i = 0; i < nprocs; i++)
		kill(pids[i], SIGKILL);
	for (int i = 0; i < nprocs; i++)
		waitpid(pids[i], NULL, 0);
	for (int i = 0; i < nqueues; i++)
		msgctl(queues[i], IPC_RMID, NULL);
	for (int i = 0; i < nsegments; i++)
		shmctl(segments[i], IPC_RMID, NULL);
	for (int i = 0; i < nsets; i++)
		semctl(sets[i], 0, IPC_RMID);
	return 0;
}
