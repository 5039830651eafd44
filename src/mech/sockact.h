/* systemd socket activation (sd_listen_fds(3), daemon(7)): a listener
 * started by systemd, or by systemd-socket-activate, gets its socket
 * already bound and listening as descriptor 3 (and more, 4, 5, ...), with
 * LISTEN_PID (the pid they are meant for), LISTEN_FDS (how many) and
 * LISTEN_FDNAMES (their names, colon-separated) in its environment.  Such
 * a socket is served as it is: never bound, never given a mode, and its
 * file never removed, since ipctool did not make it. */
#ifndef IPCTOOL_SOCKACT_H
#define IPCTOOL_SOCKACT_H

#include <stdbool.h>

#include "mech/socket.h"

/* Whether sockets were passed to this very process (LISTEN_PID is its
 * pid).  Malformed variables count as passed: sock_adopt reports them. */
bool sock_activated(void);

/* Take the passed socket into L: the one bound to A when A is not NULL,
 * else the only one passed.  TYPE 0 takes the socket's own type, else it
 * must be TYPE.  The passed descriptors become close-on-exec (COMMAND
 * does not inherit them) and the variables are removed from the
 * environment; those not taken are closed.  Returns 0, or 1 once
 * reported. */
int sock_adopt(struct sock_listener *l, const struct sock_addr *a, int type);

#endif
