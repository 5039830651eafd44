/* The runner and its bag of options (src/lib/command.c, src/lib/args.h)
 * against what doc/ARCHITECTURE.md ("The life of one command") and
 * ipctool(1) promise, over command lines of any words: the input's lines
 * are the words after the subcommand's name.  Each line is run through
 * three entries of one table: a plain one, one that runs a COMMAND after
 * `--`, and one that takes kill(1)'s words (-9, -TERM) as words.
 *
 * What must hold, whatever the words: the status is 0 (the run saw the
 * bag), 0 with the help on stdout, or the usage status with one error;
 * every option in the bag is one of the table's, with a value exactly when
 * it takes one; the words and the COMMAND are NULL-terminated and `through`
 * is the words with the COMMAND after them; a COMMAND follows the first
 * `--` that is no option's value; a kill(1) word before it is a word; a
 * typed getter refuses only with the usage status. */
#include <stdint.h>

#include "../../src/lib/command.h"
#include "../../src/lib/error.h"
#include "fuzz.h"

enum { OPT_FLAG = 1, OPT_NUM };

static struct poptOption table[] = {
	TARGET_TABLE,
	{ "flag", 'a', POPT_ARG_NONE, NULL, OPT_FLAG, "a flag", NULL },
	{ "num", 'n', POPT_ARG_STRING, NULL, OPT_NUM, "a number", "N" },
	CLI_HELP_TABLE,
	POPT_TABLEEND
};

static const char *text;          /* the input, for a mismatch's report */
static const char **words_in;     /* the words handed to the runner */
static int nwords_in;
static unsigned flags_in;
static bool ran;

/* Does WORD take the next word as its value, as popt reads it: --num,
 * --key, --ftok, or a cluster of the table's short letters that the first
 * value-taking one (n, k, f) ends? */
static bool takes_value(const char *word)
{
	if (word[1] == '-')
		return strcmp(word, "--num") == 0 || strcmp(word, "--key") == 0 || strcmp(word, "--ftok") == 0;
	for (const char *c = word + 1; *c; c++) {
		if (strchr("nkf", *c))
			return c[1] == '\0';
		if (!strchr("ah", *c))
			return false;
	}
	return false;
}

/* Where the reference puts the COMMAND: after the first `--` that is no
 * option's value; -1 for none. */
static int reference_split(void)
{
	for (int i = 0; i < nwords_in; i++) {
		if (strcmp(words_in[i], "--") == 0)
			return i;
		if (words_in[i][0] == '-' && takes_value(words_in[i]))
			i++;
	}
	return -1;
}

static bool kill_like(const char *w)
{
	if (w[0] != '-' || w[1] == '-' || w[1] == '\0')
		return false;
	for (const char *p = w + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

static void check_option(const struct arg *g)
{
	if (g->val == OPT_FLAG || g->val == CLI_OPT_HELP) {
		if (g->value)
			fuzz_mismatch(text, "flag %d carries a value", g->val);
	} else if (g->val == OPT_NUM || g->val == CLI_OPT_KEY || g->val == CLI_OPT_FTOK) {
		if (!g->value)
			fuzz_mismatch(text, "option %d has no value", g->val);
	} else {
		fuzz_mismatch(text, "option %d is in no table", g->val);
	}
}

static void check_words(const struct args *a)
{
	int ncommand = 0;

	if (a->nwords < 0 || a->words[a->nwords] != NULL)
		fuzz_mismatch(text, "the words are not NULL-terminated at %d", a->nwords);
	while (a->command && a->command[ncommand])
		ncommand++;
	if (a->nthrough != a->nwords + ncommand || a->through[a->nthrough] != NULL)
		fuzz_mismatch(text, "through holds %d words, not %d + %d", a->nthrough, a->nwords, ncommand);
	for (int i = 0; i < a->nthrough; i++) {
		const char *want = i < a->nwords ? a->words[i] : a->command[i - a->nwords];
		if (a->through[i] != want)
			fuzz_mismatch(text, "through's word %d is not the word or the COMMAND's", i);
	}
}

static void check_command(const struct args *a)
{
	int split = (flags_in & COMMAND_RUNS_COMMAND) ? reference_split() : -1;

	if ((split >= 0) != (a->command != NULL))
		fuzz_mismatch(text, "a COMMAND %s, the reference %s", a->command ? "taken" : "not taken",
			      split >= 0 ? "takes one" : "takes none");
	for (int i = 0; a->command && split + 1 + i < nwords_in; i++)
		if (!a->command[i] || strcmp(a->command[i], words_in[split + 1 + i]) != 0)
			fuzz_mismatch(text, "COMMAND word %d is not the input's", i);
}

/* Each kill(1) word -N before any `--`, and not an option's value, is one
 * of the words. */
static void check_kill_words(const struct args *a)
{
	for (int i = 0; i < nwords_in && strcmp(words_in[i], "--") != 0; i++) {
		if (words_in[i][0] == '-' && takes_value(words_in[i])) {
			i++;
			continue;
		}
		if (!kill_like(words_in[i]))
			continue;
		bool found = false;
		for (int k = 0; k < a->nwords; k++)
			found |= strcmp(a->words[k], words_in[i]) == 0;
		if (!found)
			fuzz_mismatch(text, "kill(1)'s word %s is not among the words", words_in[i]);
	}
}

static int fuzz_run(const struct args *a)
{
	unsigned long long n;
	struct target t;
	int next;

	ran = true;
	for (const struct arg *g = NULL; (g = args_next(a, 0, g));)
		check_option(g);
	check_words(a);
	check_command(a);
	if (flags_in & COMMAND_KILL_WORDS)
		check_kill_words(a);
	int rc = args_unsigned(a, OPT_NUM, 1, 1000, &n);
	if (rc != 0 && rc != EXIT_USAGE)
		fuzz_mismatch(text, "args_unsigned returned %d", rc);
	rc = args_target(a, &t, false, &next);
	if (rc != 0 && rc != EXIT_USAGE && rc != EXIT_FAIL)
		fuzz_mismatch(text, "args_target returned %d", rc);
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_report_stream = stderr;
	stderr = fopen("/dev/null", "w");
	stdout = fopen("/dev/null", "w");
	if (!stderr || !stdout)
		abort();
	error_set_subcommand("fuzz");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned variants[] = { 0, COMMAND_RUNS_COMMAND, COMMAND_KILL_WORDS };
	char *input = fuzz_text(data, size);

	if (!input)
		return 0;
	text = input;
	const char *argv[64] = { "fuzz" };
	int argc = 1;
	for (char *line = input, *end; line && argc < 63; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		argv[argc++] = line;
	}
	argv[argc] = NULL;
	words_in = argv + 1;
	nwords_in = argc - 1;
	for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		struct command c = { .name = "fuzz", .summary = "fuzz", .synopsis = "[TARGET]", .table = table,
				     .complete = COMPLETE_NOTHING, .flags = variants[v], .run = fuzz_run };
		flags_in = variants[v];
		ran = false;
		int rc = command_run(&c, argc, argv);
		if (rc != 0 && rc != EXIT_USAGE)
			fuzz_mismatch(text, "command_run returned %d", rc);
		if (rc == EXIT_USAGE && ran)
			fuzz_mismatch(text, "the run saw the bag, yet the status is a usage error");
	}
	free(input);
	return 0;
}
