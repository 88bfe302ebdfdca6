#ifndef RINGLET_EPOLL_H
#define RINGLET_EPOLL_H
#include <stdint.h>

/* epoll(7) and eventfd(2), which Glibc's Swift overlay does not expose. struct epoll_event is packed on
   x86-64, so readiness is copied out into this plain struct rather than handed to Swift as is. */

enum {
    RINGLET_EPOLL_IN = 0x001,
    RINGLET_EPOLL_OUT = 0x004,
    RINGLET_EPOLL_ERR = 0x008,
    RINGLET_EPOLL_HUP = 0x010,
    RINGLET_EPOLL_RDHUP = 0x2000,
};

typedef struct {
    uint32_t events;
    uint64_t token;
} ringlet_epoll_ready;

/* epoll_create1(EPOLL_CLOEXEC). */
int ringlet_epoll_create(void);

/* epoll_ctl: op 0 adds, 1 modifies, 2 removes `fd`; `token` comes back with its readiness. 0, or -1 with errno. */
int ringlet_epoll_control(int epoll, int op, int fd, uint32_t events, uint64_t token);

/* epoll_wait into `ready` (at most `capacity` entries); the count, or -1 with errno (EINTR included). */
int ringlet_epoll_wait(int epoll, ringlet_epoll_ready *ready, int capacity, int timeout_milliseconds);

/* eventfd(2), close-on-exec and non-blocking: how another thread wakes a loop blocked in epoll_wait. */
int ringlet_eventfd(void);

#endif
