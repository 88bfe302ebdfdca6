#ifndef RINGLET_DESCRIPTORS_H
#define RINGLET_DESCRIPTORS_H

/* close_range(first, ~0U, CLOSE_RANGE_CLOEXEC): every descriptor from `first` up is closed on exec, so
   what this process inherited (an open file, a socket its caller forgot) never reaches a child it
   starts; descriptors meant for a child are passed on purpose. 0, or -1 with errno set. */
int ringlet_close_on_exec_from(unsigned int first);

#endif
