/* A process's command line (proccmd.h). */
#include "inv/proccmd.h"

#include <stdio.h>

#include "lib/nsenter.h"

bool proc_cmdline(pid_t pid, char *buf, size_t size)
{
	char path[64];

	if (pid <= 0)
		return false;
	/* The pid is ipctool's PID namespace's: its own /proc, after --ns too. */
	snprintf(path, sizeof(path), "%d/cmdline", (int)pid);
	ssize_t got = ns_proc_read(path, buf, size);
	if (got <= 0)
		return false;
	/* The arguments end with a NUL each: spaces between them, none after. */
	while (got > 0 && buf[got - 1] == '\0')
		got--;
	for (ssize_t i = 0; i < got; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[got] = '\0';
	return got > 0;
}
