/* Every subcommand's entry (command.h), each defined in its own file;
 * main.c's table lists them. */
#ifndef IPCTOOL_COMMANDS_H
#define IPCTOOL_COMMANDS_H

#include "lib/command.h"

extern const struct command command_mkq, command_send, command_recv;
extern const struct command command_mkshm, command_shm_write, command_shm_read;
extern const struct command command_mksem, command_sem_p, command_sem_v;
extern const struct command command_fifo, command_pipe_run, command_sock;
extern const struct command command_signal_send, command_signal_wait;
extern const struct command command_list, command_rm, command_watch, command_metrics;
extern const struct command command_dump, command_restore;

#endif
