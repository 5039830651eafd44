/* list --limits and --summary: the kernel's System V limits (as ipcs -l)
 * and what is in use (as ipcs -u), one table (listlimits.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "lib/error.h"
#include "inv/ipclimits.h"
#include "view/listcols.h"
#include "cmd/listlimits.h"
#include "lib/size.h"

struct info_row {
	unsigned kind;
	const char *resource;
	const char *description;
	unsigned long long value;
	bool bytes;           /* a size: written as lsipc does (16E) unless exact */
};

/* A size in lsipc's form, but in bytes with --bytes and in JSON (a
 * number there). */
static const char *value_text(const struct info_row *row, bool exact, const struct table_format *format,
			      char *buf, size_t size)
{
	if (row->bytes && !exact && format->mode != TABLE_JSON && size >= SIZE_HUMAN_MAX)
		return size_human(row->value, buf);
	return cell_unsigned(buf, size, row->value);
}

static int print_info_rows(const struct info_row *rows, size_t n, unsigned kinds, bool exact,
			   const struct table_format *format, const char *json_name, const char *value_name)
{
	struct libscols_table *tb = table_new(json_name, format);
	int rc = 0;

	if (!tb || !table_add_column(tb, "RESOURCE", false, 0) || !table_add_column(tb, "DESCRIPTION", false, 0) ||
	    !table_add_column(tb, value_name, true, 0))
		rc = fail("out of memory");
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!(kinds & rows[i].kind))
			continue;
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char buf[32];
		if (!ln || scols_line_set_data(ln, 0, rows[i].resource) ||
		    scols_line_set_data(ln, 1, rows[i].description) ||
		    scols_line_set_data(ln, 2, value_text(&rows[i], exact, format, buf, sizeof(buf))))
			rc = fail("out of memory");
	}
	rc = table_print_only(format, tb, rc);
	return rc;
}

int limits_show(unsigned kinds, bool exact, const struct table_format *format)
{
	struct ipc_limits l;

	if (ipc_limits_read(&l) != 0)
		return fail_errno("cannot read the kernel's IPC limits");
	const unsigned q = KIND_BIT(IPC_KIND_QUEUE), m = KIND_BIT(IPC_KIND_SHM), s = KIND_BIT(IPC_KIND_SEM);
	const struct info_row rows[] = {
		{ q, "MSGMNI", "Number of message queues", l.msgmni, false },
		{ q, "MSGMAX", "Max size of message (bytes)", l.msgmax, true },
		{ q, "MSGMNB", "Default max size of queue (bytes)", l.msgmnb, true },
		{ m, "SHMMNI", "Shared memory segments", l.shmmni, false },
		{ m, "SHMALL", "Shared memory pages", l.shmall, false },
		{ m, "SHMMAX", "Max size of shared memory segment (bytes)", l.shmmax, true },
		{ m, "SHMMIN", "Min size of shared memory segment (bytes)", l.shmmin, true },
		{ s, "SEMMNI", "Number of semaphore identifiers", l.semmni, false },
		{ s, "SEMMNS", "Total number of semaphores", l.semmns, false },
		{ s, "SEMMSL", "Max semaphores per semaphore set", l.semmsl, false },
		{ s, "SEMOPM", "Max number of operations per semop(2)", l.semopm, false },
		{ s, "SEMVMX", "Semaphore max value", l.semvmx, false },
	};
	return print_info_rows(rows, sizeof(rows) / sizeof(rows[0]), kinds, exact, format, "limits", "LIMIT");
}

int summary_show(unsigned kinds, const struct table_format *format)
{
	struct msginfo mi = { 0 };
	struct shm_info si = { 0 };
	struct seminfo se = { 0 };

	if (ipc_info_read(true, &mi, &si, &se) < 0)
		return fail_errno("cannot read the kernel's IPC usage");
	const unsigned q = KIND_BIT(IPC_KIND_QUEUE), m = KIND_BIT(IPC_KIND_SHM), s = KIND_BIT(IPC_KIND_SEM);
	const struct info_row rows[] = {
		{ q, "MSGQUEUES", "Allocated queues", (unsigned)mi.msgpool, false },
		{ q, "MSGS", "Messages in all queues", (unsigned)mi.msgmap, false },
		{ q, "MSGBYTES", "Bytes in all queues", (unsigned)mi.msgtql, false },
		{ m, "SHMSEGS", "Segments allocated", (unsigned)si.used_ids, false },
		{ m, "SHMPAGES", "Pages allocated", si.shm_tot, false },
		{ m, "SHMRSS", "Pages resident", si.shm_rss, false },
		{ m, "SHMSWAP", "Pages swapped", si.shm_swp, false },
		{ s, "SEMSETS", "Semaphore sets in use", (unsigned)se.semusz, false },
		{ s, "SEMS", "Semaphores in all sets", (unsigned)se.semaem, false },
	};
	return print_info_rows(rows, sizeof(rows) / sizeof(rows[0]), kinds, true, format, "summary", "USED");
}
