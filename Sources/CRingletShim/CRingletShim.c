#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <spawn.h>
#include <unistd.h>
#include "CRingletShim.h"

int ringlet_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int ringlet_accept_cloexec(int fd) {
    return accept4(fd, NULL, NULL, SOCK_CLOEXEC);
}

long ringlet_splice(int fd_in, int fd_out, unsigned long length, int more) {
    unsigned int flags = SPLICE_F_MOVE | (more ? SPLICE_F_MORE : 0);
    return (long)splice(fd_in, NULL, fd_out, NULL, length, flags);
}

int ringlet_memfd(const char *name) {
    return memfd_create(name, MFD_CLOEXEC);
}

int ringlet_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

short ringlet_spawn_setsid_flag(void) {
    return POSIX_SPAWN_SETSID;
}

int ringlet_openpt(int flags) {
    return posix_openpt(flags);
}

int ringlet_unlockpt(int fd) {
    return grantpt(fd) == 0 ? unlockpt(fd) : -1;
}

int ringlet_ptsname(int fd, char *buffer, size_t size) {
    return ptsname_r(fd, buffer, size);
}

int ringlet_signalfd(const sigset_t *mask) {
    return signalfd(-1, mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

int ringlet_signalfd_next(int fd) {
    struct signalfd_siginfo info;
    ssize_t n;
    do {
        n = read(fd, &info, sizeof info);
    } while (n < 0 && errno == EINTR);
    if (n == (ssize_t)sizeof info) return (int)info.ssi_signo;
    return n < 0 && errno == EAGAIN ? 0 : -1;
}
