/* The listener of sock (ipctool-sock(1)), shared between its parts: the
 * serving loop (socklisten.c), what a connection or record becomes on
 * stdout (sockserve.c) and the COMMAND run per connection (sockpool.c). */
#ifndef IPCTOOL_CMD_SOCKLISTEN_H
#define IPCTOOL_CMD_SOCKLISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cmd/sock.h"
#include "cmd/sockrefuse.h"
#include "lib/buf.h"
#include "lib/spawn.h"
#include "lib/wait.h"
#include "mech/socket.h"

struct child {
	struct spawn spawn;
	pid_t peer;
	const char *name;        /* COMMAND, for reports (spawn's argv may be the relay's) */
};

struct server {
	const struct sock_options *o;
	char *const *command;
	struct sock_listener l;
	struct wait w;
	unsigned long long served;
	struct child *kids;
	size_t nkids, kids_cap;
	struct sockrefuse refused;
	struct sockrefuse fds_refused;   /* descriptors sent without -- COMMAND --pass-fds */
	bool only_self;          /* @NAME without --allow-uid: our own uid only */
	struct buf out;          /* records not yet written to stdout */
	char *rec;               /* one record (dgram, seqpacket) */
	size_t rec_cap;
	char **relay_argv;       /* --idle-timeout or --pass-fds with COMMAND: ipctool first */
	char *relay_fds;         /* its --relay-fds=ADDR */
	char relay_exe[4096], relay_idle[48];
};

enum { CHUNK = 128 * 1024, OUT_FLUSH = 64 * 1024 };

/* ---- sockserve.c: connections and records to stdout ---- */

/* Write out the records held; 0 or a status. */
int serve_flush(struct server *s);
/* One record as ipctool-sock(1) writes it. */
int serve_record(struct server *s, const struct sock_peer *p, const char *data, size_t n);
/* A record larger than our buffer: reported and dropped (0). */
int serve_cut_record(const struct server *s, ssize_t size);
/* Descriptors a peer sent where nobody takes them: closed, reported. */
void serve_refuse_fds(struct server *s, const struct sock_peer *p, struct sock_fds *f);
/* A connection, without COMMAND: its bytes or records to stdout. */
int serve_data(struct server *s, int conn, const struct sock_peer *p);

/* ---- sockpool.c: one COMMAND per connection ---- */

/* COMMAND for CONN, running while the listener accepts the next. */
int pool_start(struct server *s, int conn, const struct sock_peer *p);
/* Reap the children that ended. */
void pool_reap(struct server *s);
/* Every child reaped, a termination signal passed on once. */
void pool_finish(struct server *s);
/* --idle-timeout with COMMAND: the relay's argv. */
int pool_relay_init(struct server *s);
/* --max-children: every slot is taken. */
bool pool_full(const struct server *s);
/* Sleep until a child ends (reaped) or a termination signal. */
void pool_wait_for_one(struct server *s);

#endif
