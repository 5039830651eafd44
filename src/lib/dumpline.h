/* One line of a dump (ipctool-dump(1) describes the format), read back for
 * restore: a pure function of the line and of the object it is inside, so
 * the whole reader is fuzzed (tests/fuzz/fuzz-dumpline.c).
 *
 * A dump is JSON Lines:
 *   {"ipctool_dump":1,"time":T,"host":"H"}            the header, line 1
 *   {"kind":"queue","family":"sysv","key":"0x..",...}  an object
 *   {"type":1,"size":5,"data":"hello"}                 its messages, as recv --json
 *   {"offset":0,"data_base64":"..."}                   a segment's bytes, in chunks
 *   {"end":"queue","messages":1}                       the object's last line
 * Every object ends with its end line, so a dump cut anywhere is seen. */
#ifndef IPCTOOL_DUMPLINE_H
#define IPCTOOL_DUMPLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/buf.h"
#include "lib/jsonline.h"
#include "lib/target.h"

#define DUMP_FORMAT 1
/* The most bytes one segment line carries (the writer's chunk). */
#define DUMP_CHUNK (48 * 1024)
/* The most semaphores a set line may list (the kernel's SEMMSL is at most 32,000). */
#define DUMP_VALUES_MAX 65536

enum dump_line_kind { DUMP_HEADER, DUMP_OBJECT, DUMP_MESSAGE, DUMP_CHUNK_LINE, DUMP_END };

struct dump_object {
	enum ipc_kind kind;
	bool posix;
	key_t key;                        /* System V */
	int id;                           /* System V */
	char name[POSIX_NAME_MAX + 2];    /* POSIX: "/name", NUL-terminated */
	unsigned mode;                    /* 0 to 0777 */
	uid_t uid;
	gid_t gid;
	unsigned long long max_bytes;     /* System V queue: msg_qbytes */
	long long max_messages;           /* POSIX queue: mq_maxmsg */
	long long message_size;           /* POSIX queue: mq_msgsize */
	bool messages_null;               /* POSIX queue dumped without its messages */
	unsigned long long size;          /* segment */
	size_t nsems;                     /* semaphore set (1 for POSIX) */
};

struct dump_line {
	enum dump_line_kind kind;
	struct dump_object obj;           /* DUMP_OBJECT */
	long long tag;                    /* DUMP_MESSAGE: type or priority */
	size_t size;                      /* DUMP_MESSAGE, DUMP_CHUNK_LINE: bytes in DATA */
	unsigned long long offset;        /* DUMP_CHUNK_LINE */
	unsigned long long count;         /* DUMP_END: messages or chunks */
	unsigned *values;                 /* DUMP_OBJECT, sem: nsems values (caller's array) */
};

/* Parse LINE (N bytes, no newline), line NUMBER of the dump (1 is the
 * header).  INSIDE is the object whose lines are being read, or NULL
 * between objects.  Message and chunk bytes go to DATA (room for N bytes);
 * semaphore values to OUT->values (room for DUMP_VALUES_MAX).  Returns
 * NULL, or why the line is not what may stand there (in WHY). */
const char *dump_line_parse(const char *line, size_t n, unsigned long long number,
			    const struct dump_object *inside, char *data, struct dump_line *out,
			    char why[JSON_WHY_MAX]);

/* The writing side, for dump: ,"name":"/x" (with "name_base64" beside a
 * shown form when NAME is not UTF-8), and a whole chunk line without its
 * newline.  0, or -1 when memory ran out. */
int dump_append_name(struct buf *b, const char *name);
int dump_append_chunk(struct buf *b, unsigned long long offset, const void *bytes, size_t n);

/* "queue", "shm", "sem": the "kind" member's values. */
const char *dump_kind_word(enum ipc_kind kind);

#endif
