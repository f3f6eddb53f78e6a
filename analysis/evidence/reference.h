/* reference.h — the reference part of docs/evidence.md: what the measures, subgroups,
 * one-sided intervals and instruments of a target mean, and in-sample versus
 * out-of-sample validation. Written by `msksim evidence --markdown` after the table, so
 * the text and the instrument table (instrument.h) cannot drift from the code. */
#ifndef MSK_REFERENCE_H
#define MSK_REFERENCE_H

#include <stdio.h>

void evidence_write_reference(FILE *f);

#endif
