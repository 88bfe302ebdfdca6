#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include "ringlet_epoll.h"

int ringlet_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

int ringlet_epoll_control(int epoll, int op, int fd, uint32_t events, uint64_t token) {
    static const int operations[] = {EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL};
    if (op < 0 || op > 2) {
        errno = EINVAL;
        return -1;
    }
    struct epoll_event event = {.events = events, .data.u64 = token};
    return epoll_ctl(epoll, operations[op], fd, &event);
}

int ringlet_epoll_wait(int epoll, ringlet_epoll_ready *ready, int capacity, int timeout_milliseconds) {
    struct epoll_event events[64];
    if (capacity > 64) capacity = 64;
    int count = epoll_wait(epoll, events, capacity, timeout_milliseconds);
    for (int index = 0; index < count; index++) {
        ready[index].events = events[index].events;
        ready[index].token = events[index].data.u64;
    }
    return count;
}

int ringlet_eventfd(void) {
    return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}
