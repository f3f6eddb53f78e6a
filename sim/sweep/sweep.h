/* sweep.h — a parameter sweep, for the code that runs and reports one.
 *
 * The sweep file's types and functions are declared in sweepfile.h. */
#ifndef MSK_SWEEP_H
#define MSK_SWEEP_H

#include "sweepfile.h"

#endif
