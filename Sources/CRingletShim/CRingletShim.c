#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
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
    return memfd_create(name, 0);
}

int ringlet_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}
