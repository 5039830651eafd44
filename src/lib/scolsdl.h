/* libsmartcols loaded with dlopen by the first table_new (table.h).
 *
 * Only the commands that print a table (list and its views) use it, yet
 * linking it made every invocation load it and bind its ~260 symbols at
 * start, more than half of what a short command such as `sem-p S -- cmd`
 * spends before main (bench/README.md, "Start-up").  So the binary does
 * not link it: scols_load() opens the library and fills one table with the
 * functions the table writer and list use, and the macros below turn their
 * ordinary scols_ calls into calls through that table.  A scols_ name the
 * table lacks fails to link, as nothing provides it.
 *
 * Every table comes from table_new, which loads the library first, so a
 * scols_ call always has a table and the library; scols_unref_table
 * accepts NULL (no table was made) without it. */
#ifndef IPCTOOL_SCOLSDL_H
#define IPCTOOL_SCOLSDL_H

#include <libsmartcols.h>

#define SCOLS_FUNCTIONS(F) \
	F(scols_cell_get_data) F(scols_column_get_flags) F(scols_column_get_header) \
	F(scols_column_get_json_type) F(scols_column_set_flags) F(scols_column_set_json_type) \
	F(scols_column_set_wrapfunc) F(scols_free_iter) F(scols_line_get_cell) F(scols_line_set_data) \
	F(scols_new_iter) F(scols_new_table) F(scols_print_table) F(scols_table_enable_export) \
	F(scols_table_enable_noencoding) F(scols_table_enable_noheadings) F(scols_table_enable_raw) \
	F(scols_table_get_column) F(scols_table_get_name) F(scols_table_get_ncols) \
	F(scols_table_is_empty) F(scols_table_new_column) F(scols_table_new_line) \
	F(scols_table_next_line) F(scols_table_remove_line) F(scols_table_set_name) \
	F(scols_unref_table)

#define SCOLS_MEMBER(name) __typeof__(name) *name;
struct scols_api {
	SCOLS_FUNCTIONS(SCOLS_MEMBER)
};
#undef SCOLS_MEMBER

extern struct scols_api scols_api;

/* Load the library once; when it cannot be, report why and exit 1. */
void scols_load(void);
/* scols_unref_table of TB, or nothing when TB is NULL. */
void scols_unref_table_or_null(struct libscols_table *tb);

#ifndef SCOLSDL_NO_MACROS
#define scols_cell_get_data scols_api.scols_cell_get_data
#define scols_column_get_flags scols_api.scols_column_get_flags
#define scols_column_get_header scols_api.scols_column_get_header
#define scols_column_get_json_type scols_api.scols_column_get_json_type
#define scols_column_set_flags scols_api.scols_column_set_flags
#define scols_column_set_json_type scols_api.scols_column_set_json_type
#define scols_column_set_wrapfunc scols_api.scols_column_set_wrapfunc
#define scols_free_iter scols_api.scols_free_iter
#define scols_line_get_cell scols_api.scols_line_get_cell
#define scols_line_set_data scols_api.scols_line_set_data
#define scols_new_iter scols_api.scols_new_iter
#define scols_new_table scols_api.scols_new_table
#define scols_print_table scols_api.scols_print_table
#define scols_table_enable_export scols_api.scols_table_enable_export
#define scols_table_enable_noencoding scols_api.scols_table_enable_noencoding
#define scols_table_enable_noheadings scols_api.scols_table_enable_noheadings
#define scols_table_enable_raw scols_api.scols_table_enable_raw
#define scols_table_get_column scols_api.scols_table_get_column
#define scols_table_get_name scols_api.scols_table_get_name
#define scols_table_get_ncols scols_api.scols_table_get_ncols
#define scols_table_is_empty scols_api.scols_table_is_empty
#define scols_table_new_column scols_api.scols_table_new_column
#define scols_table_new_line scols_api.scols_table_new_line
#define scols_table_next_line scols_api.scols_table_next_line
#define scols_table_remove_line scols_api.scols_table_remove_line
#define scols_table_set_name scols_api.scols_table_set_name
#define scols_unref_table scols_unref_table_or_null
#endif

#endif
