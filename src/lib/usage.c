#include "lib/usage.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

/* The widest "  -x, --long=ARG" that still has its description beside it;
 * a wider one has the description on the next line. */
#define LEFT_MAX 30

struct out {
	FILE *f;
	size_t col;     /* columns written on the current line */
};

static void put(struct out *o, const char *s, size_t len)
{
	fwrite(s, 1, len, o->f);
	o->col += len;
}

static void newline(struct out *o, size_t indent)
{
	fputc('\n', o->f);
	o->col = 0;
	for (size_t i = 0; i < indent; i++)
		put(o, " ", 1);
}

/* Put one word (no spaces in it) after a space, or on a new line at INDENT
 * when it would pass the right margin.  A word wider than the whole line
 * goes on a line of its own. */
static void put_word(struct out *o, const char *w, size_t len, size_t indent)
{
	if (o->col > indent && o->col + 1 + len > USAGE_WIDTH)
		newline(o, indent);
	if (o->col > indent)
		put(o, " ", 1);
	put(o, w, len);
}

/* Put TEXT[0..LEN) word by word. */
static void put_words(struct out *o, const char *text, size_t len, size_t indent)
{
	size_t i = 0;

	while (i < len) {
		while (i < len && text[i] == ' ')
			i++;
		size_t start = i;
		while (i < len && text[i] != ' ')
			i++;
		if (i > start)
			put_word(o, text + start, i - start, indent);
	}
}

/* The end of the unit that starts at TEXT: a run of words at bracket depth
 * 0 is one word; a bracketed group, `[--count N | --follow]`, is one unit
 * so that a form is cut between options, not inside one. */
static size_t unit_end(const char *text, size_t len)
{
	int depth = 0;
	size_t i = 0;

	for (; i < len; i++) {
		if (text[i] == '[' || text[i] == '(')
			depth++;
		else if ((text[i] == ']' || text[i] == ')') && depth > 0)
			depth--;
		else if (text[i] == ' ' && depth == 0)
			break;
	}
	return i;
}

/* One form of the synopsis: " ipctool SUB " and FORM, continued lines
 * indented under the first word after SUB. */
static void put_form(struct out *o, const char *sub, const char *form, size_t len)
{
	size_t indent;

	put(o, " ipctool ", strlen(" ipctool "));
	put(o, sub, strlen(sub));
	indent = o->col + 1;
	size_t i = 0;
	while (i < len) {
		while (i < len && form[i] == ' ')
			i++;
		if (i >= len)
			break;
		size_t n = unit_end(form + i, len - i);
		bool fits_line = indent + n <= USAGE_WIDTH;
		if (o->col + 1 + n <= USAGE_WIDTH || !fits_line) {
			/* It fits here, or fits no line: word by word. */
			if (o->col + 1 + n <= USAGE_WIDTH) {
				put(o, " ", 1);
				put(o, form + i, n);
			} else {
				put_words(o, form + i, n, indent);
			}
		} else {
			newline(o, indent);
			put(o, form + i, n);
		}
		i += n;
	}
	newline(o, 0);
}

static bool shown(const struct poptOption *opt)
{
	return opt->longName && !(opt->argInfo & POPT_ARGFLAG_DOC_HIDDEN);
}

static bool is_include(const struct poptOption *opt)
{
	return (opt->argInfo & POPT_ARG_MASK) == POPT_ARG_INCLUDE_TABLE;
}

static bool takes_value(const struct poptOption *opt)
{
	return (opt->argInfo & POPT_ARG_MASK) != POPT_ARG_NONE;
}

/* "  -x, --long=ARG" or "      --long=ARG" into BUF. */
static size_t left_text(const struct poptOption *opt, char *buf, size_t size)
{
	int n = snprintf(buf, size, "  %c%c%c --%s%s%s",
			 opt->shortName ? '-' : ' ', opt->shortName ? opt->shortName : ' ',
			 opt->shortName ? ',' : ' ', opt->longName,
			 takes_value(opt) ? "=" : "",
			 takes_value(opt) ? (opt->argDescrip ? opt->argDescrip : "ARG") : "");
	return n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n;
}

/* The widest left text of TABLE and the tables it includes, up to LEFT_MAX. */
static size_t left_width(const struct poptOption *table)
{
	size_t width = 0;
	char buf[128];

	for (const struct poptOption *opt = table; opt->longName || opt->shortName || opt->arg; opt++) {
		size_t w = is_include(opt) ? left_width(opt->arg)
			   : shown(opt) ? left_text(opt, buf, sizeof(buf)) : 0;
		if (w > width && w <= LEFT_MAX)
			width = w;
	}
	return width;
}

static void put_option(struct out *o, const struct poptOption *opt, size_t column)
{
	char buf[128];
	size_t n = left_text(opt, buf, sizeof(buf));

	put(o, buf, n);
	if (opt->descrip) {
		if (n + 2 > column)
			newline(o, column);
		else
			while (o->col < column)
				put(o, " ", 1);
		put_words(o, opt->descrip, strlen(opt->descrip), column);
	}
	newline(o, 0);
}

/* TABLE's own options under TITLE, then each included table under its own
 * title, as popt orders them. */
static void put_table(struct out *o, const struct poptOption *table, const char *title, size_t column)
{
	bool any = false;

	for (const struct poptOption *opt = table; opt->longName || opt->shortName || opt->arg; opt++)
		any |= shown(opt) && !is_include(opt);
	if (any) {
		newline(o, 0);
		if (title)
			put(o, title, strlen(title)), newline(o, 0);
		for (const struct poptOption *opt = table; opt->longName || opt->shortName || opt->arg; opt++)
			if (shown(opt) && !is_include(opt))
				put_option(o, opt, column);
	}
	for (const struct poptOption *opt = table; opt->longName || opt->shortName || opt->arg; opt++)
		if (is_include(opt))
			put_table(o, opt->arg, opt->descrip ? opt->descrip : "Options:", column);
}

void usage_print(FILE *out, const char *sub, const char *synopsis, const char *summary,
		 const struct poptOption *table)
{
	struct out o = { .f = out, .col = 0 };

	fputs("Usage:\n", out);
	while (synopsis) {
		const char *nl = strchr(synopsis, '\n');
		size_t len = nl ? (size_t)(nl - synopsis) : strlen(synopsis);
		put_form(&o, sub, synopsis, len);
		synopsis = nl ? nl + 1 : NULL;
	}
	if (summary && *summary) {
		/* The summary is written lower-case to sit in a list; here it is
		 * a sentence. */
		char sentence[256];
		int len = snprintf(sentence, sizeof(sentence), "%s.", summary);
		if (len > 0 && (size_t)len < sizeof(sentence)) {
			sentence[0] = (char)toupper((unsigned char)sentence[0]);
			newline(&o, 0);
			put_words(&o, sentence, (size_t)len, 0);
			newline(&o, 0);
		}
	}
	size_t column = left_width(table) + 2;
	put_table(&o, table, "Options:", column);
	newline(&o, 0);
	/* help is described in ipctool(1); every other subcommand has a page. */
	if (strcmp(sub, "help") == 0)
		fputs("See ipctool(1).\n", out);
	else
		fprintf(out, "See ipctool-%s(1).\n", sub);
}
