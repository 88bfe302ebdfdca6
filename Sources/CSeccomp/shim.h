#include <seccomp.h>

/* libseccomp spells these as function-like macros, which Swift cannot call. */
static inline uint32_t ringlet_scmp_act_errno(uint16_t code) { return SCMP_ACT_ERRNO(code); }
