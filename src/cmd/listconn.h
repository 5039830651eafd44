/* list --sockets --connected: the namespace's connected Unix sockets, one
 * row each, with the processes at both ends (ipctool-list(1)). */
#ifndef IPCTOOL_LISTCONN_H
#define IPCTOOL_LISTCONN_H

#include "lib/table.h"

/* COLS is --output's text (NULL: the default columns; "help" lists them),
 * checked before anything is read: 0, CLI_HELP_SHOWN or a usage error. */
int connected_check_columns(const char *cols);
/* The I-th of its column names, NULL past the last (for completion). */
const char *connected_column_name(size_t i);
int connected_show(const struct table_format *format, const char *cols);

#endif
