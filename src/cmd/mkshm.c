/* mkshm: create a System V or POSIX shared memory segment, or find one
 * (ipctool-mkshm(1)), through the segment interface (segment.h). */
#include <stdint.h>

#include "cmd/commands.h"
#include "cmd/made.h"
#include "cmd/unapplied.h"
#include "lib/cli.h"
#include "lib/command.h"
#include "lib/error.h"
#include "lib/target.h"
#include "mech/segment.h"

enum { OPT_SIZE = 1 };

static struct poptOption mkshm_table[] = {
	TARGET_TABLE,
	{ "size", '\0', POPT_ARG_STRING, NULL, OPT_SIZE,
	  "the segment's size in bytes (K, M, G allowed); required", "SIZE" },
	CLI_INCLUDE(cli_create_options, "Creating:"),
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int mkshm_run(const struct args *a)
{
	struct target target;
	struct create_options create;
	unsigned long long size = 0;
	struct segment seg;
	int next, rc;

	if ((rc = args_size(a, OPT_SIZE, 1, SIZE_MAX, &size)) || (rc = args_create(a, &create)) ||
	    (rc = args_target(a, &target, false, &next)) || (rc = args_no_more(a, next)))
		return rc;
	if ((rc = made_check_target(&target)))
		return rc;
	if (size == 0)
		return usage_error("missing --size SIZE (bytes; K, M, G allowed)");
	if ((rc = segment_create(&seg, &target, &create, size)) == 0)
		rc = made_report(&(struct asked){ .kind = IPC_KIND_SHM, .target = &seg.target, .id = seg.id,
						  .create = &create, .size = size }, seg.created);
	segment_close(&seg);
	return rc;
}

const struct command command_mkshm = {
	.name = "mkshm",
	.summary = "create a System V or POSIX shared memory segment, or find one",
	.synopsis = "[TARGET] --size SIZE [--mode MODE] [--exclusive]",
	.table = mkshm_table,
	.complete = COMPLETE_SEGMENTS,
	.run = mkshm_run,
};
