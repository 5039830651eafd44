/* Entering another process's IPC and mount namespaces, as
 * `nsenter --ipc --mount -t PID` does, without a shell or an exec: list
 * --ns, rm --ns and list --all-namespaces (ipctool-list(1)).
 *
 * The IPC namespace decides which System V objects and POSIX queues the
 * kernel calls show; the mount namespace which /dev/shm and which mqueue
 * mount the POSIX files are found in.  The first ns_enter remembers
 * ipctool's own namespaces, its working directory and its /proc, so that
 * ns_leave can go back and ns_proc_open still reads ipctool's own /proc
 * (the entered namespace may have another process namespace's /proc, or
 * none). */
#ifndef IPCTOOL_NSENTER_H
#define IPCTOOL_NSENTER_H

#include <stdbool.h>
#include <sys/types.h>

/* --ns PID as typed: 1 to 2^31-1, else a usage error naming OPTION. */
int ns_parse_pid(const char *option, const char *text, pid_t *pid);

/* The inode number of PID's IPC namespace, as readlink /proc/PID/ns/ipc
 * shows it ("ipc:[N]"); 0, or -1 with errno (ENOENT: no such process or a
 * zombie; EACCES: another user's process, without privilege). */
int ns_ipc_inode(pid_t pid, unsigned long long *inode);

/* Enter PID's IPC namespace, then its mount namespace.  One that is
 * already ipctool's is not entered again, so that needs no privilege.
 * 0, or a reported status 1: "no process with PID N", or "cannot enter the
 * IPC namespace of PID N: needs CAP_SYS_ADMIN".  With EXPECT not 0, PID's
 * IPC namespace must be that inode: NS_GONE (nothing reported) when the
 * process is gone or its PID now names a process elsewhere. */
#define NS_GONE (-3)
int ns_enter(pid_t pid, unsigned long long expect);

/* Back to ipctool's own namespaces and working directory (nothing to do
 * when none was entered); 0 or a reported status. */
int ns_leave(void);

/* Has ns_enter moved ipctool out of its own mount namespace? */
bool ns_entered(void);
/* A number that changes whenever ipctool moves to another namespace:
 * what was found in one (the mqueue mount) is looked for again. */
unsigned ns_generation(void);

/* The inode of the IPC namespace ipctool is in now (0 when /proc cannot
 * tell), looked up once per namespace: every object loaded carries it. */
unsigned long long ns_current_ipc(void);

/* open(2) of REL ("self/mountinfo", "sysvipc/shm") under the /proc that
 * ipctool started with, wherever it is now; -1 with errno. */
int ns_proc_open(const char *rel, int flags);

/* The start of the small file REL under that same /proc ("PID/cmdline",
 * "sys/kernel/msgmni"): at most SIZE-1 bytes read into BUF and a NUL after
 * them.  The bytes read (0 for an empty file), or -1 with errno, BUF then
 * "". */
ssize_t ns_proc_read(const char *rel, char *buf, size_t size);

/* Around a look-up that must see ipctool's own file system (a user or
 * group name from NSS: the uids shown are ipctool's, and NSS must never
 * load a library from a container's file system): ns_home_visit goes back
 * to ipctool's own mount namespace for a moment, ns_home_return enters
 * the namespace again.  Both do nothing when none was entered. */
void ns_home_visit(void);
void ns_home_return(void);

#endif
