/* Every subcommand's entry (command.h), each defined in its own file;
 * main.c's table lists them. */
#ifndef IPCTOOL_COMMANDS_H
#define IPCTOOL_COMMANDS_H

#include "lib/command.h"

/* Every subcommand, in the order --help lists them: adding one is its
 * file and its name here (doc/ARCHITECTURE.md, "Where to add what").
 * Each NAME is the file's `const struct command command_NAME`. */
#define IPCTOOL_COMMANDS(X)                                          \
	X(mkq) X(send) X(recv)                                       \
	X(mkshm) X(shm_write) X(shm_read)                            \
	X(mksem) X(sem_p) X(sem_v)                                   \
	X(fifo) X(pipe_run) X(sock)                                  \
	X(signal_send) X(signal_wait)                                \
	X(list) X(rm) X(watch) X(metrics)                            \
	X(dump) X(restore)

#define COMMAND_DECLARE(name) extern const struct command command_##name;
IPCTOOL_COMMANDS(COMMAND_DECLARE)

#endif
