/* sock --listen --idle-timeout with -- COMMAND: COMMAND does not get the
 * connection itself but one end of a socket pair, and a relay process in
 * between copies both ways and sees when neither side sent anything for
 * the idle time (as socat -T).  The relay is ipctool itself, started per
 * connection by the listener (see sock.c), so that it is spawned, waited
 * for and passed signals like any COMMAND. */
#ifndef IPCTOOL_SOCKRELAY_H
#define IPCTOOL_SOCKRELAY_H

#include <time.h>

/* The hidden option that makes `ipctool sock` the relay. */
#define SOCK_RELAY_OPTION "--relay-idle"

/* Relay between the connection (stdin and stdout) and a run of COMMAND
 * until both sides are done or neither sent anything for IDLE; then
 * close both.  Returns COMMAND's status (0 after an idle close, which is
 * reported). */
int sock_relay(const struct timespec *idle, char *const *command);

#endif
