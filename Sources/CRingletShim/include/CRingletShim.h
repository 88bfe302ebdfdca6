#ifndef RINGLET_SHIM_H
#define RINGLET_SHIM_H
#include <signal.h>
#include <spawn.h>
#include "ringlet_descriptors.h"
#include "ringlet_namespace_listener.h"
#include "ringlet_limits.h"
#include "ringlet_epoll.h"
#include <stddef.h>

/* Linux and GNU calls that Glibc's Swift overlay does not expose. */

/* pipe2(2) with O_CLOEXEC so a descriptor never leaks into a spawned child. */
int ringlet_pipe_cloexec(int fds[2]);

/* posix_spawn_file_actions_addchdir_np(3): start a child in a working directory without a shell. */
int ringlet_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/* accept4(2) with SOCK_CLOEXEC: an accepted connection never leaks into a child. */
int ringlet_accept_cloexec(int fd);

/* splice(2) between a socket and a pipe: moves tunnel bytes without copying them through user space. */
long ringlet_splice(int fd_in, int fd_out, unsigned long length, int more);

/* memfd_create(2) with MFD_CLOEXEC: an anonymous file to hand bwrap its options or seccomp program by
   descriptor; it reaches a child only where passed on purpose (the dup2 to its number clears the flag). */
int ringlet_memfd(const char *name);

/* POSIX_SPAWN_SETSID: a child in a session of its own, so the terminal it opens first becomes its controlling terminal. */
short ringlet_spawn_setsid_flag(void);

/* posix_openpt(3): the master end of a new pseudo-terminal. */
int ringlet_openpt(int flags);

/* grantpt(3) then unlockpt(3): the replica of master `fd` may be opened; -1 with errno on failure. */
int ringlet_unlockpt(int fd);

/* ptsname_r(3): the replica's path (/dev/pts/N); 0, or the error number. */
int ringlet_ptsname(int fd, char *buffer, size_t size);

/* signalfd(2), close-on-exec and non-blocking: the blocked signals in `mask` become readable from a descriptor. */
int ringlet_signalfd(const sigset_t *mask);

/* The next signal waiting on a signalfd descriptor (retrying EINTR): its number, 0 when none is waiting, -1 with errno on failure. */
int ringlet_signalfd_next(int fd);

#endif
