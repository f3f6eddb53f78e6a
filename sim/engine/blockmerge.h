/* blockmerge.h — add engine results of disjoint block ranges into one.
 *
 * A population split into block ranges (engine_run_blocks, one range per MPI rank)
 * gives partial results: exact integer accumulators, event logs, and the sampled
 * people whose ids fall in the range. Adding them gives the same data, bit for bit,
 * as one run over all blocks: the accumulators are integer sums (any order), the
 * event log is re-sorted by its unique key (replicate, individual, sequence), and each
 * sampled person has exactly one home range.
 *
 * For MPI the partial result travels as a flat byte buffer (blockmerge_pack); the
 * ranks of one job share the architecture, so values are copied as they lie in
 * memory. */
#ifndef MSK_BLOCKMERGE_H
#define MSK_BLOCKMERGE_H

#include <stddef.h>

#include "engine.h"

/* dst += src, both from the same scenario; src's blocks must not overlap dst's.
 * dst's block range becomes their union (the lowest begin, the highest end), and its
 * seconds the larger of the two. Returns MSK_OK or MSK_ENOMEM. */
msk_status blockmerge_add(engine_result *dst, const engine_result *src);

/* Serialize src's contribution into a malloc'ed buffer (*buf, *len). */
msk_status blockmerge_pack(const engine_result *src, void **buf, size_t *len);

/* dst += the contribution packed in buf. Returns MSK_OK, MSK_ENOMEM, or MSK_ESOFTWARE
 * when the buffer does not match dst's scenario (a bug: ranks ran different
 * scenarios). */
msk_status blockmerge_add_packed(engine_result *dst, const void *buf, size_t len);

#endif
