/* Copies that survive a mapping shrinking under them.  A POSIX shared
 * memory object is a file that another process may truncate while it is
 * mapped here; touching a page past its new end raises SIGBUS, which would
 * kill ipctool in the middle of a copy (with a --lock still taken).  These
 * turn that SIGBUS into an error return.  The handler is installed only for
 * the copy, and the copy itself calls nothing that allocates or locks, so
 * leaving it by siglongjmp is safe. */
#ifndef IPCTOOL_GUARD_H
#define IPCTOOL_GUARD_H

#include <stddef.h>

/* memcpy(DST, SRC, N): 0, or -1 when a page of either was gone (the copy
 * then stopped part way). */
int guarded_copy(void *dst, const void *src, size_t n);
/* memchr(P, C, N) into *FOUND (NULL when absent): 0, or -1 as above. */
int guarded_find(const void *p, int c, size_t n, const void **found);

#endif
