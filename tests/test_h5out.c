/* test_h5out.c — the netCDF-4-compatible HDF5 writer.
 *
 * Writes one file that uses every h5out function, reads it back through the HDF5 C API
 * (values, dimension scales and their attachments, _Netcdf4Dimid, creation order,
 * chunking and filters, attribute types), checks that identical input gives identical
 * bytes, that a file is replaced only by a commit, that every failure is reported as
 * MSK_EIO with a diagnostic, and finally runs tests/h5compat.py (h5py, xarray with
 * h5netcdf, ncdump, netCDF4) on the file when a python3 with those modules exists. */
#include "h5out.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "atomicfile.h"
#include "signals.h"
#include "testutil.h"

extern char **environ;

enum { N_IND = 3000, N_TIME = 5, N_Q = 3, N_ARM = 2, N_OUTCOME = 3, N_CUFF_TIME = 2 };

static const double time_weeks[N_TIME] = {0.0, 1.0, 2.5, 4.0, 52.142857142857146};
static const double cuff_time[N_CUFF_TIME] = {0.25, 0.75};
static const double quantiles[N_Q] = {0.05, 0.5, 0.95};
static const char *const arm_names[N_ARM] = {"none", "cuff 60% AOP"};
static const char *const outcome_names[N_OUTCOME] = {"fracture", "sarcopenia", "death"};
static const char *const notes[N_ARM] = {"no intervention", "cuff \xE2\x80\x94 60 % AOP, 3\xC3\x97/week"};
static const int32_t counts[N_TIME] = {3000, 2991, INT32_MAX, INT32_MIN, -7};
static const char *const flag_meanings = "alive dead censored";
static const char title[] = "msksim h5out test \xC2\xB5g/kg";

/* "High-entropy" values: no two equal, all bits of the mantissa in use. */
static double lean_value(size_t i, size_t t)
{
    return 20.0 + 3.1 * sin(1.3 * (double)i + 0.7 * (double)t) + 1e-4 * (double)i;
}

static double q_value(size_t q, size_t t, size_t a)
{
    return 18.0 + 4.0 * quantiles[q] + 0.01 * (double)t - 0.5 * (double)a + 1.0 / 3.0;
}

static int64_t id_value(size_t i)
{
    return ((int64_t)1 << 40) + (int64_t)i * 1000003;
}

typedef struct {
    double lean[N_IND][N_TIME];
    double lean_mean[N_TIME];
    double q[N_Q][N_TIME][N_ARM];
    double cuff[N_CUFF_TIME];
    int64_t ids[N_IND];
    int8_t status[N_IND];
} results;

static void fill_results(results *r)
{
    for (size_t t = 0; t < N_TIME; t++) {
        double sum = 0.0;
        for (size_t i = 0; i < N_IND; i++) {
            r->lean[i][t] = lean_value(i, t);
            sum += r->lean[i][t];
        }
        r->lean_mean[t] = sum / N_IND;
    }
    for (size_t q = 0; q < N_Q; q++)
        for (size_t t = 0; t < N_TIME; t++)
            for (size_t a = 0; a < N_ARM; a++)
                r->q[q][t][a] = q_value(q, t, a);
    for (size_t t = 0; t < N_CUFF_TIME; t++)
        r->cuff[t] = 1.5 + (double)t;
    for (size_t i = 0; i < N_IND; i++) {
        r->ids[i] = id_value(i);
        r->status[i] = (int8_t)((i * 7) % 3);
    }
}

/* Every h5out function on one file; returns the first failure. */
static msk_status write_results(h5out *w, const results *r)
{
    static const char *const d_time[] = {"time"};
    static const char *const d_ind_time[] = {"individual", "time"};
    static const char *const d_ind[] = {"individual"};
    static const char *const d_q[] = {"quantile", "time", "arm"};
    static const char *const d_event[] = {"event"};
    static const char *const no_events[] = {NULL};
    const int64_t no_event_times[] = {0};
    const int64_t n_ind = N_IND;
    msk_status st = MSK_OK;
#define STEP(call)                                                                     \
    do {                                                                               \
        if (st == MSK_OK)                                                              \
            st = (call);                                                               \
    } while (0)
    STEP(h5out_dim(w, "", "time", N_TIME, time_weeks, "week", "time since start"));
    STEP(h5out_dim(w, "", "individual", N_IND, NULL, NULL, NULL));
    STEP(h5out_dim(w, "", "event", 0, NULL, NULL, NULL));
    STEP(h5out_dim_strings(w, "", "arm", N_ARM, arm_names, "study arm"));
    STEP(h5out_dim_strings(w, "", "outcome", N_OUTCOME, outcome_names, "outcome"));
    STEP(h5out_attr_string(w, "", "title", title));
    STEP(h5out_attr_string(w, "", "comment", ""));
    STEP(h5out_attr_int64(w, "", "seed", INT64_C(1234567890123456789)));
    STEP(h5out_attr_double(w, "", "dt_days", 0.5));
    STEP(h5out_var_int64(w, "", "id", 1, d_ind, r->ids, "1", "individual id"));
    STEP(h5out_var_flags(w, "", "status", 1, d_ind, r->status, flag_meanings,
                         "vital status at end"));
    STEP(h5out_var_int64(w, "", "n_individuals", 0, NULL, &n_ind, "1", "population size"));
    STEP(h5out_var_int64(w, "", "event_time", 1, d_event, no_event_times, "day",
                         "time of event"));
    STEP(h5out_var_strings(w, "", "event_kind", "event", no_events, "kind of event"));
    STEP(h5out_var_strings(w, "", "arm_notes", "arm", notes, "arm description"));

    STEP(h5out_group(w, "arms/none"));
    STEP(h5out_dim(w, "arms", "quantile", N_Q, quantiles, "1", "quantile"));
    STEP(h5out_attr_string(w, "arms/none", "description", "no intervention"));
    STEP(h5out_attr_int64(w, "arms/none", "arm_index", 0));
    STEP(h5out_var_double(w, "arms/none", "lean_mean", 1, d_time, r->lean_mean, "kg",
                          "mean leg lean mass"));
    STEP(h5out_attr_string(w, "arms/none/lean_mean", "cell_methods", "individual: mean"));
    STEP(h5out_attr_double(w, "arms/none/lean_mean", "valid_min", 0.0));
    STEP(h5out_var_double(w, "arms/none", "lean", 2, d_ind_time, &r->lean[0][0], "kg",
                          "leg lean mass"));
    STEP(h5out_var_double(w, "arms/none", "lean_q", 3, d_q, &r->q[0][0][0], "kg",
                          "quantiles of leg lean mass"));
    STEP(h5out_var_int32(w, "arms/none", "alive", 1, d_time, counts, "1",
                         "individuals alive"));
    /* A group with its own "time", shadowing the root's for its variables. */
    STEP(h5out_dim(w, "arms/cuff", "time", N_CUFF_TIME, cuff_time, "week", "session time"));
    STEP(h5out_var_double(w, "arms/cuff", "pressure", 1, d_time, r->cuff, "mmHg",
                          "cuff pressure"));
#undef STEP
    return st;
}

/* ---- reading back ----------------------------------------------------------------- */

static hsize_t npoints(hid_t ds)
{
    hid_t space = H5Dget_space(ds);
    hssize_t n = H5Sget_simple_extent_npoints(space);
    H5Sclose(space);
    return n < 0 ? 0 : (hsize_t)n;
}

static void check_read(hid_t file, const char *path, hid_t mem_type, void *buf,
                       hsize_t n_expected, const void *expected, size_t bytes)
{
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    CHECK(ds >= 0, "%s opens", path);
    if (ds < 0)
        return;
    hsize_t n = npoints(ds);
    CHECK(n == n_expected, "%s has %llu elements (expected %llu)", path,
          (unsigned long long)n, (unsigned long long)n_expected);
    herr_t rc = n == n_expected ? H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : -1;
    CHECK(rc >= 0 && memcmp(buf, expected, bytes) == 0, "%s values read back exactly", path);
    H5Dclose(ds);
}

/* A text attribute as netCDF-C writes NC_CHAR: scalar fixed-length string. */
static void check_text_attr(hid_t obj, const char *objname, const char *name,
                            const char *expected)
{
    char buf[256] = "";
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t t = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    hid_t s = a >= 0 ? H5Aget_space(a) : H5I_INVALID_HID;
    bool fixed = t >= 0 && H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) == 0;
    bool scalar = s >= 0 && H5Sget_simple_extent_type(s) == H5S_SCALAR;
    size_t size = fixed ? H5Tget_size(t) : 0;
    if (fixed && size < sizeof buf)
        H5Aread(a, t, buf);
    buf[size < sizeof buf ? size : sizeof buf - 1] = '\0';
    CHECK(fixed && scalar && strcmp(buf, expected) == 0,
          "%s:%s is a scalar fixed-length string \"%s\" (expected \"%s\")", objname, name, buf,
          expected);
    if (s >= 0)
        H5Sclose(s);
    if (t >= 0)
        H5Tclose(t);
    if (a >= 0)
        H5Aclose(a);
}

static void check_num_attr(hid_t obj, const char *objname, const char *name, hid_t mem_type,
                           const void *expected, size_t bytes)
{
    unsigned char buf[16] = {0};
    hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    herr_t rc = a >= 0 ? H5Aread(a, mem_type, buf) : -1;
    CHECK(rc >= 0 && memcmp(buf, expected, bytes) == 0, "%s:%s read back exactly", objname,
          name);
    if (a >= 0)
        H5Aclose(a);
}

static int read_dimid(hid_t file, const char *path)
{
    int id = -1;
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    hid_t a = ds >= 0 ? H5Aopen(ds, "_Netcdf4Dimid", H5P_DEFAULT) : H5I_INVALID_HID;
    if (a < 0 || H5Aread(a, H5T_NATIVE_INT, &id) < 0)
        id = -1;
    CHECK(ds >= 0 && H5DSis_scale(ds) > 0 && id >= 0, "%s is a dimension scale with "
          "_Netcdf4Dimid %d", path, id);
    if (a >= 0)
        H5Aclose(a);
    if (ds >= 0)
        H5Dclose(ds);
    return id;
}

static void check_attached(hid_t file, const char *var, unsigned axis, const char *dim)
{
    hid_t ds = H5Dopen2(file, var, H5P_DEFAULT);
    hid_t sc = H5Dopen2(file, dim, H5P_DEFAULT);
    htri_t yes = ds >= 0 && sc >= 0 ? H5DSis_attached(ds, sc, axis) : -1;
    int n = ds >= 0 ? H5DSget_num_scales(ds, axis) : -1;
    CHECK(yes > 0 && n == 1, "%s axis %u is attached to %s only (%d scales)", var, axis, dim,
          n);
    if (sc >= 0)
        H5Dclose(sc);
    if (ds >= 0)
        H5Dclose(ds);
}

static void check_layout(hid_t file, const char *path, bool compressed)
{
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    hid_t dcpl = ds >= 0 ? H5Dget_create_plist(ds) : H5I_INVALID_HID;
    H5D_layout_t layout = dcpl >= 0 ? H5Pget_layout(dcpl) : H5D_LAYOUT_ERROR;
    int nfilters = dcpl >= 0 ? H5Pget_nfilters(dcpl) : -1;
    unsigned order = 0;
    if (dcpl >= 0)
        H5Pget_attr_creation_order(dcpl, &order);
    CHECK(order == (H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          "%s tracks and indexes attribute creation order (flags %u)", path, order);
    if (!compressed) {
        CHECK(layout == H5D_CONTIGUOUS && nfilters == 0,
              "%s is small: contiguous, no filters (layout %d, %d filters)", path,
              (int)layout, nfilters);
    } else {
        hsize_t chunk[H5S_MAX_RANK], dims[H5S_MAX_RANK];
        int rank = H5Pget_chunk(dcpl, H5S_MAX_RANK, chunk);
        hid_t space = H5Dget_space(ds);
        H5Sget_simple_extent_dims(space, dims, NULL);
        H5Sclose(space);
        hsize_t bytes = 8;
        bool fits = rank > 0;
        for (int i = 0; i < rank; i++) {
            fits = fits && chunk[i] >= 1 && chunk[i] <= dims[i];
            bytes *= chunk[i];
        }
        unsigned flags, conf;
        size_t nelmts = 1;
        unsigned level = 0;
        H5Z_filter_t f0 = nfilters >= 2 ? H5Pget_filter2(dcpl, 0, &flags, &(size_t){0}, NULL,
                                                         0, NULL, &conf)
                                        : H5Z_FILTER_ERROR;
        H5Z_filter_t f1 = nfilters >= 2 ? H5Pget_filter2(dcpl, 1, &flags, &nelmts, &level, 0,
                                                         NULL, &conf)
                                        : H5Z_FILTER_ERROR;
        CHECK(layout == H5D_CHUNKED && fits && bytes <= (1u << 20),
              "%s is chunked within its shape, %llu-byte chunks", path,
              (unsigned long long)bytes);
        CHECK(f0 == H5Z_FILTER_SHUFFLE && f1 == H5Z_FILTER_DEFLATE && level == 4,
              "%s: shuffle then deflate level %u", path, level);
    }
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (ds >= 0)
        H5Dclose(ds);
}

static void check_creation_order(hid_t gcpl, const char *what)
{
    unsigned links = 0, attrs = 0;
    H5Pget_link_creation_order(gcpl, &links);
    H5Pget_attr_creation_order(gcpl, &attrs);
    unsigned both = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
    CHECK(links == both && attrs == both,
          "%s tracks and indexes link and attribute creation order (%u, %u)", what, links,
          attrs);
}

static void check_strings(hid_t file, const char *path, size_t n, const char *const *expected)
{
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    hid_t t = ds >= 0 ? H5Dget_type(ds) : H5I_INVALID_HID;
    bool vlen_utf8 = t >= 0 && H5Tis_variable_str(t) > 0 && H5Tget_cset(t) == H5T_CSET_UTF8;
    CHECK(vlen_utf8, "%s is variable-length UTF-8", path);
    char *got[8] = {NULL};
    bool same = ds >= 0 && npoints(ds) == n && n <= 8;
    if (same && n > 0 && H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, got) >= 0) {
        for (size_t i = 0; i < n; i++)
            same = same && got[i] && strcmp(got[i], expected[i]) == 0;
        hid_t space = H5Dget_space(ds);
#if H5_VERSION_GE(1, 12, 0)
        H5Treclaim(t, space, H5P_DEFAULT, got);
#else
        H5Dvlen_reclaim(t, space, H5P_DEFAULT, got);
#endif
        H5Sclose(space);
    }
    CHECK(same, "%s holds its %zu strings", path, n);
    if (t >= 0)
        H5Tclose(t);
    if (ds >= 0)
        H5Dclose(ds);
}

static void verify_file(const char *path, const results *r)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(file >= 0, "%s opens with the HDF5 C API", path);
    if (file < 0)
        return;
    static double lean[N_IND][N_TIME];
    double d[N_Q * N_TIME * N_ARM];
    int64_t ids[N_IND], n_ind = 0, expected_n = N_IND;
    int32_t alive[N_TIME];
    int8_t status[N_IND];
    check_read(file, "/time", H5T_NATIVE_DOUBLE, d, N_TIME, time_weeks, sizeof time_weeks);
    check_read(file, "/arms/quantile", H5T_NATIVE_DOUBLE, d, N_Q, quantiles, sizeof quantiles);
    check_read(file, "/arms/cuff/time", H5T_NATIVE_DOUBLE, d, N_CUFF_TIME, cuff_time,
               sizeof cuff_time);
    check_read(file, "/arms/none/lean", H5T_NATIVE_DOUBLE, lean, N_IND * N_TIME, r->lean,
               sizeof lean);
    check_read(file, "/arms/none/lean_mean", H5T_NATIVE_DOUBLE, d, N_TIME, r->lean_mean,
               sizeof r->lean_mean);
    check_read(file, "/arms/none/lean_q", H5T_NATIVE_DOUBLE, d, N_Q * N_TIME * N_ARM, r->q,
               sizeof r->q);
    check_read(file, "/arms/cuff/pressure", H5T_NATIVE_DOUBLE, d, N_CUFF_TIME, r->cuff,
               sizeof r->cuff);
    check_read(file, "/arms/none/alive", H5T_NATIVE_INT32, alive, N_TIME, counts,
               sizeof counts);
    check_read(file, "/id", H5T_NATIVE_INT64, ids, N_IND, r->ids, sizeof r->ids);
    check_read(file, "/status", H5T_NATIVE_INT8, status, N_IND, r->status, sizeof r->status);
    check_read(file, "/n_individuals", H5T_NATIVE_INT64, &n_ind, 1, &expected_n,
               sizeof expected_n);
    check_strings(file, "/arm", N_ARM, arm_names);
    check_strings(file, "/outcome", N_OUTCOME, outcome_names);
    check_strings(file, "/arm_notes", N_ARM, notes);
    check_strings(file, "/event_kind", 0, NULL);

    /* Dimensions: scales with ids unique in the file, attached axis by axis. */
    const char *const scales[] = {"/time", "/individual", "/event", "/arm", "/outcome",
                                  "/arms/quantile", "/arms/cuff/time"};
    int ids_seen[7];
    for (size_t i = 0; i < 7; i++) {
        ids_seen[i] = read_dimid(file, scales[i]);
        for (size_t j = 0; j < i; j++)
            CHECK(ids_seen[j] != ids_seen[i], "_Netcdf4Dimid of %s (%d) differs from %s (%d)",
                  scales[i], ids_seen[i], scales[j], ids_seen[j]);
    }
    char name[128] = "";
    hid_t ind = H5Dopen2(file, "/individual", H5P_DEFAULT);
    H5DSget_scale_name(ind, name, sizeof name);
    char expected_name[128];
    snprintf(expected_name, sizeof expected_name, "%s%10d",
             "This is a netCDF dimension but not a netCDF variable.", N_IND);
    CHECK(strcmp(name, expected_name) == 0, "/individual NAME is \"%s\"", name);
    hid_t dt = H5Dget_type(ind);
    CHECK(H5Tequal(dt, H5T_IEEE_F32BE) > 0, "/individual is a float dataset as netCDF-C makes");
    H5Tclose(dt);
    H5Dclose(ind);
    hid_t time = H5Dopen2(file, "/time", H5P_DEFAULT);
    H5DSget_scale_name(time, name, sizeof name);
    CHECK(strcmp(name, "time") == 0, "/time NAME is \"%s\"", name);
    check_text_attr(time, "/time", "units", "week");
    check_text_attr(time, "/time", "long_name", "time since start");
    H5Dclose(time);
    hid_t ev = H5Dopen2(file, "/event", H5P_DEFAULT);
    hsize_t cur = 1, max = 0;
    hid_t space = H5Dget_space(ev);
    H5Sget_simple_extent_dims(space, &cur, &max);
    CHECK(cur == 0 && max == H5S_UNLIMITED, "/event: zero length, unlimited (%llu, %llu)",
          (unsigned long long)cur, (unsigned long long)max);
    H5Sclose(space);
    H5Dclose(ev);
    check_attached(file, "/arms/none/lean", 0, "/individual");
    check_attached(file, "/arms/none/lean", 1, "/time");
    check_attached(file, "/arms/none/lean_q", 0, "/arms/quantile");
    check_attached(file, "/arms/none/lean_q", 1, "/time");
    check_attached(file, "/arms/none/lean_q", 2, "/arm");
    check_attached(file, "/arms/cuff/pressure", 0, "/arms/cuff/time");
    check_attached(file, "/event_time", 0, "/event");
    check_attached(file, "/arm_notes", 0, "/arm");

    /* Storage: compressed chunks only where it pays. */
    check_layout(file, "/arms/none/lean", true);
    check_layout(file, "/id", true);
    check_layout(file, "/arms/none/lean_mean", false);
    check_layout(file, "/status", false);

    /* Creation order on the root and a nested group. */
    hid_t root = H5Gopen2(file, "/", H5P_DEFAULT);
    hid_t rcpl = H5Gget_create_plist(root);
    check_creation_order(rcpl, "root group");
    H5Pclose(rcpl);
    hid_t g = H5Gopen2(file, "/arms/none", H5P_DEFAULT);
    hid_t gcpl = H5Gget_create_plist(g);
    check_creation_order(gcpl, "/arms/none");
    H5Pclose(gcpl);
    ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, 0, name,
                                     sizeof name, H5P_DEFAULT);
    CHECK(len > 0 && strcmp(name, "lean_mean") == 0,
          "/arms/none lists lean_mean first in creation order (got %s)", name);

    /* Attributes on root, group and variable. */
    int64_t seed = INT64_C(1234567890123456789), idx = 0;
    double dt_days = 0.5, zero = 0.0;
    check_text_attr(root, "/", "title", title);
    check_text_attr(root, "/", "comment", "");
    check_num_attr(root, "/", "seed", H5T_NATIVE_INT64, &seed, sizeof seed);
    check_num_attr(root, "/", "dt_days", H5T_NATIVE_DOUBLE, &dt_days, sizeof dt_days);
    check_text_attr(g, "/arms/none", "description", "no intervention");
    check_num_attr(g, "/arms/none", "arm_index", H5T_NATIVE_INT64, &idx, sizeof idx);
    H5Gclose(root);
    H5Gclose(g);
    hid_t lm = H5Dopen2(file, "/arms/none/lean_mean", H5P_DEFAULT);
    check_text_attr(lm, "/arms/none/lean_mean", "units", "kg");
    check_text_attr(lm, "/arms/none/lean_mean", "long_name", "mean leg lean mass");
    check_text_attr(lm, "/arms/none/lean_mean", "cell_methods", "individual: mean");
    check_num_attr(lm, "/arms/none/lean_mean", "valid_min", H5T_NATIVE_DOUBLE, &zero,
                   sizeof zero);
    H5Dclose(lm);
    hid_t st = H5Dopen2(file, "/status", H5P_DEFAULT);
    int8_t fv[3] = {-1, -1, -1}, fv_expected[3] = {0, 1, 2};
    hid_t a = H5Aopen(st, "flag_values", H5P_DEFAULT);
    hid_t as = H5Aget_space(a);
    CHECK(H5Sget_simple_extent_npoints(as) == 3 && H5Aread(a, H5T_NATIVE_INT8, fv) >= 0 &&
              memcmp(fv, fv_expected, 3) == 0,
          "/status:flag_values = %d %d %d", fv[0], fv[1], fv[2]);
    H5Sclose(as);
    H5Aclose(a);
    check_text_attr(st, "/status", "flag_meanings", flag_meanings);
    CHECK(H5Aexists(st, "units") == 0, "/status (flags) has no units");
    H5Dclose(st);

    H5Fclose(file);
}

/* ---- files and directories -------------------------------------------------------- */

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Whole file into a malloc'd buffer; NULL if unreadable. */
static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0, got;
    do {
        if (n == cap) {
            cap = cap ? 2 * cap : 65536;
            buf = realloc(buf, cap);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *size = n;
    return buf;
}

static size_t count_temp_files(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        if (strstr(e->d_name, ".tmp."))
            n++;
    if (d)
        closedir(d);
    return n;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *p = path_in(dir, e->d_name);
        unlink(p);
        free(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

static const char *last_message(const diag_list *d)
{
    return d->count ? d->items[d->count - 1].message : "(none)";
}

/* ---- scenarios -------------------------------------------------------------------- */

static void test_write_and_verify(const char *dir, const results *r, const char *path)
{
    diag_list diags;
    diag_list_init(&diags);
    h5out *w = h5out_create(path, &diags);
    CHECK(w != NULL, "h5out_create in %s", dir);
    msk_status st = w ? write_results(w, r) : MSK_EIO;
    CHECK(st == MSK_OK, "every h5out function succeeds (status %d: %s)", (int)st,
          last_message(&diags));
    CHECK(count_temp_files(dir) == 1, "while writing, one temporary file sits next to the "
          "final path (%zu)", count_temp_files(dir));
    st = w ? h5out_commit(w) : MSK_EIO;
    CHECK(st == MSK_OK, "h5out_commit (%s)", last_message(&diags));
    h5out_destroy(w);
    CHECK(count_temp_files(dir) == 0, "no temporary file remains after commit");
    CHECK(diags.count == 0, "no diagnostics (%zu)", diags.count);
    diag_list_fini(&diags);
    verify_file(path, r);
}

static void test_deterministic(const char *dir, const results *r, const char *first)
{
    char *second = path_in(dir, "again.h5");
    sleep(1); /* HDF5 timestamps have 1 s resolution: make any stored time differ */
    diag_list diags;
    diag_list_init(&diags);
    h5out *w = h5out_create(second, &diags);
    msk_status st = w ? write_results(w, r) : MSK_EIO;
    if (st == MSK_OK)
        st = h5out_commit(w);
    h5out_destroy(w);
    size_t n1 = 0, n2 = 0;
    unsigned char *a = slurp(first, &n1), *b = slurp(second, &n2);
    CHECK(st == MSK_OK && a && b && n1 == n2 && memcmp(a, b, n1) == 0,
          "same results, same bytes (%zu and %zu bytes)", n1, n2);
    free(a);
    free(b);
    unlink(second);
    free(second);
    diag_list_fini(&diags);
}

static void test_atomicity(const char *dir)
{
    static const char precious[] = "precious results from an earlier run\n";
    static const char *const d_x[] = {"x"};
    const double x[3] = {1.0, 2.0, 3.0};
    char *path = path_in(dir, "atomic.h5");
    FILE *f = fopen(path, "wb");
    fwrite(precious, 1, sizeof precious - 1, f);
    fclose(f);

    /* (a) destroyed without commit: the old file is untouched, no temporary remains. */
    diag_list diags;
    diag_list_init(&diags);
    h5out *w = h5out_create(path, &diags);
    msk_status st = w ? h5out_dim(w, "", "x", 3, x, "1", "x") : MSK_EIO;
    if (st == MSK_OK)
        st = h5out_var_double(w, "", "y", 1, d_x, x, "1", "y");
    CHECK(st == MSK_OK, "uncommitted writer accepts data");
    h5out_destroy(w);
    size_t n = 0;
    unsigned char *bytes = slurp(path, &n);
    CHECK(bytes && n == sizeof precious - 1 && memcmp(bytes, precious, n) == 0,
          "destroy without commit leaves the existing file byte-identical (%zu bytes)", n);
    free(bytes);
    CHECK(count_temp_files(dir) == 0, "destroy without commit removes the temporary file");

    /* (b) commit replaces it. */
    w = h5out_create(path, &diags);
    st = w ? h5out_dim(w, "", "x", 3, x, "1", "x") : MSK_EIO;
    if (st == MSK_OK)
        st = h5out_commit(w);
    h5out_destroy(w);
    CHECK(st == MSK_OK && H5Fis_hdf5(path) > 0, "commit replaces the existing file");
    CHECK(count_temp_files(dir) == 0, "no temporary file after the replacing commit");
    struct stat sb;
    mode_t mask = umask(0);
    umask(mask);
    CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == (0666 & ~mask),
          "committed file mode %03o follows the umask (%03o)", (unsigned)(sb.st_mode & 0777),
          (unsigned)(0666 & ~mask));
    CHECK(diags.count == 0, "no diagnostics (%zu)", diags.count);

    /* (c) a directory that does not exist. */
    char *missing = path_in(dir, "no/such/dir/out.h5");
    w = h5out_create(missing, &diags);
    CHECK(w == NULL && diags.errors == 1, "h5out_create in a missing directory fails");
    CHECK(diags.count == 1 && strstr(diags.items[0].message, "No such file") &&
              strcmp(diags.items[0].file, missing) == 0,
          "diagnostic names the path: %s: %s", diags.count ? diags.items[0].file : "",
          last_message(&diags));
    free(missing);
    diag_list_fini(&diags);
    unlink(path);
    free(path);
}

/* A real write error from the file system, provoked with a file-size limit (EFBIG):
 * HDF5's reason reaches the diagnostic, nothing is committed, and the previous file
 * survives. The limit is lifted before h5out_destroy, as truncating the discarded file
 * frees the space after ENOSPC; HDF5 1.10 cannot close a file whose metadata cannot be
 * written. Nothing is printed while the limit holds, since stdout may be a file. */
static void test_write_error(const char *dir, const results *r)
{
    static const char previous[] = "results of the previous run\n";
    char *path = path_in(dir, "full.h5");
    FILE *f = fopen(path, "wb");
    fwrite(previous, 1, sizeof previous - 1, f);
    fclose(f);
    diag_list diags;
    diag_list_init(&diags);
    struct rlimit saved, limit;
    getrlimit(RLIMIT_FSIZE, &saved);
    limit = saved;
    limit.rlim_cur = 16384;
    fflush(stdout);
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &limit);
    h5out *w = h5out_create(path, &diags);
    msk_status st = w ? write_results(w, r) : MSK_EIO;
    msk_status st_commit = w ? h5out_commit(w) : MSK_EIO;
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, old_handler);
    h5out_destroy(w);

    CHECK(w && st == MSK_EIO && st_commit == MSK_EIO && diags.errors == 2,
          "file too large: writing fails, commit refuses (status %d, %d; %zu errors)",
          (int)st, (int)st_commit, diags.errors);
    CHECK(diags.count >= 1 && strstr(diags.items[0].message, "File too large") &&
              !strchr(diags.items[0].message, '\n'),
          "file too large: the one-line diagnostic quotes HDF5: %s: %s",
          diags.count ? diags.items[0].path : "", diags.count ? diags.items[0].message : "");
    size_t n = 0;
    unsigned char *bytes = slurp(path, &n);
    CHECK(bytes && n == sizeof previous - 1 && memcmp(bytes, previous, n) == 0,
          "file too large: the previous file is untouched (%zu bytes)", n);
    free(bytes);
    CHECK(count_temp_files(dir) == 0, "file too large: no temporary file left");
    unlink(path);
    free(path);
    diag_list_fini(&diags);
}

/* Each failure scenario runs on a fresh writer; `expect` must occur in the one error
 * diagnostic it produces. */
typedef msk_status failure_fn(h5out *w);

static const char *const d_t[] = {"t"};
static const double t3[3] = {0.0, 1.0, 2.0};

static msk_status setup_t(h5out *w)
{
    return h5out_dim(w, "", "t", 3, t3, "day", "time");
}

static msk_status f_unknown_dim(h5out *w)
{
    static const char *const d_u[] = {"u"};
    return h5out_var_double(w, "g", "v", 1, d_u, t3, "1", "v");
}

static msk_status f_dim_not_in_scope(h5out *w)
{
    /* A dimension of a sibling group is not visible. */
    msk_status st = h5out_dim(w, "a", "t", 3, t3, "day", "time");
    return st != MSK_OK ? st : h5out_var_double(w, "b", "v", 1, d_t, t3, "1", "v");
}

static msk_status f_duplicate_var(h5out *w)
{
    msk_status st = setup_t(w);
    if (st == MSK_OK)
        st = h5out_var_double(w, "", "v", 1, d_t, t3, "1", "v");
    return st != MSK_OK ? st : h5out_var_double(w, "", "v", 1, d_t, t3, "1", "v");
}

static msk_status f_duplicate_dim(h5out *w)
{
    msk_status st = h5out_dim(w, "", "t", 3, NULL, NULL, NULL);
    return st != MSK_OK ? st : h5out_dim(w, "", "t", 3, NULL, NULL, NULL);
}

static msk_status f_bad_var_name(h5out *w)
{
    msk_status st = setup_t(w);
    return st != MSK_OK ? st : h5out_var_double(w, "", "a/b", 1, d_t, t3, "1", "v");
}

static msk_status f_bad_group(h5out *w)
{
    return h5out_group(w, "arms//none");
}

static msk_status f_group_through_var(h5out *w)
{
    msk_status st = setup_t(w);
    return st != MSK_OK ? st : h5out_group(w, "t/sub");
}

static msk_status f_flag_out_of_range(h5out *w)
{
    static const int8_t codes[3] = {0, 2, 1};
    msk_status st = setup_t(w);
    return st != MSK_OK ? st : h5out_var_flags(w, "", "f", 1, d_t, codes, "yes no", "f");
}

static msk_status f_no_flag_meanings(h5out *w)
{
    static const int8_t codes[3] = {0, 0, 0};
    msk_status st = setup_t(w);
    return st != MSK_OK ? st : h5out_var_flags(w, "", "f", 1, d_t, codes, "  ", "f");
}

static msk_status f_attr_missing_object(h5out *w)
{
    return h5out_attr_string(w, "nowhere/v", "units", "kg");
}

static msk_status f_attr_reserved(h5out *w)
{
    msk_status st = setup_t(w);
    return st != MSK_OK ? st : h5out_attr_string(w, "t", "DIMENSION_LIST", "x");
}

static msk_status f_bad_utf8(h5out *w)
{
    static const char *const bad[3] = {"ok", "caf\xC3", "ok"};
    msk_status st = setup_t(w);
    return st != MSK_OK ? st : h5out_var_strings(w, "", "s", "t", bad, "s");
}

static msk_status f_commit_twice(h5out *w)
{
    msk_status st = h5out_commit(w);
    return st != MSK_OK ? st : h5out_commit(w);
}

static void test_failure_paths(const char *dir)
{
    static const struct {
        const char *what;
        failure_fn *fn;
        const char *expect;
    } cases[] = {
        {"unknown dimension", f_unknown_dim, "dimension 'u' is not defined"},
        {"dimension of a sibling group", f_dim_not_in_scope, "dimension 't' is not defined"},
        {"duplicate variable", f_duplicate_var, "already exists"},
        {"duplicate dimension", f_duplicate_dim, "already exists"},
        {"'/' in a variable name", f_bad_var_name, "invalid variable name"},
        {"empty group name", f_bad_group, "invalid group path"},
        {"group below a variable", f_group_through_var, "cannot also be a group"},
        {"flag value without meaning", f_flag_out_of_range, "not one of the 2 flag values"},
        {"no flag meanings", f_no_flag_meanings, "0 flag meanings"},
        {"attribute on a missing object", f_attr_missing_object, "no group or variable"},
        {"reserved attribute", f_attr_reserved, "reserved"},
        {"invalid UTF-8", f_bad_utf8, "not valid UTF-8"},
        {"commit twice", f_commit_twice, "already committed"},
    };
    char *path = path_in(dir, "fail.h5");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        diag_list diags;
        diag_list_init(&diags);
        h5out *w = h5out_create(path, &diags);
        msk_status st = w ? cases[i].fn(w) : MSK_OK;
        const char *msg = last_message(&diags);
        CHECK(st == MSK_EIO && diags.errors == 1 && strstr(msg, cases[i].expect),
              "%s: status %d, %zu error(s): %s: %s", cases[i].what, (int)st, diags.errors,
              diags.count ? diags.items[diags.count - 1].path : "", msg);
        CHECK(diags.count == 1 && strcmp(diags.items[0].file, path) == 0,
              "%s: the diagnostic names the output file", cases[i].what);
        if (i + 1 < sizeof cases / sizeof cases[0]) {
            /* After a failure only destroy is accepted; nothing is ever committed. */
            CHECK(h5out_group(w, "later") == MSK_EIO && h5out_commit(w) == MSK_EIO,
                  "%s: the writer refuses further work", cases[i].what);
        }
        h5out_destroy(w);
        bool committed = i + 1 == sizeof cases / sizeof cases[0];
        CHECK(count_temp_files(dir) == 0 && (access(path, F_OK) == 0) == committed,
              "%s: no temporary file left%s", cases[i].what,
              committed ? ", committed file present" : ", no output file");
        unlink(path);
        diag_list_fini(&diags);
    }
    free(path);
}

/* Run tests/h5compat.py with the first python3 that has its modules (it exits 77 when
 * they are missing). No shell: the path goes to the interpreter as one argument. */
static void test_python_readers(const char *path)
{
    const char *script = MSK_SOURCE_DIR "/tests/h5compat.py";
    const char *candidates[] = {getenv("MSK_PYTHON"), "python3", "/usr/bin/python3"};
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        if (!candidates[i] || !*candidates[i])
            continue;
        char *argv[] = {(char *)candidates[i], (char *)script, (char *)path, NULL};
        pid_t pid;
        fflush(stdout);
        int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
        if (rc != 0) {
            printf("note: cannot run %s: %s\n", argv[0], strerror(rc));
            continue;
        }
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (code == 77 || code == 127) {
            printf("note: %s lacks the modules h5compat.py needs\n", argv[0]);
            continue;
        }
        CHECK(code == 0, "tests/h5compat.py with %s on %s: exit %d", argv[0], path, code);
        return;
    }
    printf("skip: no python3 with h5py, numpy and xarray; netCDF reader checks not run\n");
}

/* The lowest free descriptor: equal at start and end when none leaked. */
static int lowest_free_fd(void)
{
    int fd = open("/dev/null", O_RDONLY);
    if (fd >= 0)
        close(fd);
    return fd;
}

/* Files in dir whose names start with prefix. */
static int count_prefixed(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (d)
        closedir(d);
    return n;
}

/* A stop signal that arrives while the result is written (after the simulation's last
 * poll) must still keep the output from appearing: the command reports "interrupted"
 * (exit 75), so a result under the final name would contradict it. h5out_commit and
 * atomicfile_commit check the flag before the rename; the earlier file stays. */
static void test_stop_before_rename(const char *dir)
{
    char *h5 = path_in(dir, "stopped.h5"), *txt = path_in(dir, "stopped.txt");
    FILE *f = fopen(h5, "w");
    fputs("the earlier result\n", f);
    fclose(f);
    diag_list d;
    diag_list_init(&d);
    h5out *w = h5out_create(h5, &d);
    CHECK(w && h5out_group(w, "g") == MSK_OK, "a writer for the stop test");
    atomicfile af;
    CHECK(atomicfile_open(&af, txt, &d) == MSK_OK, "an atomic text file for the stop test");
    fputs("partial\n", af.f);
    msk_signals_catch(MSK_SIGNALS_STOP);
    raise(SIGINT);
    msk_status st = w ? h5out_commit(w) : MSK_EIO;
    h5out_destroy(w);
    CHECK(st == MSK_EINTERRUPTED, "h5out_commit after SIGINT: interrupted (status %d)", (int)st);
    st = atomicfile_commit(&af, &d);
    CHECK(st == MSK_EINTERRUPTED, "atomicfile_commit after SIGINT: interrupted (status %d)", (int)st);
    msk_signals_catch(MSK_SIGNALS_STOP); /* clears the flag for what follows */
    msk_signals_restore();
    char buf[64] = "";
    f = fopen(h5, "r");
    CHECK(f && fgets(buf, sizeof buf, f) && strcmp(buf, "the earlier result\n") == 0,
          "the earlier file under the final name is intact");
    if (f)
        fclose(f);
    CHECK(access(txt, F_OK) != 0, "the text file never appeared");
    CHECK(count_prefixed(dir, "stopped.h5.tmp") == 0 && count_prefixed(dir, "stopped.txt.") == 0,
          "no temporary file left (%d, %d)", count_prefixed(dir, "stopped.h5.tmp"), count_prefixed(dir, "stopped.txt."));
    unlink(h5);
    diag_list_fini(&d);
    free(h5);
    free(txt);
}

int main(void)
{
    int first_free_fd = lowest_free_fd();
    char dir[] = MSK_BINARY_DIR "/test_h5out.XXXXXX";
    if (!mkdtemp(dir)) {
        printf("FAIL: cannot create a scratch directory under %s: %s\n", MSK_BINARY_DIR,
               strerror(errno));
        return 1;
    }
    static results r;
    fill_results(&r);
    char *path = path_in(dir, "results.h5");

    test_write_and_verify(dir, &r, path);
    test_deterministic(dir, &r, path);
    test_atomicity(dir);
    test_failure_paths(dir);
    test_write_error(dir, &r);
    test_stop_before_rename(dir);
    test_python_readers(path);

    int free_fd = lowest_free_fd();
    CHECK(free_fd == first_free_fd, "no file descriptors leaked (lowest free %d, was %d)",
          free_fd, first_free_fd);
    ssize_t open_ids = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
    CHECK(open_ids == 0, "no HDF5 identifiers left open (%zd)", open_ids);
    hid_t ids[16];
    ssize_t n_ids = H5Fget_obj_ids(H5F_OBJ_ALL, H5F_OBJ_ALL, 16, ids);
    for (ssize_t i = 0; i < n_ids; i++) {
        char name[256] = "?";
        H5Iget_name(ids[i], name, sizeof name);
        printf("note: still open: HDF5 id of type %d, %s\n", (int)H5Iget_type(ids[i]), name);
    }

    if (test_failures == 0)
        remove_dir(dir);
    else
        printf("note: files kept in %s\n", dir);
    free(path);
    return test_failures;
}
