/* list --sockets (listsockets.h): one row per socket and process holding
 * it; a socket whose holders cannot be seen (another user's processes, to
 * an unprivileged caller) has one row without PID and COMMAND. */
#include "cmd/listsockets.h"

#include <stdio.h>

#include "lib/error.h"
#include "view/listcols.h"
#include "inv/sockinv.h"
#include "mech/socket.h"

enum { SCOL_PATH, SCOL_TYPE, SCOL_STATE, SCOL_INODE, SCOL_PID, SCOL_COMMAND };

static int add_row(struct libscols_table *tb, const struct sock_entry *e, const struct sock_holder *h)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);
	char inode[32], pid[32];

	if (!ln || scols_line_set_data(ln, SCOL_PATH, e->path) ||
	    scols_line_set_data(ln, SCOL_TYPE, sock_type_name(e->type)) ||
	    scols_line_set_data(ln, SCOL_STATE, e->state) ||
	    scols_line_set_data(ln, SCOL_INODE, cell_unsigned(inode, sizeof(inode), e->inode)))
		return -1;
	if (h && (scols_line_set_data(ln, SCOL_PID, cell_unsigned(pid, sizeof(pid), (unsigned long long)h->pid)) ||
		  scols_line_set_data(ln, SCOL_COMMAND, h->command)))
		return -1;
	return 0;
}

static int fill(struct libscols_table *tb, const struct sock_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct sock_entry *e = &l->v[i];
		if (e->nholders == 0 && add_row(tb, e, NULL) != 0)
			return -1;
		for (size_t k = 0; k < e->nholders; k++)
			if (add_row(tb, e, &e->holders[k]) != 0)
				return -1;
	}
	return 0;
}

int sockets_show(const struct table_format *format)
{
	struct sock_list l;
	int rc;

	if ((rc = sockinv_load(&l)))
		return rc;
	struct libscols_table *tb = table_new("sockets", format);
	if (!tb || !table_add_column(tb, "PATH", false, 0) || !table_add_column(tb, "TYPE", false, 0) ||
	    !table_add_column(tb, "STATE", false, 0) || !table_add_column(tb, "INODE", true, 0) ||
	    !table_add_column(tb, "PID", true, 0) || !table_add_column(tb, "COMMAND", false, 0) ||
	    fill(tb, &l) != 0)
		rc = fail("out of memory");
	rc = table_print_only(format, tb, rc);
	sockinv_free(&l);
	return rc;
}
