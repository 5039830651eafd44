/* jansson, loaded with dlopen by the first JSON line read.
 *
 * Only send --json and restore read JSON, and every other command spent
 * part of its start-up mapping the library (bench/README.md, "Start-up").
 * So the binary does not link it: jansson_load() opens the library and
 * fills one table with the functions the readers use, and the macros below
 * turn their ordinary json_ calls into calls through that table.  A name
 * the table lacks fails to link, as nothing provides it.  Every object a
 * reader holds comes from json_line_load (jsonline.h), which loads first. */
#ifndef IPCTOOL_JANSSONDL_H
#define IPCTOOL_JANSSONDL_H

#include <jansson.h>

#define JANSSON_SONAME "libjansson.so.4"
#define JANSSON_FUNCTIONS(F) \
	F(json_delete) F(json_array_get) F(json_array_size) F(json_integer_value) \
	F(json_loadb) F(json_object_get) F(json_set_alloc_funcs) F(json_string_length) \
	F(json_string_value)

#define JANSSON_MEMBER(name) __typeof__(name) *name;
struct jansson_api {
	JANSSON_FUNCTIONS(JANSSON_MEMBER)
};
#undef JANSSON_MEMBER

extern struct jansson_api jansson_api;

/* Load the library once: NULL, or why it could not be (a phrase). */
const char *jansson_load(void);

#ifndef JANSSONDL_NO_MACROS
#define json_array_get jansson_api.json_array_get
#define json_array_size jansson_api.json_array_size
#define json_delete jansson_api.json_delete
#define json_integer_value jansson_api.json_integer_value
#define json_loadb jansson_api.json_loadb
#define json_object_get jansson_api.json_object_get
#define json_set_alloc_funcs jansson_api.json_set_alloc_funcs
#define json_string_length jansson_api.json_string_length
#define json_string_value jansson_api.json_string_value
#endif

#endif
