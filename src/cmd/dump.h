/* dump's pieces (ipctool-dump(1)): the output every record writer shares
 * (dumpout.c), the System V writers (dumpsysv.c) and the POSIX ones
 * (dumpposix.c); dump.c has the command line and the walk over TARGETs.
 *
 * Every writer appends one line at a time to the output and sends it on
 * with out_line; none holds more than one message or segment chunk. */
#ifndef IPCTOOL_CMD_DUMP_H
#define IPCTOOL_CMD_DUMP_H

#include <stdbool.h>
#include <sys/ipc.h>
#include <sys/stat.h>

#include "lib/buf.h"
#include "lib/dumpline.h"
#include "lib/options.h"
#include "lib/progress.h"
#include "lib/target.h"

/* Standard output, a buffer flushed whenever it holds a chunk's worth. */
struct out {
	struct buf b;
	bool failed;            /* writing failed: reported, stop */
	int status;             /* EXIT_FAIL once any object could not be dumped */
	bool consume;           /* --consume-posix-queues */
	bool counting;          /* only count the objects that would be dumped */
	unsigned long long objects; /* dumped (or counted) so far */
	unsigned long long written; /* bytes written to standard output */
	struct progress progress;   /* of the objects, with the bytes beside */
};

/* Send the buffer on; -1 after reporting a failed write. */
int out_flush(struct out *w);
/* End the line being built; the buffer goes out when it is full. */
int out_line(struct out *w);
/* The header line: format, time, host. */
int out_header(struct out *w);
/* An object that cannot be dumped is reported; the others still are. */
void dump_skipped(struct out *w);
/* "out of memory", and the dump stops: -1. */
int dump_oom(struct out *w);
/* One more object done (or counted), its writer's RC: returned. */
int dump_object_done(struct out *w, int rc);

/* The members every object line starts with. */
int sysv_head(struct out *w, enum ipc_kind kind, const struct ipc_perm *p, int id);
int posix_head(struct out *w, enum ipc_kind kind, const char *name, const struct stat *st);

/* The SIZE bytes of FD as chunk lines; holes (SEEK_DATA) are skipped
 * without being read; *CHUNKS counts the lines.  CHUNK is a buffer of
 * DUMP_CHUNK bytes.  0, -1 with errno when reading failed, -2 when
 * writing did (reported). */
int dump_file_bytes(struct out *w, int fd, unsigned long long size, unsigned long long *chunks,
		    unsigned char *chunk);
/* The SIZE bytes at ADDR as chunk lines, read through the mapping (every
 * page is faulted in), given back (MADV_DONTNEED) as they are read. */
int dump_mapped_bytes(struct out *w, const unsigned char *addr, unsigned long long size,
		      unsigned long long *chunks);

/* dumpsysv.c: the object of KIND with ID; every one of the selection;
 * the id of the object of KIND that T names, or -1 (errno ENOENT: none). */
int dump_sysv(struct out *w, enum ipc_kind kind, int id);
int dump_sysv_all(struct out *w, const struct select_options *s);
int sysv_resolve(enum ipc_kind kind, const struct target *t, key_t key);

/* dumpposix.c: the object of KIND named NAME; every one of the
 * selection; whether NAME names one of KIND. */
int dump_posix(struct out *w, enum ipc_kind kind, const char *name);
int dump_posix_all(struct out *w, const struct select_options *s);
bool posix_exists(enum ipc_kind kind, const char *name);

#endif
