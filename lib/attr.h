/* attr.h - the only compiler attributes the project uses */
#ifndef LP_ATTR_H
#define LP_ATTR_H

#if defined(__GNUC__)
#define LP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define LP_NORETURN     __attribute__((noreturn))
#define LP_LIKELY(x)    __builtin_expect(!!(x), 1)
#define LP_UNLIKELY(x)  __builtin_expect(!!(x), 0)
#else
#define LP_PRINTF(a, b)
#define LP_NORETURN
#define LP_LIKELY(x)   (x)
#define LP_UNLIKELY(x) (x)
#endif

#endif
