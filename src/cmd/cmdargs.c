/* The args bag's getters list, watch and metrics share (cmdargs.h). */
#include "cmd/cmdargs.h"

#include "lib/error.h"
#include "lib/nsenter.h"
#include "lib/parse.h"

int args_ns_pid(const struct args *a, int val, pid_t *pid)
{
	int rc = 0;

	for (const struct arg *g = NULL; rc == 0 && (g = args_next(a, val, g));)
		rc = ns_parse_pid(args_name(a, val), g->value, pid);
	return rc;
}

int args_interval(const struct args *a, int val, struct timespec *out)
{
	for (const struct arg *g = NULL; (g = args_next(a, val, g));) {
		const char *why = parse_duration(g->value, out);
		/* Zero would sample without a pause, as fast as it can. */
		if (!why && out->tv_sec == 0 && out->tv_nsec == 0)
			why = "it must be above 0";
		if (why)
			return cli_bad_value(args_name(a, val), g->value, why);
	}
	return 0;
}
