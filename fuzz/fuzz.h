/*
 * fuzz.h - what the fuzz targets share: the libFuzzer entry point's
 * prototype, and FUZZ_ASSERT for the properties a target checks beyond
 * "no crash, no leak, no undefined behaviour" (the sanitizers see those).
 * A failed property aborts, which libFuzzer and the replay both report
 * with the input.
 */
#ifndef SS_FUZZ_H
#define SS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, #cond);            \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* 1 if [p, p + n] lies inside [base, base + cap): a parsed string and its
 * terminating NUL inside the parser's copy. */
static inline int fuzz_inside(const char *p, size_t n, const char *base, size_t cap)
{
    return p >= base && n < cap && (size_t)(p - base) <= cap - 1 - n;
}

#endif
