/* `ipctool SUB --help`, written from the subcommand's popt table in
 * util-linux's shape (see lsipc --help):
 *
 *   Usage:
 *    ipctool SUB FORM...            one line per form, wrapped to 80 columns
 *
 *   One-line description.
 *
 *   Options:
 *     -x, --long=ARG   what it does, wrapped and aligned
 *   ...
 *
 *   See ipctool-SUB(1).
 *
 * No line is wider than USAGE_WIDTH columns. */
#ifndef IPCTOOL_USAGE_H
#define IPCTOOL_USAGE_H

#include <popt.h>
#include <stdio.h>

#define USAGE_WIDTH 80

/* SYNOPSIS is what follows "ipctool SUB ", one form a line ('\n' between
 * forms); SUMMARY the one-line summary that `ipctool --help` shows too. */
void usage_print(FILE *out, const char *sub, const char *synopsis, const char *summary,
		 const struct poptOption *table);

#endif
