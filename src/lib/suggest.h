/* "did you mean 'list'?" for a mistyped word: the nearest of a few
 * choices by edit distance, asked only on the error path. */
#ifndef IPCTOOL_SUGGEST_H
#define IPCTOOL_SUGGEST_H

#include <stddef.h>

/* The choice nearest WORD (insertions, deletions, substitutions and
 * swaps of two neighbours each count 1), or NULL when none is within 2
 * edits and less than WORD's own length (a word of one letter is near
 * everything).  Ties go to the earlier choice. */
const char *suggest_nearest(const char *word, const char *const *choices, size_t n);

#endif
