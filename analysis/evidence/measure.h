/* measure.h — measure a target (target.h) in a finished run.
 *
 * The run must have recorded every person's full trajectory (record.sample_size =
 * population size, one replicate) and, for fraction_after_event, the whole event log;
 * the evidence runner (evidence.h) sets both. */
#ifndef MSK_MEASURE_H
#define MSK_MEASURE_H

#include "engine.h"
#include "target.h"

typedef struct {
    double value;  /* the simulated counterpart of the published figure */
    double lo, hi; /* its 95% CI (Monte Carlo uncertainty of the virtual trial) */
    double n;      /* people (or events) it rests on */
} measure_result;

/* Measure t in r. Returns MSK_OK, or MSK_EDATA with a diagnostic when the run cannot
 * support it (no eligible people, no events to condition on, a degenerate regression);
 * the value is then NAN. */
msk_status measure_target(const target *t, const engine_result *r, measure_result *out,
                          diag_list *diags);

#endif
