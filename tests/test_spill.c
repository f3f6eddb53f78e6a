/* test_spill.c — arrays in memory and in a temporary file: same contents, writes from
 * several threads, pages handed back and read again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spill.h"
#include "testutil.h"

enum { WORDS = 3 << 18 }; /* 6 MB of uint64_t: many pages, not page-aligned pieces */

static void fill(spill *s, int parts)
{
#pragma omp parallel for num_threads(2)
    for (int p = 0; p < parts; p++) {
        size_t lo = (size_t)p * WORDS / (size_t)parts, hi = (size_t)(p + 1) * WORDS / (size_t)parts;
        uint64_t buf[4096];
        for (size_t i = lo; i < hi; i += 4096) {
            size_t m = hi - i < 4096 ? hi - i : 4096;
            for (size_t j = 0; j < m; j++)
                buf[j] = (i + j) * 0x9e3779b97f4a7c15u;
            spill_write(s, i * sizeof(uint64_t), buf, m * sizeof(uint64_t));
        }
    }
}

static int holds_pattern(const spill *s, size_t skip_lo, size_t skip_hi)
{
    const uint64_t *x = s->data;
    for (size_t i = 0; i < WORDS; i++)
        if (i >= skip_lo && i < skip_hi ? x[i] != 0 : x[i] != i * 0x9e3779b97f4a7c15u)
            return 0;
    return 1;
}

int main(void)
{
    spill mem, file;
    CHECK(spill_init(&mem, WORDS * sizeof(uint64_t), SPILL_MEMORY_LIMIT) == 0 && mem.fd < 0,
          "below the limit: in memory");
    CHECK(spill_init(&file, WORDS * sizeof(uint64_t), 4096) == 0 && file.fd >= 0,
          "above the limit: in a temporary file (fd %d)", file.fd);
    const uint64_t *z = file.data;
    int zero = 1;
    for (size_t i = 0; i < WORDS; i++)
        zero = zero && z[i] == 0;
    CHECK(zero, "a new file-backed array reads as zeros");
    fill(&mem, 7);
    /* Leave a hole in the file: what is never written stays zero. */
    fill(&file, 7);
    size_t hole_lo = 1000, hole_hi = 5000;
    uint64_t zeros[4000] = {0};
    spill_write(&file, hole_lo * sizeof(uint64_t), zeros, sizeof zeros);
    CHECK(holds_pattern(&mem, 0, 0), "memory: every word written from two threads");
    CHECK(holds_pattern(&file, hole_lo, hole_hi), "file: every word written from two threads, the hole zero");
    spill_release(&file, 12345, WORDS * sizeof(uint64_t) - 23456);
    spill_release(&mem, 0, WORDS * sizeof(uint64_t));
    CHECK(holds_pattern(&file, hole_lo, hole_hi) && holds_pattern(&mem, 0, 0),
          "released pages read back the same");
    spill_fini(&mem);
    spill_fini(&file);
    spill_fini(&file); /* twice: harmless */
    spill empty;
    CHECK(spill_init(&empty, 0, 0) == 0 && empty.data == NULL, "an empty array needs nothing");
    spill_fini(&empty);
    return test_failures;
}
