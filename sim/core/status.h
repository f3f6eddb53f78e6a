/* status.h — return codes and diagnostics.
 *
 * Every function that can fail on bad input returns an msk_status from one list and,
 * where the failure concerns a place in a file, records a diagnostic (FILE:LINE:COL,
 * the YAML path and a sentence a scientist understands) in a caller-owned diag_list.
 * A list collects all problems of a file so `msksim check` can report them together.
 * Bugs are not statuses: they trip MSK_ASSERT, which prints context and aborts. */
#ifndef MSK_STATUS_H
#define MSK_STATUS_H

#include <stddef.h>
#include <stdio.h>

/* X(code, exit status, message) — exit statuses follow sysexits.h. */
#define MSK_STATUS_LIST(X)                                                  \
    X(MSK_OK, 0, "success")                                                 \
    X(MSK_EUSAGE, 2, "bad command-line usage")                              \
    X(MSK_EDATA, 65, "invalid scenario or input data")                      \
    X(MSK_ENOINPUT, 66, "cannot open input file")                           \
    X(MSK_ESOFTWARE, 70, "internal error")                                  \
    X(MSK_ENOMEM, 71, "out of memory")                                      \
    X(MSK_EIO, 74, "input/output error")                                    \
    X(MSK_EINTERRUPTED, 75, "interrupted; nothing was written")

typedef enum {
#define X(code, exit_status, msg) code,
    MSK_STATUS_LIST(X)
#undef X
        MSK_STATUS_COUNT
} msk_status;

const char *msk_status_message(msk_status s);
int msk_status_exit_code(msk_status s);

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_severity;

typedef struct {
    diag_severity severity;
    char *file;   /* "scenarios/x.yaml", "<command line>" */
    int line, col; /* 1-based; 0 when unknown */
    char *path;   /* YAML path such as "arms[2].interventions[0].cuff_pct_aop"; may be "" */
    char *message;
} diag;

typedef struct {
    diag *items;
    size_t count, capacity;
    size_t errors, warnings;
} diag_list;

void diag_list_init(diag_list *d);
void diag_list_fini(diag_list *d);
/* Record a diagnostic. All failures of user input pass through here, so a single
 * breakpoint catches them. Never fails: on allocation failure the message is dropped
 * but the error count still rises. */
void diag_add(diag_list *d, diag_severity sev, const char *file, int line, int col,
              const char *path, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* Print as "FILE:LINE:COL: error: PATH: MESSAGE", one per line, in the order added;
 * control characters (other than tab) in FILE, PATH and MESSAGE are shown as '?'. */
void diag_print(const diag_list *d, FILE *out);

/* Invariant check for bugs (never for user input). Prints file, line, expression and
 * the simulation context if one is set, then aborts. */
#define MSK_ASSERT(expr)                                                   \
    ((expr) ? (void)0 : msk_assert_fail(#expr, __FILE__, __LINE__))
void msk_assert_fail(const char *expr, const char *file, int line)
    __attribute__((noreturn));
/* Context printed by a failed assertion or a violated physiological invariant. */
void msk_assert_context(unsigned long long seed, long long individual, int arm,
                        double time_days);

#endif
