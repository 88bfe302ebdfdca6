#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/nsfs.h>
#include "ringlet_namespace_listener.h"

/* In the child: the listener, or -errno. */
static int listen_inside(int user, int net, unsigned short port) {
    if (setns(user, CLONE_NEWUSER) != 0) return -errno;
    if (setns(net, CLONE_NEWNET) != 0) return -errno;
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener < 0) return -errno;
    int on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* bwrap's child brings `lo` up while it sets up, racing its report of the child's pid: until then
       127.0.0.1 cannot be bound (EADDRNOTAVAIL). Wait for it, boundedly (5 s). */
    struct timespec pause = { .tv_sec = 0, .tv_nsec = 2000000 };
    int tries = 0;
    while (bind(listener, (struct sockaddr *)&address, sizeof address) != 0) {
        if (errno != EADDRNOTAVAIL || ++tries > 2500) return -errno;
        nanosleep(&pause, NULL);
    }
    if (listen(listener, 128) != 0) return -errno;
    return listener;
}

/* Sends the outcome (0 or an errno) and, on success, the descriptor. */
static void send_result(int channel, int result) {
    int code = result < 0 ? -result : 0;
    struct iovec payload = { .iov_base = &code, .iov_len = sizeof code };
    union { struct cmsghdr header; char space[CMSG_SPACE(sizeof(int))]; } control;
    struct msghdr message;
    memset(&message, 0, sizeof message);
    memset(&control, 0, sizeof control);
    message.msg_iov = &payload;
    message.msg_iovlen = 1;
    if (result >= 0) {
        message.msg_control = control.space;
        message.msg_controllen = sizeof control.space;
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(header), &result, sizeof(int));
    }
    while (sendmsg(channel, &message, 0) < 0 && errno == EINTR) {}
}

/* The outcome the child sent: the descriptor, or -errno. */
static int receive_result(int channel) {
    int code = EIO;
    struct iovec payload = { .iov_base = &code, .iov_len = sizeof code };
    union { struct cmsghdr header; char space[CMSG_SPACE(sizeof(int))]; } control;
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &payload;
    message.msg_iovlen = 1;
    message.msg_control = control.space;
    message.msg_controllen = sizeof control.space;
    ssize_t received;
    while ((received = recvmsg(channel, &message, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {}
    if (received != (ssize_t)sizeof code) return -EIO;
    if (code != 0) return -code;
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    if (header == NULL || header->cmsg_type != SCM_RIGHTS) return -EIO;
    int descriptor;
    memcpy(&descriptor, CMSG_DATA(header), sizeof(int));
    return descriptor;
}

int ringlet_listen_in_network_namespace(pid_t pid, unsigned short port) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
    int net = open(path, O_RDONLY | O_CLOEXEC);
    if (net < 0) return -1;
    int user = ioctl(net, NS_GET_USERNS);
    if (user < 0) {
        int saved = errno;
        close(net);
        errno = saved;
        return -1;
    }
    int channel[2];
    int result = -EIO;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0) {
        result = -errno;
    } else {
        pid_t child = fork();
        if (child == 0) {
            close(channel[0]);
            send_result(channel[1], listen_inside(user, net, port));
            _exit(0);
        }
        close(channel[1]);
        if (child < 0) {
            result = -errno;
        } else {
            result = receive_result(channel[0]);
            while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {}
        }
        close(channel[0]);
    }
    close(user);
    close(net);
    if (result < 0) {
        errno = -result;
        return -1;
    }
    return result;
}
