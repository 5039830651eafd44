/* --dump-options and __complete (see complete.h). */
#include "cmd/complete.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <unistd.h>

#include "cmd/listconn.h"
#include "lib/error.h"
#include "view/listcols.h"
#include "inv/posixobj.h"
#include "lib/signame.h"
#include "inv/sysvobj.h"

/* ---- --dump-options ---------------------------------------------------- */

/* What an option's value is, from its argDescrip: the one place that says
 * so, for every option of every table. */
static const struct { const char *descrip, *kind; } value_kinds[] = {
	{ "SEMTARGET", "semaphores" },
	{ "USER", "users" },
	{ "COLS", "columns" },
	{ "COLUMNS", "columns" },
	{ "PATH", "files" },
	{ "PATH[:PROJ]", "files" },
	{ "DIR", "files" },
	{ "FILE", "files" },
	{ "TOKEN", "separator" },
	{ "PID", "pids" },
};

static const char *value_kind(const char *descrip)
{
	for (size_t i = 0; descrip && i < sizeof(value_kinds) / sizeof(value_kinds[0]); i++)
		if (strcmp(descrip, value_kinds[i].descrip) == 0)
			return value_kinds[i].kind;
	return "";
}

/* What a command's positional arguments are: the first, then the rest. */
static const struct { const char *first, *rest; } positionals[] = {
	[COMPLETE_NOTHING] = { "", "" },
	[COMPLETE_QUEUES] = { "queues", "" },
	[COMPLETE_SEGMENTS] = { "segments", "" },
	[COMPLETE_SEMAPHORES] = { "semaphores", "" },
	[COMPLETE_OBJECT] = { "objects", "" },
	[COMPLETE_OBJECTS] = { "objects", "objects" },
	[COMPLETE_SIGNAL_PIDS] = { "signals", "pids" },
	[COMPLETE_SIGNALS] = { "signals", "signals" },
	[COMPLETE_FILE] = { "files", "" },
	[COMPLETE_SUBCOMMAND] = { "commands", "" },
};

/* Help text on one line of the dump: no TAB or newline in it. */
static void print_field(const char *text)
{
	for (const char *p = text ? text : ""; *p; p++)
		putchar(*p == '\t' || *p == '\n' ? ' ' : *p);
}

static bool names_target(const char *longname)
{
	for (const struct poptOption *o = cli_target_options; o->longName; o++)
		if (longname && strcmp(o->longName, longname) == 0)
			return true;
	return false;
}

static void print_option(const char *sub, const char *longname, char shortname, bool value,
			 const char *kind, const char *group, const char *help)
{
	printf("option\t%s\t--%s\t", sub, longname);
	if (shortname)
		printf("-%c", shortname);
	printf("\t%d\t%s\t%d\t", value, kind, names_target(longname));
	print_field(group);
	putchar('\t');
	print_field(help);
	putchar('\n');
}

static void dump_table(const char *sub, const struct poptOption *table, const char *group)
{
	for (const struct poptOption *o = table; o->longName || o->shortName || o->arg; o++) {
		if ((o->argInfo & POPT_ARG_MASK) == POPT_ARG_INCLUDE_TABLE) {
			dump_table(sub, o->arg, o->descrip);
			continue;
		}
		if ((o->argInfo & POPT_ARGFLAG_DOC_HIDDEN) || !o->longName)
			continue;
		bool value = (o->argInfo & POPT_ARG_MASK) != POPT_ARG_NONE;
		print_option(sub, o->longName, o->shortName, value, value ? value_kind(o->argDescrip) : "",
			     group, o->descrip);
	}
}

int complete_dump_options(const struct command *const *commands, size_t n,
			  const struct poptOption *top)
{
	for (const struct poptOption *o = top; o->longName; o++) {
		if (o->argInfo & POPT_ARGFLAG_DOC_HIDDEN)
			continue;
		char shortname[3] = { '-', o->shortName, '\0' };
		printf("top\t--%s\t%s\t", o->longName, o->shortName ? shortname : "");
		print_field(o->descrip);
		putchar('\n');
	}
	for (size_t i = 0; i < n; i++) {
		const struct command *c = commands[i];
		printf("command\t%s\t%s\t%s\t%d\t", c->name, positionals[c->complete].first,
		       positionals[c->complete].rest, (c->flags & COMMAND_RUNS_COMMAND) != 0);
		print_field(c->summary);
		putchar('\n');
		dump_table(c->name, c->table, NULL);
	}
	return EXIT_OK;
}

/* ---- __complete -------------------------------------------------------- */

static void offer(const char *candidate, const char *prefix)
{
	if (strncmp(candidate, prefix, strlen(prefix)) == 0)
		puts(candidate);
}

/* System V ids, then keys as ipcs prints them (none for IPC_PRIVATE). */
static void offer_sysv(enum ipc_kind kind, const char *prefix)
{
	struct sysv_list list = { 0 };
	char text[32];

	(void)sysv_load(kind, &list);
	for (size_t i = 0; i < list.n; i++) {
		snprintf(text, sizeof(text), "%d", list.objs[i].id);
		offer(text, prefix);
		if (list.objs[i].key == IPC_PRIVATE)
			continue;
		snprintf(text, sizeof(text), "0x%08x", (unsigned)list.objs[i].key);
		offer(text, prefix);
	}
	sysv_list_free(&list);
}

static void offer_posix(unsigned kinds, const char *prefix)
{
	struct posix_list list = { 0 };

	(void)posix_load_kinds(kinds, &list);
	for (size_t i = 0; i < list.n; i++)
		offer(list.objs[i].name, prefix);
	posix_list_free(&list);
}

static void offer_objects(unsigned kinds, const char *prefix)
{
	for (int kind = 0; kind < NKINDS; kind++)
		if (kinds & KIND_BIT(kind))
			offer_sysv((enum ipc_kind)kind, prefix);
	offer_posix(kinds, prefix);
}

/* Each signal as signal-send --list prints it, and without SIG. */
static void offer_signals(const char *prefix)
{
	char name[SIGNAL_NAME_MAX];

	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		if (!signal_exists(sig))
			continue;
		signal_name(sig, name);
		offer(name, prefix);
		offer(name + strlen("SIG"), prefix);
	}
}

static void offer_pids(const char *prefix)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9' &&
		    strspn(e->d_name, "0123456789") == strlen(e->d_name))
			offer(e->d_name, prefix);
	closedir(d);
}

static void offer_users(const char *prefix)
{
	struct passwd *pw;

	setpwent();
	while ((pw = getpwent()))
		offer(pw->pw_name, prefix);
	endpwent();
}

/* list's columns of objects, then those only --sockets --connected has:
 * the shell does not tell which view the line asks for. */
static void offer_columns(const char *prefix)
{
	const char *name;

	for (size_t i = 0; (name = list_column_name(i)); i++)
		offer(name, prefix);
	for (size_t i = 0; (name = connected_column_name(i)); i++)
		if (column_by_name(name, strlen(name)) < 0)
			offer(name, prefix);
}

/* Completion output goes into a shell's line: no message may reach it. */
static void silence_stderr(void)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
}

int complete_candidates(const struct command *const *commands, size_t n, int argc, const char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "";
	const char *prefix = argc > 2 ? argv[2] : "";

	silence_stderr();
	if (strcmp(kind, "queues") == 0)
		offer_objects(KIND_BIT(IPC_KIND_QUEUE), prefix);
	else if (strcmp(kind, "segments") == 0)
		offer_objects(KIND_BIT(IPC_KIND_SHM), prefix);
	else if (strcmp(kind, "semaphores") == 0)
		offer_objects(KIND_BIT(IPC_KIND_SEM), prefix);
	else if (strcmp(kind, "objects") == 0)
		offer_objects(KINDS_ALL, prefix);
	else if (strcmp(kind, "signals") == 0)
		offer_signals(prefix);
	else if (strcmp(kind, "pids") == 0)
		offer_pids(prefix);
	else if (strcmp(kind, "users") == 0)
		offer_users(prefix);
	else if (strcmp(kind, "columns") == 0)
		offer_columns(prefix);
	else if (strcmp(kind, "commands") == 0)
		for (size_t i = 0; i < n; i++)
			offer(commands[i]->name, prefix);
	return EXIT_OK;
}
