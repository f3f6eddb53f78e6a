/* datadir.h — where msksim finds its shipped data (scenarios/: the evidence trials, the
 * benchmark scenario, the parameter file) at run time, in a checkout, a build tree or an
 * installed prefix. No path into the source tree is compiled in. */
#ifndef MSK_DATADIR_H
#define MSK_DATADIR_H

#include <stddef.h>

/* The first existing of, for REL (e.g. "scenarios/evidence"):
 *   ./REL                            run from a checkout;
 *   $MSKSIM_DATA_DIR/REL             set by the user (a cluster's shared copy);
 *   EXE_DIR/../share/msksim/REL      an installed prefix (bin/msksim);
 *   EXE_DIR/../REL                   a build tree directly inside the checkout (build/msksim);
 *   MSK_INSTALL_DATADIR/REL          the datadir of the configured install prefix.
 * Writes it to buf and returns buf, or returns NULL with the places looked at in buf. */
const char *msk_data_find(const char *rel, char *buf, size_t size);

#endif
