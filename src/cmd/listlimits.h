/* list --limits and --summary: the kernel's System V limits (as ipcs -l)
 * and what is in use (as ipcs -u) for the kinds in KINDS (a mask of
 * KIND_BIT), one table in FORMAT. */
#ifndef IPCTOOL_LISTLIMITS_H
#define IPCTOOL_LISTLIMITS_H

#include <stdbool.h>

#include "lib/table.h"

/* Sizes as lsipc writes them (16E), or in bytes when EXACT. */
int limits_show(unsigned kinds, bool exact, const struct table_format *format);
int summary_show(unsigned kinds, const struct table_format *format);

#endif
