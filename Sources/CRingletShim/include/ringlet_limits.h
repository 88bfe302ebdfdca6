#ifndef RINGLET_LIMITS_H
#define RINGLET_LIMITS_H
#include <sys/types.h>

/* prlimit(2) setting both the soft and the hard limit of `resource` for process `pid` to `value`: the
   sandbox's first process gets its rlimits while bwrap holds it, before it starts anything. 0, or -1
   with errno set. */
int ringlet_set_rlimit(pid_t pid, int resource, unsigned long long value);

#endif
