#define _GNU_SOURCE
#include <stddef.h>
#include <sys/resource.h>
#include "ringlet_limits.h"

int ringlet_set_rlimit(pid_t pid, int resource, unsigned long long value) {
    struct rlimit limit = { .rlim_cur = value, .rlim_max = value };
    return prlimit(pid, (__rlimit_resource_t)resource, &limit, NULL);
}
