/* I/O loops used by every module: they retry EINTR and continue after
 * short reads and writes, so no module writes its own loop.  A pending
 * termination signal (see wait.h) stops the retrying so the caller can
 * finish what it holds and exit. */
#ifndef IPCTOOL_IO_H
#define IPCTOOL_IO_H

#include <stddef.h>
#include <sys/types.h>

struct progress;   /* lib/progress.h */

/* One read(2) of up to N bytes.  Returns the count, 0 at end of file,
 * -1 with errno on error (EINTR only when a termination is pending). */
ssize_t read_some(int fd, void *buf, size_t n);
/* Read until N bytes or end of file; returns the count or -1. */
ssize_t read_full(int fd, void *buf, size_t n);
/* The same, telling P (if not NULL) the bytes read so far after each
 * read(2): an input that comes slowly shows its progress line. */
ssize_t read_full_progress(int fd, void *buf, size_t n, struct progress *p);
/* At offset OFF of a file (pread/pwrite), through EINTR and short
 * transfers: pread_full reads until N bytes or end of file and returns the
 * count or -1; pwrite_all returns 0, or -1 with errno (ENOSPC when the
 * file takes no more). */
ssize_t pread_full(int fd, void *buf, size_t n, off_t off);
int pwrite_all(int fd, const void *buf, size_t n, off_t off);
/* Write all N bytes.  Returns 0, or -1 with errno set; *done (if not NULL)
 * always holds how many bytes did reach FD. */
int write_all(int fd, const void *buf, size_t n, size_t *done);
/* Flush stdout now, for a caller that must act on a lost write before it
 * exits (mk*: remove what nobody was told of).  Returns 0, or -1 with errno
 * set; then what could not be written is dropped and the error cleared, so
 * finish_stdout does not report the same loss a second time. */
int flush_stdout(void);
/* Write all N bytes even when a termination is pending, for the rest of
 * a record that is already partly out (a torn record is worse than a late
 * exit).  Returns 0, or -1 with errno on a write error. */
int write_through(int fd, const void *buf, size_t n);
/* Flush and close stdout, so a lost write is status 1, never a silent 0.
 * Returns EXIT_OK or EXIT_FAIL (after reporting). */
int finish_stdout(void);
/* "a directory", "a FIFO", ... for messages about a file that is not what
 * was asked for. */
const char *file_kind(mode_t mode);

#endif
