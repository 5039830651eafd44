/* list --sockets: the namespace's listening Unix sockets and the processes
 * that hold them (ipctool-sock(1)), one table in FORMAT. */
#ifndef IPCTOOL_LISTSOCKETS_H
#define IPCTOOL_LISTSOCKETS_H

#include "lib/table.h"

int sockets_show(const struct table_format *format);

#endif
