/* cli_resources.h — resource estimates before work, for `run` and `check` (estimate.h, sysmem.h). */
#ifndef MSK_CLI_RESOURCES_H
#define MSK_CLI_RESOURCES_H

#include <stdint.h>
#include <stdio.h>

#include "scenario.h"
#include "status.h"

/* Estimate the memory, disk and time sc needs on `threads` threads (a pilot of a few
 * hundred people) and compare them with the budget: max_memory bytes when not 0
 * (--max-memory), else what the machine and this process's limits allow (sysmem.h).
 * With report not NULL, print the estimate there as one line. Returns MSK_OK;
 * MSK_ENOMEM, with a diagnostic naming the largest part and the setting that shrinks
 * it, when the memory does not fit; MSK_EIO when the result (output, may be NULL) does
 * not fit its file system or the file-size limit; or the pilot's failure. *log_limit
 * (may be NULL) receives the most event-log entries the budget leaves room for (0: no
 * limit known). */
msk_status cli_resources(const scenario *sc, int threads, const char *output, uint64_t max_memory, FILE *report,
                         uint64_t *log_limit, diag_list *diags);

/* Parse a --max-memory value ("400M", "2G", "1.5GiB"; at least 1 MiB). 0 or -1. */
int cli_parse_memory(const char *text, uint64_t *bytes);

#endif
