/* Sizes and counts as people read them. */
#ifndef IPCTOOL_SIZE_H
#define IPCTOOL_SIZE_H

#include <stddef.h>
#include <stdint.h>

#define SIZE_HUMAN_MAX 32

/* BYTES as lsipc(1) and the other util-linux tools write a size: powers of
 * 1024 with one letter (B, K, M, G, T, P, E) and at most one decimal,
 * rounded (8192 is "8K", 1536 "1.5K", 2^64 - 2^24 "16E", 1 "1B").
 * Returns BUF, of SIZE_HUMAN_MAX bytes. */
const char *size_human(uint64_t bytes, char *buf);

/* ONE when N is 1, else MANY: "1 byte", "2 bytes", "0 bytes". */
const char *plural(unsigned long long n, const char *one, const char *many);

#endif
