#include "lib/suggest.h"

#include <string.h>

/* Words longer than this are no typo of a subcommand's name. */
#define WORD_MAX 32

/* Optimal string alignment distance (Damerau-Levenshtein without moving a
 * letter twice), small enough for a table on the stack. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[WORD_MAX + 1][WORD_MAX + 1];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < best)
				best = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *suggest_nearest(const char *word, const char *const *choices, size_t n)
{
	size_t len = strlen(word);
	const char *best = NULL;
	size_t best_d = 3;

	if (len == 0 || len > WORD_MAX)
		return NULL;
	/* A word with a control character or a non-ASCII byte in it was not
	 * typed for a subcommand's name. */
	for (size_t i = 0; i < len; i++)
		if (word[i] < 0x21 || word[i] > 0x7e)
			return NULL;
	for (size_t i = 0; i < n; i++) {
		if (strlen(choices[i]) > WORD_MAX)
			continue;
		size_t d = distance(word, choices[i]);
		if (d < best_d && d < len) {
			best = choices[i];
			best_d = d;
		}
	}
	return best;
}
