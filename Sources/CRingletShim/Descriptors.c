#define _GNU_SOURCE
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "ringlet_descriptors.h"

int ringlet_close_on_exec_from(unsigned int first) {
    return (int)syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC);
}
