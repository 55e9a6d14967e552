#ifndef HEADWATER_CSOCKETSHIM_H
#define HEADWATER_CSOCKETSHIM_H
#include <sys/socket.h>
/* glibc declares accept4 only under _GNU_SOURCE, which Swift's Glibc module is built without; the
   function itself is in every glibc since 2.10. It sets close-on-exec in the same call as the accept. */
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
#endif
