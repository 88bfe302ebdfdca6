#ifndef RINGLET_SHIM_H
#define RINGLET_SHIM_H
#include <spawn.h>

/* Linux and GNU calls that Glibc's Swift overlay does not expose. */

/* pipe2(2) with O_CLOEXEC so a descriptor never leaks into a spawned child. */
int ringlet_pipe_cloexec(int fds[2]);

/* posix_spawn_file_actions_addchdir_np(3): start a child in a working directory without a shell. */
int ringlet_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/* accept4(2) with SOCK_CLOEXEC: an accepted connection never leaks into a child. */
int ringlet_accept_cloexec(int fd);

/* splice(2) between a socket and a pipe: moves tunnel bytes without copying them through user space. */
long ringlet_splice(int fd_in, int fd_out, unsigned long length, int more);

/* memfd_create(2): an anonymous file to hand a seccomp program to bwrap by descriptor. */
int ringlet_memfd(const char *name);

#endif
