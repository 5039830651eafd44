/* mkshm: create a System V or POSIX shared memory segment, or find one
 * (ipctool-mkshm(1)), through the segment interface (segment.h). */
#include <stdint.h>

#include "cmd/commands.h"
#include "cmd/made.h"
#include "cmd/unapplied.h"
#include "lib/cli.h"
#include "lib/command.h"
#include "lib/error.h"
#include "lib/parse.h"
#include "lib/target.h"
#include "mech/segment.h"

enum { OPT_SIZE = 1 };

struct mkshm_options {
	struct target target;
	struct create_options create;
	unsigned long long size;
};

static struct poptOption mkshm_table[] = {
	TARGET_TABLE,
	{ "size", '\0', POPT_ARG_STRING, NULL, OPT_SIZE,
	  "the segment's size in bytes (K, M, G allowed); required", "SIZE" },
	CLI_INCLUDE(cli_create_options, "Creating:"),
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static int mkshm_option(int val, const char *arg, void *data)
{
	struct mkshm_options *o = data;
	const char *why;

	if (val == OPT_SIZE) {
		if ((why = parse_size(arg, 1, SIZE_MAX, &o->size)))
			return cli_bad_value("--size", arg, why);
		return 0;
	}
	return CLI_UNHANDLED;
}

static int mkshm_run(void *opts, const struct cli *cli)
{
	struct mkshm_options *o = opts;
	struct segment seg;
	int rc;

	if ((rc = cli_extra_args(cli, cli->next)))
		return rc;
	if ((rc = made_check_target(&o->target)))
		return rc;
	if (o->size == 0)
		return usage_error("missing --size SIZE (bytes; K, M, G allowed)");
	if ((rc = segment_create(&seg, &o->target, &o->create, o->size)) == 0) {
		rc = made_told(&(struct made){ IPC_KIND_SHM, &seg.target, seg.id, seg.created });
		if (rc == 0 && !seg.created)
			unapplied_tell(&(struct asked){ .kind = IPC_KIND_SHM, .target = &seg.target, .id = seg.id,
							.create = &o->create, .size = o->size });
	}
	segment_close(&seg);
	return rc;
}

const struct command command_mkshm = {
	.name = "mkshm",
	.complete = COMPLETE_SEGMENTS,
	.summary = "create a System V or POSIX shared memory segment, or find one",
	.synopsis = "[TARGET] --size SIZE [--mode MODE] [--exclusive]",
	.table = mkshm_table,
	.size = sizeof(struct mkshm_options),
	.target = PART(struct mkshm_options, target),
	.target_use = TARGET_OPTIONAL,
	.create = PART(struct mkshm_options, create),
	.option = mkshm_option,
	.old_run = mkshm_run,
};
