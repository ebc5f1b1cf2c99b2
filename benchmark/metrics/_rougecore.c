/* ROUGE's integer counts on interned token ids, and rouge-score's tokenizer, in C.
 *
 * Why C: rouge-score's numbers come from a few integers per pair (clipped n-gram
 * matches, an LCS length, the union-LCS hits of ROUGE-Lsum). Computing them here
 * is two orders of magnitude faster than rouge-score's Python. benchmark/metrics/
 * rouge.py computes the same counts in Python (the fallback) and checks this module
 * against it on first use (integers and floats), so both paths give identical scores.
 *
 * Token ids travel as packed native int32 (bytes), sentences as packed ids plus
 * packed per-sentence lengths.
 *
 * tokenize(text, words, lines) -> (ids, lengths) | list of unknown words
 *   rouge-score's default tokenizer: text.lower(), runs of [a-z0-9]; each word is
 *   mapped through ``words`` (word -> id, -1 drops it). If any word is missing the
 *   distinct missing words come back as a list, for Python to stem and add. With
 *   ``lines`` true, lengths holds one entry per "\n"-separated line, else one.
 * score_pairs(preds, refs, pred_sents, ref_sents, kinds, keys) -> list of float tuples
 *   Many single-reference pairs at once: P, R, F per kind (n >= 1 ROUGE-n, 0 ROUGE-L,
 *   -1 ROUGE-Lsum), divided as rouge-score divides (checked against Python too).
 * tokenize_many(texts, words, lines) -> list of (ids, lengths) | list of unknown words
 *   tokenize over many texts in one call (all unknown words of all texts at once).
 * counts(pred, ref, pred_sents, ref_sents, ns, want_l) -> tuple of ints
 *   pred/ref: packed ids; *_sents: (packed ids, packed lengths) or None. For each
 *   n in ns: hits, prediction n-grams, reference n-grams; then the LCS length if
 *   want_l; then, if both sentence pairs are given: Lsum hits, prediction tokens,
 *   reference tokens.
 */
#include "_rougecore.h"

static int view_ids(PyObject *obj, ids_t *out) {
    if (!PyBytes_Check(obj)) {
        PyErr_SetString(PyExc_TypeError, "token ids must be packed int32 bytes");
        return -1;
    }
    out->v = (const int32_t *)PyBytes_AS_STRING(obj);
    out->n = PyBytes_GET_SIZE(obj) / (Py_ssize_t)sizeof(int32_t);
    return 0;
}

/* Clipped matches of single tokens: sum over ids of min(count in a, count in b). */
static long clip_ids(scratch_t *sc, const int32_t *a, Py_ssize_t na, const int32_t *b,
                     Py_ssize_t nb) {
    for (Py_ssize_t j = 0; j < nb; j++) sc->cnt[b[j]]++;
    long hits = 0;
    for (Py_ssize_t i = 0; i < na; i++)
        if (sc->cnt[a[i]] > 0) { hits++; sc->cnt[a[i]]--; }
    for (Py_ssize_t j = 0; j < nb; j++) sc->cnt[b[j]] = 0;
    return hits;
}

/* ------------------------------------------------------------------ n-grams */

/* n-grams compared lexicographically through these (the GIL is held). */
static const int32_t *g_base;
static int g_n;

static int cmp_gram(const void *a, const void *b) {
    const int32_t *x = g_base + *(const Py_ssize_t *)a, *y = g_base + *(const Py_ssize_t *)b;
    for (int k = 0; k < g_n; k++) {
        if (x[k] != y[k]) return x[k] < y[k] ? -1 : 1;
    }
    return 0;
}

static int max_id_ok(const ids_t *a, int bits) {
    int64_t lim = (int64_t)1 << bits;
    for (Py_ssize_t i = 0; i < a->n; i++)
        if (a->v[i] < 0 || (int64_t)a->v[i] >= lim) return 0;
    return 1;
}

/* Exact clipped overlap for any n (slow path: lexicographic sort of start indices). */
static long ngram_generic(const ids_t *p, const ids_t *r, int n) {
    Py_ssize_t np_ = p->n >= n ? p->n - n + 1 : 0, nr = r->n >= n ? r->n - n + 1 : 0;
    Py_ssize_t tot = p->n + r->n;
    int32_t *base = (int32_t *)malloc(sizeof(int32_t) * (size_t)(tot + 1));
    Py_ssize_t *sp = (Py_ssize_t *)malloc(sizeof(Py_ssize_t) * (size_t)(np_ + 1));
    Py_ssize_t *sr = (Py_ssize_t *)malloc(sizeof(Py_ssize_t) * (size_t)(nr + 1));
    long hits = -1;
    if (!base || !sp || !sr) goto out;
    memcpy(base, p->v, sizeof(int32_t) * (size_t)p->n);
    memcpy(base + p->n, r->v, sizeof(int32_t) * (size_t)r->n);
    for (Py_ssize_t i = 0; i < np_; i++) sp[i] = i;
    for (Py_ssize_t i = 0; i < nr; i++) sr[i] = p->n + i;
    g_base = base;
    g_n = n;
    qsort(sp, (size_t)np_, sizeof(Py_ssize_t), cmp_gram);
    qsort(sr, (size_t)nr, sizeof(Py_ssize_t), cmp_gram);
    hits = 0;
    Py_ssize_t i = 0, j = 0;
    while (i < np_ && j < nr) {
        int c = cmp_gram(&sp[i], &sr[j]);
        if (c < 0) { i++; continue; }
        if (c > 0) { j++; continue; }
        Py_ssize_t i2 = i + 1, j2 = j + 1;
        while (i2 < np_ && cmp_gram(&sp[i], &sp[i2]) == 0) i2++;
        while (j2 < nr && cmp_gram(&sr[j], &sr[j2]) == 0) j2++;
        hits += (long)((i2 - i) < (j2 - j) ? (i2 - i) : (j2 - j));
        i = i2;
        j = j2;
    }
out:
    free(base);
    free(sp);
    free(sr);
    return hits;
}

/* Clipped n-gram matches; n-grams packed into one 64-bit key when the ids fit. */
static long ngram_hits(const ids_t *p, const ids_t *r, int n, scratch_t *sc) {
    if (n == 1 && in_scratch(sc, p) && in_scratch(sc, r)) return clip_ids(sc, p->v, p->n, r->v, r->n);
    int bits = 64 / n;
    if (bits > 31) bits = 31;
    if (n > 3 || !max_id_ok(p, bits) || !max_id_ok(r, bits)) return ngram_generic(p, r, n);
    Py_ssize_t np_ = p->n >= n ? p->n - n + 1 : 0, nr = r->n >= n ? r->n - n + 1 : 0;
    uint64_t stack[512];
    uint64_t *keys = (np_ + nr <= 512) ? stack
                                      : (uint64_t *)malloc(sizeof(uint64_t) * (size_t)(np_ + nr));
    if (!keys) return -1;
    for (Py_ssize_t i = 0; i < np_; i++) {
        uint64_t k = 0;
        for (int t = 0; t < n; t++) k = (k << bits) | (uint64_t)p->v[i + t];
        keys[i] = k;
    }
    for (Py_ssize_t i = 0; i < nr; i++) {
        uint64_t k = 0;
        for (int t = 0; t < n; t++) k = (k << bits) | (uint64_t)r->v[i + t];
        keys[np_ + i] = k;
    }
    long hits = clip_hash(keys, np_, keys + np_, nr);
    if (keys != stack) free(keys);
    return hits;
}

static int view_sents(PyObject *obj, ids_t *tokens, ids_t *lens) {
    if (!PyTuple_Check(obj) || PyTuple_GET_SIZE(obj) != 2) {
        PyErr_SetString(PyExc_TypeError, "sentences must be (packed ids, packed lengths)");
        return -1;
    }
    if (view_ids(PyTuple_GET_ITEM(obj, 0), tokens) < 0) return -1;
    if (view_ids(PyTuple_GET_ITEM(obj, 1), lens) < 0) return -1;
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < lens->n; i++) {
        if (lens->v[i] < 0) total = -1;
        if (total < 0) break;
        total += lens->v[i];
    }
    if (total != tokens->n) {
        PyErr_SetString(PyExc_ValueError, "sentence lengths do not add up to the token count");
        return -1;
    }
    return 0;
}

static PyObject *counts(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 6 || !PyTuple_Check(args[4])) {
        PyErr_SetString(PyExc_TypeError, "counts(pred, ref, pred_sents, ref_sents, ns, want_l)");
        return NULL;
    }
    int want_l = PyObject_IsTrue(args[5]);
    if (want_l < 0) return NULL;
    ids_t p, r, pt, pl, rt, rl;
    if (view_ids(args[0], &p) < 0 || view_ids(args[1], &r) < 0) return NULL;
    int want_lsum = args[2] != Py_None && args[3] != Py_None;
    if (want_lsum && (view_sents(args[2], &pt, &pl) < 0 || view_sents(args[3], &rt, &rl) < 0))
        return NULL;
    PyObject *ns = args[4];
    Py_ssize_t k = PyTuple_GET_SIZE(ns);
    if (k > 9) {
        PyErr_SetString(PyExc_ValueError, "at most 9 n-gram orders");
        return NULL;
    }
    long out[3 * 9 + 4];
    Py_ssize_t at = 0;
    for (Py_ssize_t t = 0; t < k; t++) {
        long n = PyLong_AsLong(PyTuple_GET_ITEM(ns, t));
        if (n < 1 || n > 9) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "n-gram order must be 1..9");
            return NULL;
        }
        long h = ngram_hits(&p, &r, (int)n, NULL);
        if (h < 0) return PyErr_NoMemory();
        out[at++] = h;
        out[at++] = p.n >= n ? (long)(p.n - n + 1) : 0;
        out[at++] = r.n >= n ? (long)(r.n - n + 1) : 0;
    }
    if (want_l) {
        long l = rc_lcs_length(r.v, r.n, p.v, p.n, NULL);
        if (l < 0) return PyErr_NoMemory();
        out[at++] = l;
    }
    if (want_lsum) {
        long h = rc_lsum_hits(&rt, &rl, &pt, &pl, NULL);
        if (h < 0) return PyErr_NoMemory();
        out[at++] = h;
        out[at++] = (long)pt.n;
        out[at++] = (long)rt.n;
    }
    PyObject *result = PyTuple_New(at);
    if (!result) return NULL;
    for (Py_ssize_t t = 0; t < at; t++) {
        PyObject *v = PyLong_FromLong(out[t]);
        if (!v) { Py_DECREF(result); return NULL; }
        PyTuple_SET_ITEM(result, t, v);
    }
    return result;
}

static inline void prf3(long hits, long pu, long ru, double *out) {
    double precision = (double)hits / (double)(pu > 1 ? pu : 1);
    double recall = (double)hits / (double)(ru > 1 ? ru : 1);
    out[0] = precision;
    out[1] = recall;
    out[2] = precision + recall > 0 ? 2.0 * precision * recall / (precision + recall) : 0.0;
}

/* One pair's P/R/F for every kind (n >= 1: ROUGE-n, 0: ROUGE-L, -1: ROUGE-Lsum). */
static int pair_scores(PyObject *pred, PyObject *ref, PyObject *psents, PyObject *rsents,
                       const int *kinds, Py_ssize_t nk, double *out, scratch_t *sc) {
    ids_t p, r, pt, pl, rt, rl;
    if (view_ids(pred, &p) < 0 || view_ids(ref, &r) < 0) return -1;
    for (Py_ssize_t t = 0; t < nk; t++) {
        int kind = kinds[t];
        if (kind >= 1) {
            long h = ngram_hits(&p, &r, kind, sc);
            if (h < 0) { PyErr_NoMemory(); return -1; }
            prf3(h, p.n >= kind ? (long)(p.n - kind + 1) : 0,
                 r.n >= kind ? (long)(r.n - kind + 1) : 0, out + 3 * t);
        } else if (kind == 0) {
            long h = rc_lcs_length(r.v, r.n, p.v, p.n,
                                in_scratch(sc, &r) && in_scratch(sc, &p) ? sc : NULL);
            if (h < 0) { PyErr_NoMemory(); return -1; }
            prf3(h, (long)p.n, (long)r.n, out + 3 * t);
        } else {
            if (view_sents(psents, &pt, &pl) < 0 || view_sents(rsents, &rt, &rl) < 0) return -1;
            long h = rc_lsum_hits(&rt, &rl, &pt, &pl, sc);
            if (h < 0) { PyErr_NoMemory(); return -1; }
            prf3(h, (long)pt.n, (long)rt.n, out + 3 * t);
        }
    }
    return 0;
}

static PyObject *float_row(const double *out, Py_ssize_t k) {
    PyObject *row = PyTuple_New(k);
    if (!row) return NULL;
    for (Py_ssize_t t = 0; t < k; t++) {
        PyObject *v = PyFloat_FromDouble(out[t]);
        if (!v) { Py_DECREF(row); return NULL; }
        PyTuple_SET_ITEM(row, t, v);
    }
    return row;
}

/* ({key: value}, {key: [value]}): a single-reference MetricOutput's two dicts. */
static PyObject *dict_row(const double *out, PyObject *keys, PyObject *blank) {
    /* copies of ``blank`` (every key, value None) take the values without ever resizing */
    Py_ssize_t k = PyTuple_GET_SIZE(keys);
    PyObject *scores = PyDict_Copy(blank), *per_ref = PyDict_Copy(blank), *row = NULL;
    if (!scores || !per_ref) goto fail;
    for (Py_ssize_t t = 0; t < k; t++) {
        PyObject *key = PyTuple_GET_ITEM(keys, t);
        PyObject *v = PyFloat_FromDouble(out[t]);
        if (!v) goto fail;
        PyObject *one = PyList_New(1);
        if (!one) { Py_DECREF(v); goto fail; }
        Py_INCREF(v);
        PyList_SET_ITEM(one, 0, v);
        int bad = PyDict_SetItem(scores, key, v) < 0 || PyDict_SetItem(per_ref, key, one) < 0;
        Py_DECREF(v);
        Py_DECREF(one);
        if (bad) goto fail;
    }
    row = PyTuple_Pack(2, scores, per_ref);
fail:
    Py_XDECREF(scores);
    Py_XDECREF(per_ref);
    return row;
}

/* score_pairs(preds, refs, pred_sents, ref_sents, kinds, keys) -> list of tuples of floats:
 * P, R, F per kind, divided exactly as rouge-score divides (one reference each); with
 * ``keys`` (a tuple of 3 * len(kinds) names) the (scores, per_reference) dicts instead. */
static PyObject *score_pairs(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 6 || !PyList_Check(args[0]) || !PyList_Check(args[1]) ||
        !PyList_Check(args[2]) || !PyList_Check(args[3]) || !PyTuple_Check(args[4]) ||
        (args[5] != Py_None && (!PyTuple_Check(args[5]) ||
                                PyTuple_GET_SIZE(args[5]) != 3 * PyTuple_GET_SIZE(args[4])))) {
        PyErr_SetString(PyExc_TypeError,
                        "score_pairs(preds: list, refs: list, pred_sents: list, ref_sents: list, "
                        "kinds: tuple, keys: tuple | None)");
        return NULL;
    }
    PyObject *keys = args[5];
    Py_ssize_t n = PyList_GET_SIZE(args[0]), nk = PyTuple_GET_SIZE(args[4]);
    if (PyList_GET_SIZE(args[1]) != n || PyList_GET_SIZE(args[2]) != n ||
        PyList_GET_SIZE(args[3]) != n || nk > 16) {
        PyErr_SetString(PyExc_ValueError, "lists of unequal length, or more than 16 kinds");
        return NULL;
    }
    int kinds[16];
    for (Py_ssize_t t = 0; t < nk; t++) {
        long k = PyLong_AsLong(PyTuple_GET_ITEM(args[4], t));
        if (k < -1 || k > 9) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "kind must be -1..9");
            return NULL;
        }
        kinds[t] = (int)k;
    }
    /* scratch as large as the largest id in the batch (capped: beyond it, hashing) */
    int32_t top = -1;
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        for (int side = 0; side < 2; side++) {
            ids_t a;
            if (view_ids(PyList_GET_ITEM(args[side], i), &a) < 0) return NULL;
            for (Py_ssize_t j = 0; j < a.n; j++) if (a.v[j] > top) top = a.v[j];
            total += a.n;
        }
    }
    scratch_t scratch = {NULL, NULL, 0}, *sc = NULL;
    /* ids are dense in practice; sparse huge ones would only cost a big allocation */
    if (top >= 0 && top < (1 << 24) && top < 8 * total + 65536) {
        scratch.size = top + 1;
        scratch.cnt = (int32_t *)calloc((size_t)scratch.size, sizeof(int32_t));
        scratch.mask = (uint64_t *)calloc((size_t)scratch.size, sizeof(uint64_t));
        if (scratch.cnt && scratch.mask) sc = &scratch;
    }
    PyObject *result = PyList_New(n), *blank = NULL;
    if (result && keys != Py_None) {
        blank = PyDict_New();
        for (Py_ssize_t t = 0; blank && t < PyTuple_GET_SIZE(keys); t++)
            if (PyDict_SetItem(blank, PyTuple_GET_ITEM(keys, t), Py_None) < 0) Py_CLEAR(blank);
        if (!blank) Py_CLEAR(result);
    }
    if (!result) { free(scratch.cnt); free(scratch.mask); return NULL; }
    double out[48];
    for (Py_ssize_t i = 0; i < n; i++) {
        if (pair_scores(PyList_GET_ITEM(args[0], i), PyList_GET_ITEM(args[1], i),
                        PyList_GET_ITEM(args[2], i), PyList_GET_ITEM(args[3], i), kinds, nk,
                        out, sc) < 0) {
            Py_CLEAR(result);
            break;
        }
        PyObject *row = keys == Py_None ? float_row(out, 3 * nk) : dict_row(out, keys, blank);
        if (!row) { Py_CLEAR(result); break; }
        PyList_SET_ITEM(result, i, row);
    }
    free(scratch.cnt);
    free(scratch.mask);
    Py_XDECREF(blank);
    return result;
}

static PyMethodDef methods[] = {
    {"new_words", rc_new_words, METH_NOARGS,
     "new_words() -> an empty word -> id table for tokenize (faster than a dict)"},
    {"tokenize_many", (PyCFunction)(void (*)(void))rc_tokenize_many, METH_FASTCALL,
     "tokenize_many(texts, words, lines, add) -> [(packed ids, packed lengths)]"},
    {"score_pairs", (PyCFunction)(void (*)(void))score_pairs, METH_FASTCALL,
     "score_pairs(preds, refs, pred_sents, ref_sents, kinds, keys) -> [(P, R, F, ...), ...]"},
    {"tokenize", (PyCFunction)(void (*)(void))rc_tokenize, METH_FASTCALL,
     "tokenize(text, words, lines, add) -> (packed ids, packed line lengths)"},
    {"counts", (PyCFunction)(void (*)(void))counts, METH_FASTCALL,
     "counts(pred, ref, pred_sents, ref_sents, ns, want_l) -> ROUGE integer counts"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_rougecore", "ROUGE integer counts on token ids.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__rougecore(void) { return PyModule_Create(&module); }
