/* fuzz_resultfile.c — libFuzzer harness for the result-file reader of plot and export.
 *
 * The input is a file handed to `msksim plot` or `msksim export`. It is written to a
 * private temporary file (HDF5 reads files, not buffers), opened with resultfile_open
 * and, when that accepts it, loaded whole with resultdata_load, as plot and export do.
 * Beyond "no crash, no leak, no undefined behaviour": a refusal says why, the printed
 * diagnostics are one line each without control characters (names and texts come from
 * the file; fuzzcheck.h), and no HDF5 object is left open. Leaks inside libhdf5's own error paths are
 * suppressed (tests/fuzz/lsan.supp).
 *
 * An input that is not an HDF5 file is a list of value edits to a valid base result
 * ($MSK_FUZZ_RESULT; fuzzvalues.h): the reader's checks of what values imply (its
 * ceilings, docs/robustness.md) are fuzzed as well as its checks of structure. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "fuzzcheck.h"
#include "fuzzvalues.h"
#include "resultdata.h"
#include "resultfile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[96];
static fuzzvalues values;

static void cleanup(void)
{
    unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(path, sizeof path, "%s/msk-fuzz-result.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        abort();
    }
    close(fd);
    atexit(cleanup);
    fuzzvalues_init(&values);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzzvalues_is_file(data, size)) {
        if (!fuzzvalues_write(&values, path, data, size))
            return 0;
    } else {
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
            perror(path);
            abort();
        }
    }
    diag_list d;
    diag_list_init(&d);
    resultfile rf;
    memset(&rf, 0, sizeof rf);
    /* Inputs that crash libhdf5 itself are caught in a child, as plot and export do. */
    msk_status st = resultdata_probe(path, &d);
    if (st == MSK_OK)
        st = resultfile_open(&rf, path, &d);
    if (st == MSK_OK) {
        resultdata rd;
        memset(&rd, 0, sizeof rd);
        st = resultdata_load(&rd, &rf);
        if (st == MSK_OK)
            resultdata_fini(&rd);
    }
    resultfile_close(&rf);
    /* LeakSanitizer cannot see an HDF5 object left open (HDF5 holds it until exit). */
    ssize_t open_objects = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    if (open_objects != 0) {
        fprintf(stderr, "%zd HDF5 object(s) left open after resultfile_close\n", open_objects);
        abort();
    }
    fuzzcheck_printed(&d);
    fuzzcheck_refusal(st, &d);
    diag_list_fini(&d);
    return 0;
}
