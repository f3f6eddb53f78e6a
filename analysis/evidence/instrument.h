/* instrument.h — the instruments of real trials and their published measurement error.
 *
 * A trial measures with instruments of known precision: DXA, CT or MRI, a dynamometer,
 * a Jamar dynamometer, a stopwatch over 4 m. A target (target.h) may name the
 * instruments that produced its published figure; its measure (measure.h) then reads
 * each person's value as that instrument would: the true value plus an error drawn
 * from the instrument's error model (a CV in per cent of the value, or an SD in the
 * variable's units). Then responder shares and the SDs of individual change mean what
 * they mean in a paper. The result file keeps the true values; only the measure sees
 * the error.
 *
 * The error of person `who` in arm `arm` at day `day` on variable `variable` is a
 * pure function of those and the trial's seed (Random123 Philox, counter-based): the
 * same for any thread count, independent between visits, arms and variables, and the
 * same for every target that reads the same visit. */
#ifndef MSK_INSTRUMENT_H
#define MSK_INSTRUMENT_H

#include <stddef.h>
#include <stdint.h>

typedef enum { INSTRUMENT_TRUE, INSTRUMENT_CV, INSTRUMENT_SD } instrument_error;

typedef struct {
    const char *name;     /* as targets name it */
    int variable;         /* the observed variable it measures (obs_var) */
    instrument_error kind;
    double error;         /* CV in per cent, or SD in the variable's units */
    const char *what;     /* the instrument in words */
    const char *source;   /* the published precision, or "assumption: ..." */
} instrument_info;

/* Row 0 is the true value (no instrument); rows 1.. the instruments. */
extern const instrument_info instrument_table[];
extern const size_t instrument_count;

/* Index of the instrument called NAME (>= 1), or 0 when there is none. */
size_t instrument_find(const char *name);

/* "a, b, c": the instruments' names, for messages. */
void instrument_list(char *buf, size_t size);

/* A standard normal deviate, a pure function of its arguments (Philox4x64). */
double instrument_normal(uint64_t seed, uint64_t who, uint64_t arm, double day, int variable);

/* What instrument `in` reads for the true value x (see above). Never below a tenth of
 * x: an instrument does not read a body as absent (the far tail is cut). */
double instrument_read(size_t in, double x, uint64_t seed, uint64_t who, uint64_t arm,
                       double day);

#endif
