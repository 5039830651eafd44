/* dump's output (ipctool-dump(1)): the lines every record writer shares,
 * and a segment's bytes as sparse chunk lines.
 *
 * Memory stays bounded whatever the dump's size: every line goes out as
 * soon as the buffer holds OUT_FLUSH bytes, and a segment goes out in
 * DUMP_CHUNK pieces, its pages given back (MADV_DONTNEED) as they are
 * read. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cmd/dump.h"
#include "lib/error.h"
#include "lib/io.h"
#include "lib/json.h"
#include "lib/wait.h"

enum { OUT_FLUSH = 256 * 1024 };

int out_flush(struct out *w)
{
	if (w->failed)
		return -1;
	if (w->b.len && write_all(STDOUT_FILENO, w->b.data, w->b.len, NULL) != 0) {
		fail_errno("cannot write the dump");
		w->failed = true;
		return -1;
	}
	w->written += w->b.len;
	w->b.len = 0;
	return 0;
}

int out_line(struct out *w)
{
	if (termination_pending()) {
		w->failed = true;
		return -1;
	}
	if (buf_append(&w->b, "\n", 1) != 0) {
		fail("out of memory");
		w->failed = true;
		return -1;
	}
	/* The bytes made so far: what a reader of the dump has or soon will. */
	w->progress.also = w->written + w->b.len;
	progress_update(&w->progress, w->objects);
	return w->b.len >= OUT_FLUSH ? out_flush(w) : 0;
}

int out_header(struct out *w)
{
	char host[256] = "";

	if (gethostname(host, sizeof(host) - 1) != 0 || !utf8_valid((unsigned char *)host, strlen(host)))
		strcpy(host, "");
	if (buf_printf(&w->b, "{\"ipctool_dump\":%d,\"time\":%lld,\"host\":", DUMP_FORMAT, (long long)time(NULL)) ||
	    json_append_string(&w->b, host, strlen(host)) || buf_append(&w->b, "}", 1))
		return -1;
	return out_line(w);
}

void dump_skipped(struct out *w)
{
	w->status = EXIT_FAIL;
}

int dump_oom(struct out *w)
{
	fail("out of memory");
	w->failed = true;
	return -1;
}

int dump_object_done(struct out *w, int rc)
{
	w->objects++;
	if (!w->counting)
		progress_update(&w->progress, w->objects);
	return rc;
}

int sysv_head(struct out *w, enum ipc_kind kind, const struct ipc_perm *p, int id)
{
	return buf_printf(&w->b, "{\"kind\":\"%s\",\"family\":\"sysv\",\"key\":\"0x%08x\",\"id\":%d,"
			  "\"mode\":\"%04o\",\"uid\":%u,\"gid\":%u", dump_kind_word(kind),
			  (unsigned)p->__key, id, p->mode & 0777u, (unsigned)p->uid, (unsigned)p->gid);
}

int posix_head(struct out *w, enum ipc_kind kind, const char *name, const struct stat *st)
{
	if (buf_printf(&w->b, "{\"kind\":\"%s\",\"family\":\"posix\"", dump_kind_word(kind)) ||
	    dump_append_name(&w->b, name))
		return -1;
	return buf_printf(&w->b, ",\"mode\":\"%04o\",\"uid\":%u,\"gid\":%u", (unsigned)(st->st_mode & 0777),
			  (unsigned)st->st_uid, (unsigned)st->st_gid);
}

/* ---- a segment's bytes ---- */

/* A run of at least this many zero bytes is left out of the dump;
 * shorter ones are cheaper to write than a new line. */
enum { ZERO_RUN = 64 };

/* The first nonzero byte of P[0..N), or N. */
static size_t skip_zeros(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && ((uintptr_t)(p + i) & 7))
		if (p[i++])
			return i - 1;
	for (; i + 8 <= n; i += 8) {
		uint64_t word;
		memcpy(&word, p + i, 8);
		if (word)
			break;
	}
	while (i < n && !p[i])
		i++;
	return i;
}

/* The end of the data starting at P[0] (nonzero): the byte after its
 * last nonzero one before a run of ZERO_RUN zeros or the end. */
static size_t data_end(const unsigned char *p, size_t n)
{
	size_t last = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i])
			last = i;
		else if (i - last >= ZERO_RUN)
			break;
	}
	return last + 1;
}

/* The bytes of one window as chunk lines, each a run of data between
 * zero runs (DUMP_CHUNK at most); *CHUNKS counts the lines. */
static int out_chunk(struct out *w, unsigned long long offset, const unsigned char *p, size_t n,
		     unsigned long long *chunks)
{
	size_t at = 0;

	while ((at += skip_zeros(p + at, n - at)) < n) {
		size_t len = data_end(p + at, n - at);
		++*chunks;
		if (dump_append_chunk(&w->b, offset + at, p + at, len))
			return dump_oom(w);
		if (out_line(w) != 0)
			return -1;
		at += len;
	}
	return 0;
}

/* Pages read are given back every so often, so reading a 1 GiB segment
 * does not make ipctool 1 GiB large (the segment keeps them). */
enum { RELEASE_EVERY = 4 * 1024 * 1024 };

int dump_mapped_bytes(struct out *w, const unsigned char *addr, unsigned long long size,
		      unsigned long long *chunks)
{
	unsigned long long done = 0, page = (unsigned long long)sysconf(_SC_PAGESIZE);
	int rc = 0;

	for (unsigned long long off = 0; rc == 0 && off < size; off += DUMP_CHUNK) {
		size_t n = size - off < DUMP_CHUNK ? (size_t)(size - off) : DUMP_CHUNK;
		rc = out_chunk(w, off, addr + off, n, chunks);
		if (off + n - done >= RELEASE_EVERY || off + n == size) {
			madvise((void *)(addr + done), (size_t)((off + n - done) / page * page), MADV_DONTNEED);
			done = (off + n) / page * page;
		}
	}
	return rc;
}

int dump_file_bytes(struct out *w, int fd, unsigned long long size, unsigned long long *chunks,
		    unsigned char *chunk)
{
	for (unsigned long long off = 0; off < size; off += DUMP_CHUNK) {
		off_t data = lseek(fd, (off_t)off, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			break;
		if (data >= 0 && (unsigned long long)data > off)
			off = (unsigned long long)data / DUMP_CHUNK * DUMP_CHUNK;
		if (off >= size)
			break;
		size_t n = size - off < DUMP_CHUNK ? (size_t)(size - off) : DUMP_CHUNK;
		ssize_t got = pread_full(fd, chunk, n, (off_t)off);
		if (got < 0)
			return -1;
		/* A file that shrank meanwhile (its end came early): the rest
		 * reads as zeros. */
		memset(chunk + got, 0, n - (size_t)got);
		if (out_chunk(w, off, chunk, n, chunks) != 0)
			return -2;
	}
	return 0;
}
