/* plot_sweep.h — figures of a sweep result (sweepout.h): what drives the outcomes.
 *
 * From a result file of `msksim sweep` it writes, like `msksim plot` does for a run,
 * NAME.tsv (the numbers), NAME.gp (a commented gnuplot script) and the images:
 *   sweep-indices      tornado chart: per outcome, the parameters sorted by their
 *                      total Sobol' index (bar) with the first-order index inside it
 *                      and bootstrap intervals (saltelli), or by Morris mu* with its
 *                      interval and sigma (morris); not drawn for grid and lhs
 *   sweep-outcome-K    outcome K (1, 2, ...) against each parameter, one panel per
 *                      parameter, every point a dot
 *   sweep-heatmap      grid designs varying exactly two parameters: each outcome over
 *                      the two, as a heat map
 *   index.html         every figure embedded with its caption, and the indices with
 *                      their intervals and a warning where the sample cannot rank the
 *                      two leading parameters (report.h's page)
 * The file is read through sim/io's defensive reader (resultfile_open_sweep: the HDF5
 * signature, msksim's sweep attributes, the type and shape of every dataset, size
 * limits), and nothing read from it becomes part of a path. Everything is
 * written through outdir.h: the directory gets the whole set or nothing.
 *
 * `msksim plot` can hand a file to plot_sweep when plot_sweep_detect says it is a
 * sweep result; the run figures (plot.h) do not apply to it. */
#ifndef MSK_PLOT_SWEEP_H
#define MSK_PLOT_SWEEP_H

#include "status.h"

/* 1 when PATH is an HDF5 file whose root attribute msksim_result is "sweep", 0 when
 * it is another HDF5 file (a run result, say), -1 when it cannot be read as HDF5. */
int plot_sweep_detect(const char *path);

/* Write the figures of the sweep result at path into dir (created if missing; its
 * parent must exist) in each format of `formats` (GP_PNG | GP_SVG | GP_PDF, gnuplot.h).
 * Returns MSK_OK; MSK_ENOINPUT or MSK_EDATA (not a readable sweep result); MSK_EIO
 * (cannot write, gnuplot missing); MSK_ESOFTWARE (gnuplot failed or warned);
 * MSK_ENOMEM. Diagnostics say why. *n_figures (may be NULL) receives the number of
 * figures made. */
msk_status plot_sweep(const char *path, const char *dir, unsigned formats, int *n_figures, diag_list *diags);

#endif
