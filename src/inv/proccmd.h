/* A process's command line, as ps -o args shows it: what list's COMMAND
 * column shows of a segment's creator (ipctool-list(1)). */
#ifndef IPCTOOL_PROCCMD_H
#define IPCTOOL_PROCCMD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* PID's command line, its arguments joined by spaces, in BUF (at most
 * SIZE-1 bytes of it); false when PID is not above 0, is gone, or its
 * command line is empty (a kernel thread, a zombie).  PID is one of
 * ipctool's own PID namespace, also after --ns. */
bool proc_cmdline(pid_t pid, char *buf, size_t size);

#endif
