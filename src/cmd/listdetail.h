/* list TARGET: one object in every detail.  As a table, "NAME value"
 * lines (as ipcs -i) and, for a semaphore set, its values, for a System V
 * queue with PEEK, each message's type and size; in the other formats,
 * one row of every column and those tables after it. */
#ifndef IPCTOOL_LISTDETAIL_H
#define IPCTOOL_LISTDETAIL_H

#include <stdbool.h>

#include "view/listcols.h"

int detail_show_sysv(const struct sysv_obj *o, const struct output *out, bool peek);
int detail_show_posix(const struct posix_obj *o, const struct output *out);

#endif
