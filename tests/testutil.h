/* testutil.h — minimal checks for the unit tests: one line per check with the values
 * involved; main returns the number of failures. */
#ifndef MSK_TESTUTIL_H
#define MSK_TESTUTIL_H

#include <math.h>
#include <stdio.h>

static int test_failures;

#define CHECK(cond, ...)                                                          \
    do {                                                                          \
        int ok_ = (cond);                                                         \
        printf("%s: %s:%d: ", ok_ ? "ok" : "FAIL", __FILE__, __LINE__);           \
        printf(__VA_ARGS__);                                                      \
        printf("\n");                                                             \
        if (!ok_)                                                                 \
            test_failures++;                                                      \
    } while (0)

/* |a - b| <= rel * max(|a|, |b|) */
#define CHECK_CLOSE(a, b, rel, what)                                              \
    do {                                                                          \
        double a_ = (a), b_ = (b);                                                \
        double m_ = fmax(fabs(a_), fabs(b_));                                     \
        CHECK(fabs(a_ - b_) <= (rel) * m_, "%s: %.10g vs %.10g (rel tol %g)",     \
              what, a_, b_, (double)(rel));                                       \
    } while (0)

#endif
