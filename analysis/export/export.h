/* export.h — the summaries of a result file as CSV or TSV tables for spreadsheets and R.
 *
 * Every numeric variable of the summary groups is exported, whatever this version
 * knows of it, so the tables follow the file. The tables, one row per observation,
 * missing values as NA, column names the file's variable names (docs/output-format.md):
 *   summary                one row per arm (/summary)
 *   comparison             one row per arm but the reference (/comparison); only with
 *                          two arms or more
 *   timeseries             one row per arm and observation time: every (time) and
 *                          (time, quantile) variable of /arms/NAME
 *   comparison_timeseries  one row per compared arm and time: the (compared_arm, time)
 *                          variables of /comparison
 *   strata_summary         one row per arm and stratum: the (arm, stratum) variables of
 *                          /strata; only when the run asked for strata
 *   strata_timeseries_long every series of /strata over time in long form: arm,
 *                          stratum, week, variable, statistic, quantile, value, units
 * The file is read only through sim/io's defensive reader (resultfile.h, resultdata.h),
 * first in a child process that may crash on a damaged file without harm. Everything is
 * written through outdir.h: the directory gets the whole set or nothing. */
#ifndef MSK_EXPORT_H
#define MSK_EXPORT_H

#include <signal.h>
#include <stddef.h>

#include "status.h"

/* The table names, NULL-terminated, in the order above. */
extern const char *const export_table_names[];

/* Write the tables of the result file at `result` into `dir` (created if missing; its
 * parent must exist) as EXT files ("csv": comma-separated, quoted where needed; "tsv":
 * tab-separated). Tables of an earlier export with the same EXT that this one lacks
 * are removed. `stop` (may be NULL) is looked at before the tables are committed: when
 * non-zero nothing is written and the result is MSK_EINTERRUPTED. *n_arms (may be NULL)
 * receives the number of arms, which says whether the comparison tables were written.
 * Returns MSK_OK; MSK_ENOINPUT (cannot open), MSK_EDATA (not a usable msksim result),
 * MSK_EIO (cannot write dir), MSK_ENOMEM, MSK_EINTERRUPTED; diagnostics say why. */
msk_status export_tables(const char *result, const char *dir, const char *ext,
                         volatile sig_atomic_t *stop, size_t *n_arms, diag_list *diags);

#endif
