/* signals.h — one way for every command to stop cleanly on a signal, and a start that
 * does not depend on the signal dispositions the parent left behind.
 *
 * A command that writes files must not die half-way: it would leave temporary files
 * and, for plots, orphaned gnuplot processes. msk_signals_catch installs one handler
 * for SIGINT and SIGTERM that only raises the stop flag; the long loops poll it (the
 * engine between blocks, the sweep farm, evidence trials, calibration steps, benchmark
 * runs), end with MSK_EINTERRUPTED, remove what they started to write, and the command
 * exits 75. With MSK_SIGNALS_DRAIN, SIGUSR1 raises only the drain flag: a sweep then
 * lets its running runs finish and starts no new one (`sbatch --signal=B:USR1@120`).
 *
 * A process forked from the one that installed the handler and still running its code
 * (the result-file probe, a benchmark run) is not meant to outlive a stop: there the
 * handler puts the default back and raises the signal again, so the child dies as it
 * would have without msksim's handler. exec() resets caught signals anyway (gnuplot).
 *
 *   msk_signals_reset_inherited();            at the start of main
 *   msk_signals_catch(MSK_SIGNALS_STOP);      before the command starts work
 *   engine_run(..., msk_signals_stop_flag(), ...);
 *   st = msk_signals_status(st);              before committing any output
 *   msk_signals_restore();                    when the command returns
 */
#ifndef MSK_SIGNALS_H
#define MSK_SIGNALS_H

#include <signal.h>

#include "status.h"

/* Which signals msk_signals_catch handles: SIGINT and SIGTERM stop (and drain);
 * SIGUSR1 drains. */
enum { MSK_SIGNALS_STOP = 1, MSK_SIGNALS_DRAIN = 2 };

/* Dispositions a parent may have changed and msksim relies on (daemons, some
 * launchers and Python parents start children with SIGCHLD ignored, which makes
 * waitpid fail; a blocked SIGINT would never reach the handler):
 *   SIGCHLD, SIGPIPE -> default (waitpid works; a closed pipe ends a printing command)
 *   SIGXFSZ -> ignored: a file-size limit (ulimit -f) is then a write error (EFBIG),
 *              which every writer handles by removing its temporary file, instead of
 *              a kill that leaves it behind
 *   SIGINT, SIGTERM, SIGUSR1, SIGCHLD, SIGPIPE, SIGXFSZ unblocked.
 * Call first thing in main, before any thread or child exists. */
void msk_signals_reset_inherited(void);

/* Install the handler for `which` (MSK_SIGNALS_STOP, optionally | MSK_SIGNALS_DRAIN),
 * clear both flags and remember the dispositions it replaces. */
void msk_signals_catch(unsigned which);

/* Put back the dispositions msk_signals_catch replaced. The flags keep their values. */
void msk_signals_restore(void);

/* The flags the handler raises, for code that polls them (engine_options.stop,
 * sweeprun_options.stop and .drain, evidence_options.stop, calibrate_run). A stop
 * also raises the drain flag. */
volatile sig_atomic_t *msk_signals_stop_flag(void);
volatile sig_atomic_t *msk_signals_drain_flag(void);

/* Non-zero once a stop signal (SIGINT, SIGTERM) arrived. */
int msk_signals_stopped(void);

/* The status a command reports for work not yet committed: MSK_EINTERRUPTED once a
 * stop signal arrived, whatever st says (a failure then is usually the signal's doing:
 * a gnuplot or a probe killed by the same Ctrl-C), st otherwise. Call it before
 * the output is committed; after that, what was written stands. */
msk_status msk_signals_status(msk_status st);

#endif
