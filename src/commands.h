/* Every subcommand's entry point.  argv[0] is the subcommand's name; the
 * return value is the exit status (error.h). */
#ifndef IPCTOOL_COMMANDS_H
#define IPCTOOL_COMMANDS_H

int cmd_mkq(int argc, const char **argv);
int cmd_send(int argc, const char **argv);
int cmd_recv(int argc, const char **argv);
int cmd_mkshm(int argc, const char **argv);
int cmd_shm_write(int argc, const char **argv);
int cmd_shm_read(int argc, const char **argv);
int cmd_mksem(int argc, const char **argv);
int cmd_sem_p(int argc, const char **argv);
int cmd_sem_v(int argc, const char **argv);
int cmd_fifo(int argc, const char **argv);
int cmd_pipe_run(int argc, const char **argv);
int cmd_signal_send(int argc, const char **argv);
int cmd_signal_wait(int argc, const char **argv);
int cmd_list(int argc, const char **argv);
int cmd_rm(int argc, const char **argv);

#endif
