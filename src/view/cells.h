/* The text of one cell of list's tables: an object's value in a column
 * (columns.h), as a table shows it or as JSON (ipctool-list(1)). */
#ifndef IPCTOOL_CELLS_H
#define IPCTOOL_CELLS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "inv/posixobj.h"
#include "inv/sysvobj.h"
#include "inv/users.h"
#include "view/columns.h"

/* One object of either family, and who uses it (NULL: not known). */
struct row {
	const struct sysv_obj *sysv;
	const struct posix_obj *posix;
	struct users *users;
};

/* The text of one cell, in BUF (at least 21 bytes) or a static string;
 * NULL when the object has no value there (a time never set, a command no
 * longer running, a value this user may not read). */
const char *row_cell(const struct row *r, enum col c, char *buf, size_t size);

/* Columns whose JSON value is JSON itself: an array, true or false. */
bool column_is_json(enum col c);
/* The JSON of such a cell (PROCESSES, ORPHANED, SHARED); NULL when not
 * known. */
const char *row_json_cell(const struct row *r, enum col c);

/* The time a V_TIME cell shows, in seconds since the epoch; 0 for none. */
time_t row_time(const struct row *r, enum col c);

/* Decimal text of V in BUF (SIZE at least 21), without snprintf, whose
 * format parsing was a tenth of a 20,000-row listing. */
const char *cell_unsigned(char *buf, size_t size, unsigned long long v);
const char *cell_signed(char *buf, size_t size, long long v);

#endif
