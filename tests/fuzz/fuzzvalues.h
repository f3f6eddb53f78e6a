/* fuzzvalues.h — fuzzing a result file's values, not its structure: a valid result
 * with numbers changed.
 *
 * A structure fuzzer rarely gets a well-formed HDF5 file through with a changed value
 * (every byte it flips breaks a checksum, a heap or a header first), yet the defects of
 * issue 17 came from values: a time spacing of 1e-18 weeks, a million events of one
 * person. So an input that is not an HDF5 file is read as a list of edits to a copy of a
 * valid base result (the file named by $MSK_FUZZ_RESULT; without it such inputs are
 * skipped). Each edit is 14 bytes:
 *   [0]     which numeric dataset of the base file (modulo their count)
 *   [1..4]  which element (little-endian, modulo its size)
 *   [5]     how: 0 the 8 bytes below as a double; 1 a special value (NaN, infinities,
 *           zeros, the extremes, the smallest subnormal, …) picked by [6]; 2 the old
 *           value times a power of ten (exponent [6] - 128); 3 the old value plus or
 *           minus a few ulps; 4 a run of up to 256 elements set to one special value
 *   [6..13] the operand
 * The new value is written through HDF5, converted to the dataset's own type as msksim's
 * writer would (integers: clamped by HDF5's conversion). */
#ifndef MSK_FUZZVALUES_H
#define MSK_FUZZVALUES_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

enum { FUZZVALUES_MAX_SETS = 512, FUZZVALUES_EDIT = 14 };

typedef struct {
    unsigned char *base; /* the base file's bytes */
    size_t base_len;
    char *names[FUZZVALUES_MAX_SETS]; /* its numeric datasets */
    hsize_t sizes[FUZZVALUES_MAX_SETS];
    size_t n;
} fuzzvalues;

/* Every link (H5Lvisit's callback has the same shape in HDF5 1.10 and 1.12); a link that
 * is not a dataset does not open as one. */
static herr_t fuzzvalues_visit(hid_t obj, const char *name, const H5L_info_t *info, void *op)
{
    (void)info;
    fuzzvalues *fv = op;
    if (fv->n == FUZZVALUES_MAX_SETS)
        return 0;
    hid_t ds;
    H5E_BEGIN_TRY { ds = H5Dopen2(obj, name, H5P_DEFAULT); }
    H5E_END_TRY;
    if (ds < 0)
        return 0;
    hid_t t = H5Dget_type(ds), sp = H5Dget_space(ds);
    H5T_class_t c = H5Tget_class(t);
    hssize_t n = H5Sget_simple_extent_npoints(sp);
    if ((c == H5T_FLOAT || c == H5T_INTEGER) && n > 0) {
        fv->names[fv->n] = strdup(name);
        fv->sizes[fv->n++] = (hsize_t)n;
    }
    H5Sclose(sp);
    H5Tclose(t);
    H5Dclose(ds);
    return 0;
}

/* Read the base result named by $MSK_FUZZ_RESULT; 0 when there is none (value edits
 * are then skipped). */
static int fuzzvalues_init(fuzzvalues *fv)
{
    memset(fv, 0, sizeof *fv);
    const char *p = getenv("MSK_FUZZ_RESULT");
    if (!p || !*p)
        return 0;
    FILE *f = fopen(p, "rb");
    if (!f) {
        perror(p);
        abort();
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    fv->base = malloc(len > 0 ? (size_t)len : 1);
    if (len <= 0 || !fv->base || fread(fv->base, 1, (size_t)len, f) != (size_t)len)
        abort();
    fclose(f);
    fv->base_len = (size_t)len;
    hid_t file = H5Fopen(p, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
        abort();
    H5Lvisit(file, H5_INDEX_NAME, H5_ITER_NATIVE, fuzzvalues_visit, fv);
    H5Fclose(file);
    return fv->n > 0;
}

/* Is this input an HDF5 file (structure fuzzing) rather than a list of edits? */
static int fuzzvalues_is_file(const uint8_t *data, size_t size)
{
    return size >= 8 && memcmp(data, "\x89HDF\r\n\x1a\n", 8) == 0;
}

static double fuzzvalues_special(unsigned k)
{
    static const double v[] = {NAN, INFINITY, -INFINITY, 0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, -1e-300,
                               4.9406564584124654e-324, 2.2250738585072014e-308, 1e300, -1e300,
                               1.7976931348623157e308, -1.7976931348623157e308, 9007199254740993.0,
                               1e6, 1e9, 1e12, 1e18, -1e18, 1e-9, 1e-18, 4294967296.0, 2147483648.0,
                               255.0, 256.0, 65536.0, 1e5, 100001.0, 10001.0};
    return v[k % (sizeof v / sizeof v[0])];
}

static void fuzzvalues_apply(const fuzzvalues *fv, hid_t file, const uint8_t *e)
{
    const char *name = fv->names[e[0] % fv->n];
    hsize_t size = fv->sizes[e[0] % fv->n];
    uint32_t idx = (uint32_t)e[1] | (uint32_t)e[2] << 8 | (uint32_t)e[3] << 16 | (uint32_t)e[4] << 24;
    hsize_t at = idx % size, count = 1;
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    if (ds < 0)
        return;
    hid_t sp = H5Dget_space(ds);
    int rank = H5Sget_simple_extent_ndims(sp);
    double old = 0, v;
    hsize_t coords[256 * H5S_MAX_RANK];
    if (e[5] % 5 == 4)
        count = 1 + e[7] % 256 < size - at ? 1 + e[7] % 256 : size - at;
    hsize_t dims[H5S_MAX_RANK];
    H5Sget_simple_extent_dims(sp, dims, NULL);
    for (hsize_t j = 0; j < count; j++) { /* linear index -> coordinates */
        hsize_t lin = at + j;
        for (int r = rank - 1; r >= 0; r--) {
            coords[j * (hsize_t)rank + (hsize_t)r] = lin % dims[r];
            lin /= dims[r];
        }
    }
    H5Sselect_elements(sp, H5S_SELECT_SET, (size_t)count, coords);
    hid_t mem = H5Screate_simple(1, &count, NULL);
    switch (e[5] % 5) {
    case 0:
        memcpy(&v, e + 6, sizeof v);
        break;
    case 1:
    case 4:
        v = fuzzvalues_special(e[6]);
        break;
    default:
        if (count == 1)
            H5Dread(ds, H5T_NATIVE_DOUBLE, mem, sp, H5P_DEFAULT, &old);
        v = e[5] % 5 == 2 ? old * pow(10, (int)e[6] - 128) : nextafter(old, e[6] & 1 ? INFINITY : -INFINITY);
        break;
    }
    double vals[256];
    for (hsize_t j = 0; j < count; j++)
        vals[j] = v;
    H5Dwrite(ds, H5T_NATIVE_DOUBLE, mem, sp, H5P_DEFAULT, vals); /* a refused conversion is no edit */
    H5Sclose(mem);
    H5Sclose(sp);
    H5Dclose(ds);
}

/* Write the base result with the edits of data to path: 1 when written, 0 when this
 * input is to be skipped. */
static int fuzzvalues_write(const fuzzvalues *fv, const char *path, const uint8_t *data, size_t size)
{
    if (!fv->base)
        return 0;
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(fv->base, 1, fv->base_len, f) != fv->base_len || fclose(f) != 0) {
        perror(path);
        abort();
    }
    H5E_BEGIN_TRY
    {
        hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
        if (file >= 0) {
            for (size_t i = 0; i + FUZZVALUES_EDIT <= size && i < 64 * FUZZVALUES_EDIT; i += FUZZVALUES_EDIT)
                fuzzvalues_apply(fv, file, data + i);
            H5Fclose(file);
        }
    }
    H5E_END_TRY;
    return 1;
}

#endif
