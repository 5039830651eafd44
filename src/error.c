#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *subcommand;

void error_set_subcommand(const char *name)
{
	subcommand = name;
}

const char *error_subcommand(void)
{
	return subcommand;
}

static void print_prefixed(const char *fmt, va_list ap, const char *suffix)
{
	if (subcommand)
		fprintf(stderr, "ipctool: %s: ", subcommand);
	else
		fputs("ipctool: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (suffix)
		fprintf(stderr, ": %s", suffix);
	fputc('\n', stderr);
}

int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_prefixed(fmt, ap, NULL);
	va_end(ap);
	return EXIT_FAIL;
}

int fail_errno(const char *fmt, ...)
{
	const char *reason = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	print_prefixed(fmt, ap, reason);
	va_end(ap);
	return EXIT_FAIL;
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_prefixed(fmt, ap, NULL);
	va_end(ap);
	if (subcommand)
		fprintf(stderr, "Try 'ipctool %s --help' for more information.\n", subcommand);
	else
		fputs("Try 'ipctool --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	print_prefixed(fmt, ap, NULL);
	va_end(ap);
}
