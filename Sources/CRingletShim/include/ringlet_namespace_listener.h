#ifndef RINGLET_NAMESPACE_LISTENER_H
#define RINGLET_NAMESPACE_LISTENER_H
#include <sys/types.h>

/* A TCP socket listening on 127.0.0.1:`port` inside the network namespace of process `pid`, returned
   to the caller (close-on-exec), or -1 with errno set.

   The caller stays where it is: a forked child, single-threaded as setns(CLONE_NEWUSER) requires, joins
   the user namespace that owns the network namespace (NS_GET_USERNS, so a nested user namespace the
   process moved into later does not matter), then the network namespace, makes the listener and hands
   it back over a socket pair (SCM_RIGHTS). A socket keeps the namespace it was made in, so the caller
   accepts connections from inside the sandbox without anything of its own running there. The child
   makes system calls only, as a child of a multi-threaded process must. */
int ringlet_listen_in_network_namespace(pid_t pid, unsigned short port);

#endif
