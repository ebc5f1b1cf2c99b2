/* Shared by the parts of benchmark.metrics._rougecore: _rougecore.c (n-grams, scores,
 * the module), _rougelcs.c (LCS and ROUGE-Lsum) and _rougetok.c (rouge-score's tokenizer
 * and the word table). */
#ifndef SUMBENCH_ROUGECORE_H
#define SUMBENCH_ROUGECORE_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const int32_t *v;
    Py_ssize_t n;
} ids_t;
/* Per-batch scratch indexed by token id (all zero between uses): counts for clipped
 * unigram matches and LCS match masks, so neither needs hashing nor an m x n scan. */
typedef struct {
    int32_t *cnt;
    uint64_t *mask;
    int32_t size;
} scratch_t;

static inline int in_scratch(const scratch_t *sc, const ids_t *a) {
    if (!sc) return 0;
    for (Py_ssize_t i = 0; i < a->n; i++)
        if (a->v[i] < 0 || a->v[i] >= sc->size) return 0;
    return 1;
}

/* Sum over distinct keys of min(count in a, count in b), with a small open-addressing
 * table of b's keys (-1 marks an empty slot). */
static inline long clip_hash(const uint64_t *a, Py_ssize_t na, const uint64_t *b, Py_ssize_t nb) {
    if (na == 0 || nb == 0) return 0;
    Py_ssize_t size = 16;
    while (size < 2 * nb) size <<= 1;
    int bits = 0;
    while (((Py_ssize_t)1 << bits) < size) bits++;
    uint64_t skeys[1024];
    int32_t scnt[1024];
    uint64_t *keys = size <= 1024 ? skeys : (uint64_t *)malloc(sizeof(uint64_t) * (size_t)size);
    int32_t *cnt = size <= 1024 ? scnt : (int32_t *)malloc(sizeof(int32_t) * (size_t)size);
    if (!keys || !cnt) {
        if (keys != skeys) free(keys);
        if (cnt != scnt) free(cnt);
        return -1;
    }
    memset(cnt, 0xff, sizeof(int32_t) * (size_t)size);
    uint64_t mask = (uint64_t)size - 1;
    for (Py_ssize_t j = 0; j < nb; j++) {
        uint64_t h = (b[j] * 0x9E3779B97F4A7C15ULL) >> (64 - bits);
        while (cnt[h] >= 0 && keys[h] != b[j]) h = (h + 1) & mask;
        if (cnt[h] < 0) { keys[h] = b[j]; cnt[h] = 1; }
        else cnt[h]++;
    }
    long hits = 0;
    for (Py_ssize_t i = 0; i < na; i++) {
        uint64_t h = (a[i] * 0x9E3779B97F4A7C15ULL) >> (64 - bits);
        while (cnt[h] >= 0 && keys[h] != a[i]) h = (h + 1) & mask;
        if (cnt[h] > 0) { hits++; cnt[h]--; }
    }
    if (keys != skeys) free(keys);
    if (cnt != scnt) free(cnt);
    return hits;
}

long rc_lcs_length(const int32_t *ref, Py_ssize_t m, const int32_t *can, Py_ssize_t n,
                   scratch_t *sc);
long rc_lsum_hits(const ids_t *rt, const ids_t *rl, const ids_t *ct, const ids_t *cl,
                  scratch_t *sc);
PyObject *rc_new_words(PyObject *self, PyObject *unused);
PyObject *rc_tokenize(PyObject *self, PyObject *const *args, Py_ssize_t nargs);
PyObject *rc_tokenize_many(PyObject *self, PyObject *const *args, Py_ssize_t nargs);

#endif
