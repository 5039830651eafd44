/* JSON text for --json output: strings escaped per RFC 8259, and a test
 * for well-formed UTF-8 (bytes that are not go out as base64 instead);
 * base64 both ways.  Parsing JSON is jansson's (send --json). */
#ifndef IPCTOOL_JSON_H
#define IPCTOOL_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"

/* The length of the well-formed UTF-8 character at S (N > 0 bytes left),
 * or 0 when S does not start one. */
/* The length (2 to 4) of a UTF-8 character whose first byte is C, with the
 * bounds of its second byte in LO and HI (no overlong form, no surrogate,
 * nothing past U+10FFFF); 0 when C begins no character of several bytes. */
size_t utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi);
size_t utf8_char_len(const unsigned char *s, size_t n);
bool utf8_valid(const unsigned char *s, size_t n);
/* Append S as a quoted JSON string; S must be valid UTF-8. */
int json_append_string(struct buf *b, const char *s, size_t n);
/* Text from the system (a name, a command) as a JSON string: exactly,
 * with JSON's own escapes, when it is UTF-8; otherwise in the shown form
 * of error.h, printable, and the caller adds a "*_base64" member with
 * json_append_base64_member.  Returns whether it was UTF-8 in *EXACT. */
int json_append_text(struct buf *b, const char *s, bool *exact);
/* ,"KEY_base64":"..." for S, the member beside a name that is not UTF-8. */
int json_append_base64_member(struct buf *b, const char *key, const char *s);
/* Append the standard base64 (RFC 4648, padded) of S, unquoted. */
int base64_append(struct buf *b, const unsigned char *s, size_t n);
/* Decode the standard padded base64 that base64_append writes (N bytes
 * at S) into OUT, which has room for N / 4 * 3 bytes.  Returns the bytes
 * decoded, or -1 when S is not such base64. */
long base64_decode(const char *s, size_t n, unsigned char *out);
/* Append one message as recv --json writes it, without the newline:
 * {"TAG_NAME":TAG,"size":N,"data":"..."}, or "data_base64" when the bytes
 * are not UTF-8.  TAG_NAME is "type" (System V) or "priority" (POSIX);
 * dump writes its messages with this too, so both read back the same. */
int json_append_message(struct buf *b, const char *tag_name, long tag, const void *data, size_t n);

#endif
