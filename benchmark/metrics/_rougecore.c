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
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const int32_t *v;
    Py_ssize_t n;
} ids_t;

static int view_ids(PyObject *obj, ids_t *out) {
    if (!PyBytes_Check(obj)) {
        PyErr_SetString(PyExc_TypeError, "token ids must be packed int32 bytes");
        return -1;
    }
    out->v = (const int32_t *)PyBytes_AS_STRING(obj);
    out->n = PyBytes_GET_SIZE(obj) / (Py_ssize_t)sizeof(int32_t);
    return 0;
}

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

/* ------------------------------------------------------------------ tokenizer */

typedef struct {
    int32_t *v;
    Py_ssize_t n, cap;
} buf_t;

static int push(buf_t *b, int32_t x) {
    if (b->n == b->cap) {
        Py_ssize_t cap = b->cap ? 2 * b->cap : 64;
        int32_t *v = (int32_t *)PyMem_Realloc(b->v, sizeof(int32_t) * (size_t)cap);
        if (!v) { PyErr_NoMemory(); return -1; }
        b->v = v;
        b->cap = cap;
    }
    b->v[b->n++] = x;
    return 0;
}

static inline int is_word_char(Py_UCS4 c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* word -> id without a Python string per word: open addressing over an arena of the
 * words' bytes; a PyCapsule owns it (``new_words()``), one per vocabulary. */
typedef struct {
    char *arena;
    Py_ssize_t used, cap;
    Py_ssize_t *off;      /* per slot: offset of the word in the arena, -1 empty */
    int32_t *len, *id;
    uint64_t *hash;
    Py_ssize_t slots, count;
} words_t;

static void words_free(PyObject *capsule) {
    words_t *w = (words_t *)PyCapsule_GetPointer(capsule, "sumbench.words");
    if (!w) return;
    free(w->arena); free(w->off); free(w->len); free(w->id); free(w->hash);
    free(w);
}

static int words_alloc_slots(words_t *w, Py_ssize_t slots) {
    w->off = (Py_ssize_t *)malloc(sizeof(Py_ssize_t) * (size_t)slots);
    w->len = (int32_t *)malloc(sizeof(int32_t) * (size_t)slots);
    w->id = (int32_t *)malloc(sizeof(int32_t) * (size_t)slots);
    w->hash = (uint64_t *)malloc(sizeof(uint64_t) * (size_t)slots);
    if (!w->off || !w->len || !w->id || !w->hash) return -1;
    for (Py_ssize_t i = 0; i < slots; i++) w->off[i] = -1;
    w->slots = slots;
    return 0;
}

static PyObject *new_words(PyObject *self, PyObject *unused) {
    (void)self; (void)unused;
    words_t *w = (words_t *)calloc(1, sizeof(words_t));
    PyObject *cap = NULL;
    if (w && words_alloc_slots(w, 1024) == 0) {
        cap = PyCapsule_New(w, "sumbench.words", words_free);
        if (cap) return cap;
    } else {
        PyErr_NoMemory();
    }
    if (w) { free(w->off); free(w->len); free(w->id); free(w->hash); free(w); }
    return NULL;
}

static inline uint64_t hash_word(const char *s, Py_ssize_t k) {
    uint64_t h = 1469598103934665603ULL;
    for (Py_ssize_t i = 0; i < k; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ULL; }
    return h;
}

/* Slot of ``s`` (found or the empty slot where it would go). */
static inline Py_ssize_t words_slot(const words_t *w, const char *s, Py_ssize_t k, uint64_t h) {
    Py_ssize_t mask = w->slots - 1, i = (Py_ssize_t)(h & (uint64_t)mask);
    while (w->off[i] >= 0) {
        if (w->hash[i] == h && w->len[i] == k && memcmp(w->arena + w->off[i], s, (size_t)k) == 0)
            return i;
        i = (i + 1) & mask;
    }
    return i;
}

static int words_insert(words_t *w, const char *s, Py_ssize_t k, uint64_t h, int32_t id) {
    if (2 * (w->count + 1) > w->slots) {  /* grow: keep the load factor under 1/2 */
        words_t old = *w;
        if (words_alloc_slots(w, 2 * old.slots) < 0) { *w = old; return -1; }
        for (Py_ssize_t i = 0; i < old.slots; i++) {
            if (old.off[i] < 0) continue;
            Py_ssize_t j = (Py_ssize_t)(old.hash[i] & (uint64_t)(w->slots - 1));
            while (w->off[j] >= 0) j = (j + 1) & (w->slots - 1);
            w->off[j] = old.off[i]; w->len[j] = old.len[i]; w->id[j] = old.id[i];
            w->hash[j] = old.hash[i];
        }
        free(old.off); free(old.len); free(old.id); free(old.hash);
    }
    if (w->used + k > w->cap) {
        Py_ssize_t cap = w->cap ? 2 * w->cap : 65536;
        while (cap < w->used + k) cap *= 2;
        char *a = (char *)realloc(w->arena, (size_t)cap);
        if (!a) return -1;
        w->arena = a;
        w->cap = cap;
    }
    Py_ssize_t slot = words_slot(w, s, k, h);
    if (w->off[slot] >= 0) return 0;  /* added meanwhile (the callback ran Python) */
    memcpy(w->arena + w->used, s, (size_t)k);
    w->off[slot] = w->used; w->len[slot] = (int32_t)k; w->id[slot] = id; w->hash[slot] = h;
    w->used += k;
    w->count++;
    return 0;
}

/* Tokenise one text into (ids, lengths). A word missing from ``words`` is passed to
 * ``add`` (a Python callable: word -> id, which also stores it in ``words``). */
static PyObject *tokenize_one(PyObject *text, PyObject *words, int lines, PyObject *add) {
    PyObject *low;
    if (PyUnicode_IS_ASCII(text)) {
        Py_INCREF(text);
        low = text;  /* upper-case ASCII letters are folded below */
    } else {
        low = PyObject_CallMethod(text, "lower", NULL);  /* str.lower, as rouge-score */
        if (!low) return NULL;
    }
    Py_ssize_t len = PyUnicode_GET_LENGTH(low);
    int kind = PyUnicode_KIND(low);
    const void *data = PyUnicode_DATA(low);
    buf_t ids = {NULL, 0, 0}, lens = {NULL, 0, 0};
    PyObject *result = NULL;
    words_t *table = PyCapsule_CheckExact(words)
                         ? (words_t *)PyCapsule_GetPointer(words, "sumbench.words") : NULL;
    if (PyCapsule_CheckExact(words) && !table) { Py_DECREF(low); return NULL; }
    char small[64];
    char *word = small;
    Py_ssize_t word_cap = (Py_ssize_t)sizeof(small);
    int32_t line_start = 0;
    Py_ssize_t i = 0;
    while (i <= len) {
        Py_UCS4 c = i < len ? PyUnicode_READ(kind, data, i) : '\n';
        if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
        if (!is_word_char(c)) {
            if (c == '\n' && (lines || i == len)) {
                if (push(&lens, (int32_t)(ids.n - line_start)) < 0) goto done;
                line_start = (int32_t)ids.n;
            }
            i++;
            continue;
        }
        Py_ssize_t j = i, k = 0;
        for (; j < len; j++) {
            Py_UCS4 d = PyUnicode_READ(kind, data, j);
            if (d >= 'A' && d <= 'Z') d += 'a' - 'A';
            if (!is_word_char(d)) break;
            if (k + 1 >= word_cap) {
                Py_ssize_t cap = 2 * word_cap;
                char *w = (char *)PyMem_Malloc((size_t)cap);
                if (!w) { PyErr_NoMemory(); goto done; }
                memcpy(w, word, (size_t)k);
                if (word != small) PyMem_Free(word);
                word = w;
                word_cap = cap;
            }
            word[k++] = (char)d;
        }
        i = j;
        long id;
        if (table) {
            uint64_t h = hash_word(word, k);
            Py_ssize_t slot = words_slot(table, word, k, h);
            if (table->off[slot] >= 0) {
                id = table->id[slot];
            } else {
                PyObject *key = PyUnicode_FromStringAndSize(word, k);
                PyObject *made = key ? PyObject_CallOneArg(add, key) : NULL;
                Py_XDECREF(key);
                if (!made) goto done;
                id = PyLong_AsLong(made);
                Py_DECREF(made);
                if (id == -1 && PyErr_Occurred()) goto done;
                if (id < INT32_MIN || id > INT32_MAX ||
                    words_insert(table, word, k, h, (int32_t)id) < 0) {
                    PyErr_SetString(PyExc_MemoryError, "word table");
                    goto done;
                }
            }
            if (id >= 0 && push(&ids, (int32_t)id) < 0) goto done;
            continue;
        }
        PyObject *key = PyUnicode_FromStringAndSize(word, k);
        if (!key) goto done;
        PyObject *val = PyDict_GetItemWithError(words, key);  /* borrowed */
        if (val) {
            id = PyLong_AsLong(val);
        } else {
            if (PyErr_Occurred()) { Py_DECREF(key); goto done; }
            PyObject *made = PyObject_CallOneArg(add, key);
            if (!made) { Py_DECREF(key); goto done; }
            id = PyLong_AsLong(made);
            Py_DECREF(made);
        }
        Py_DECREF(key);
        if (id == -1 && PyErr_Occurred()) goto done;
        if (id >= 0 && push(&ids, (int32_t)id) < 0) goto done;
    }
    {
        PyObject *a = PyBytes_FromStringAndSize((const char *)ids.v,
                                                (Py_ssize_t)sizeof(int32_t) * ids.n);
        PyObject *b = a ? PyBytes_FromStringAndSize((const char *)lens.v,
                                                    (Py_ssize_t)sizeof(int32_t) * lens.n)
                        : NULL;
        if (a && b) result = PyTuple_Pack(2, a, b);
        Py_XDECREF(a);
        Py_XDECREF(b);
    }
done:
    if (word != small) PyMem_Free(word);
    PyMem_Free(ids.v);
    PyMem_Free(lens.v);
    Py_DECREF(low);
    return result;
}

static PyObject *tokenize(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 4 || !PyUnicode_Check(args[0]) ||
        !(PyDict_Check(args[1]) || PyCapsule_CheckExact(args[1])) || !PyCallable_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError,
                        "tokenize(text: str, words: dict | new_words(), lines: bool, add)");
        return NULL;
    }
    int lines = PyObject_IsTrue(args[2]);
    if (lines < 0) return NULL;
    return tokenize_one(args[0], args[1], lines, args[3]);
}

/* tokenize_many(texts, words, lines, add) -> list of (ids, lengths) */
static PyObject *tokenize_many(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 4 || !PyList_Check(args[0]) ||
        !(PyDict_Check(args[1]) || PyCapsule_CheckExact(args[1])) || !PyCallable_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError,
                        "tokenize_many(texts: list, words: dict | new_words(), lines: bool, add)");
        return NULL;
    }
    int lines = PyObject_IsTrue(args[2]);
    if (lines < 0) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(args[0]);
    PyObject *result = PyList_New(n);
    if (!result) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *text = PyList_GET_ITEM(args[0], i);
        PyObject *got = PyUnicode_Check(text) ? tokenize_one(text, args[1], lines, args[3])
                                              : NULL;
        if (!got) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "texts must be str");
            Py_DECREF(result);
            return NULL;
        }
        PyList_SET_ITEM(result, i, got);
    }
    return result;
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

/* Sum over distinct keys of min(count in a, count in b), with a small open-addressing
 * table of b's keys (-1 marks an empty slot). */
static long clip_hash(const uint64_t *a, Py_ssize_t na, const uint64_t *b, Py_ssize_t nb) {
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

/* ------------------------------------------------------------------ LCS */

/* Bit-parallel LCS (Hyyro 2004) over W 64-bit words: V starts all ones; per token of
 * ``can``: U = V & M[tok]; V = (V + U) | (V - U). Bit i of V_j is 0 where the LCS of
 * ref[:i+1] and can[:j] grows, so LCS = m - popcount(V_n). ``match`` holds, per
 * position j of ``can``, W words of the mask of ref positions equal to can[j]. */
static void build_match(const int32_t *ref, Py_ssize_t m, const int32_t *can, Py_ssize_t n,
                        Py_ssize_t W, uint64_t *match, scratch_t *sc) {
    if (W == 1 && sc) {  /* ids checked to fit the scratch by the caller */
        for (Py_ssize_t i = 0; i < m; i++) sc->mask[ref[i]] |= (uint64_t)1 << i;
        for (Py_ssize_t j = 0; j < n; j++) match[j] = sc->mask[can[j]];
        for (Py_ssize_t i = 0; i < m; i++) sc->mask[ref[i]] = 0;
        return;
    }
    memset(match, 0, sizeof(uint64_t) * (size_t)(n * W));
    for (Py_ssize_t j = 0; j < n; j++) {
        uint64_t *mj = match + j * W;
        int32_t t = can[j];
        for (Py_ssize_t i = 0; i < m; i++)
            if (ref[i] == t) mj[i >> 6] |= (uint64_t)1 << (i & 63);
    }
}

/* Runs the columns; if ``cols`` is not NULL stores V_0..V_n (W words each). */
static void bit_columns(Py_ssize_t m, Py_ssize_t n, Py_ssize_t W, const uint64_t *match,
                        uint64_t *v, uint64_t *cols) {
    uint64_t last_mask = (m & 63) ? (((uint64_t)1 << (m & 63)) - 1) : ~(uint64_t)0;
    for (Py_ssize_t w = 0; w < W; w++) v[w] = ~(uint64_t)0;
    v[W - 1] = last_mask;
    if (cols) memcpy(cols, v, sizeof(uint64_t) * (size_t)W);
    for (Py_ssize_t j = 0; j < n; j++) {
        const uint64_t *mj = match + j * W;
        uint64_t carry = 0;
        for (Py_ssize_t w = 0; w < W; w++) {
            uint64_t u = v[w] & mj[w];
            uint64_t s = v[w] + u;
            uint64_t c1 = s < v[w];
            uint64_t s2 = s + carry;
            uint64_t c2 = s2 < s;
            carry = c1 | c2;
            v[w] = s2 | (v[w] - u);  /* u is a subset of v: no borrow */
        }
        v[W - 1] &= last_mask;
        if (cols) memcpy(cols + (j + 1) * W, v, sizeof(uint64_t) * (size_t)W);
    }
}

static inline long popcount_words(const uint64_t *v, Py_ssize_t W) {
    long c = 0;
    for (Py_ssize_t w = 0; w < W; w++) c += __builtin_popcountll(v[w]);
    return c;
}

static long lcs_length(const int32_t *ref, Py_ssize_t m, const int32_t *can, Py_ssize_t n,
                       scratch_t *sc) {
    if (m == 0 || n == 0) return 0;
    Py_ssize_t W = (m + 63) / 64;
    uint64_t *match = (uint64_t *)malloc(sizeof(uint64_t) * (size_t)(n * W + W));
    if (!match) return -1;
    uint64_t *v = match + n * W;
    build_match(ref, m, can, n, W, match, sc);
    bit_columns(m, n, W, match, v, NULL);
    long out = (long)m - popcount_words(v, W);
    free(match);
    return out;
}

/* DP cell t[i][j] = LCS(ref[:i], can[:j]) = i - popcount(V_j restricted to bits < i). */
static inline long cell(const uint64_t *col, Py_ssize_t i) {
    long c = 0;
    Py_ssize_t full = i >> 6;
    for (Py_ssize_t w = 0; w < full; w++) c += __builtin_popcountll(col[w]);
    if (i & 63) c += __builtin_popcountll(col[full] & (((uint64_t)1 << (i & 63)) - 1));
    return (long)i - c;
}

/* Mark the ref indices of the LCS rouge-score's backtrack picks (its _backtrack_norec
 * over the same DP table, read from the bit columns). */
static void mark_lcs(const int32_t *ref, Py_ssize_t m, const int32_t *can, Py_ssize_t n,
                     char *mark, uint64_t *work, scratch_t *sc) {
    Py_ssize_t W = (m + 63) / 64;
    uint64_t *match = work;  /* n*W + (n+1)*W + W words */
    uint64_t *cols = match + n * W, *v = cols + (n + 1) * W;
    build_match(ref, m, can, n, W, match, sc);
    bit_columns(m, n, W, match, v, cols);
    Py_ssize_t i = m, j = n;
    while (i > 0 && j > 0) {
        if (ref[i - 1] == can[j - 1]) {
            mark[i - 1] = 1;
            i--;
            j--;
        } else if (cell(cols + (j - 1) * W, i) > cell(cols + j * W, i - 1)) {
            j--;
        } else {
            i--;
        }
    }
}

/* rouge-score's _summary_level_lcs hits: the union LCS of each reference sentence
 * with every candidate sentence, each token counted at most as often as it occurs
 * in the candidate (the reference-side clip can never bind: the union holds
 * distinct reference positions). */
static long lsum_hits(const ids_t *rt, const ids_t *rl, const ids_t *ct, const ids_t *cl,
                      scratch_t *sc) {
    if (sc && (!in_scratch(sc, rt) || !in_scratch(sc, ct))) sc = NULL;
    if (rt->n == 0 || ct->n == 0) return 0;
    Py_ssize_t max_r = 0, max_c = 0;
    for (Py_ssize_t a = 0; a < rl->n; a++) if (rl->v[a] > max_r) max_r = rl->v[a];
    for (Py_ssize_t b = 0; b < cl->n; b++) if (cl->v[b] > max_c) max_c = cl->v[b];
    Py_ssize_t W = (max_r + 63) / 64;
    char *mark = (char *)calloc((size_t)rt->n, 1);
    uint64_t *picked = (uint64_t *)malloc(sizeof(uint64_t) * (size_t)(rt->n + ct->n));
    uint64_t *work = (uint64_t *)malloc(sizeof(uint64_t) * (size_t)((2 * max_c + 2) * W));
    if (!mark || !picked || !work) { free(mark); free(picked); free(work); return -1; }
    Py_ssize_t roff = 0;
    for (Py_ssize_t a = 0; a < rl->n; a++) {
        Py_ssize_t coff = 0, la = rl->v[a];
        for (Py_ssize_t b = 0; b < cl->n; b++) {
            Py_ssize_t lb = cl->v[b];
            if (la && lb) mark_lcs(rt->v + roff, la, ct->v + coff, lb, mark + roff, work, sc);
            coff += lb;
        }
        roff += la;
    }
    free(work);
    Py_ssize_t np_ = 0;
    for (Py_ssize_t i = 0; i < rt->n; i++)
        if (mark[i]) picked[np_++] = (uint64_t)(uint32_t)rt->v[i];
    long hits;
    if (sc) {
        hits = 0;  /* clip_ids on the picked ids (held in uint64 here) */
        for (Py_ssize_t j = 0; j < ct->n; j++) sc->cnt[ct->v[j]]++;
        for (Py_ssize_t i = 0; i < np_; i++)
            if (sc->cnt[picked[i]] > 0) { hits++; sc->cnt[picked[i]]--; }
        for (Py_ssize_t j = 0; j < ct->n; j++) sc->cnt[ct->v[j]] = 0;
    } else {
        uint64_t *cand = picked + np_;
        for (Py_ssize_t i = 0; i < ct->n; i++) cand[i] = (uint64_t)(uint32_t)ct->v[i];
        hits = clip_hash(picked, np_, cand, ct->n);
    }
    free(mark);
    free(picked);
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
        long l = lcs_length(r.v, r.n, p.v, p.n, NULL);
        if (l < 0) return PyErr_NoMemory();
        out[at++] = l;
    }
    if (want_lsum) {
        long h = lsum_hits(&rt, &rl, &pt, &pl, NULL);
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
            long h = lcs_length(r.v, r.n, p.v, p.n,
                                in_scratch(sc, &r) && in_scratch(sc, &p) ? sc : NULL);
            if (h < 0) { PyErr_NoMemory(); return -1; }
            prf3(h, (long)p.n, (long)r.n, out + 3 * t);
        } else {
            if (view_sents(psents, &pt, &pl) < 0 || view_sents(rsents, &rt, &rl) < 0) return -1;
            long h = lsum_hits(&rt, &rl, &pt, &pl, sc);
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
static PyObject *dict_row(const double *out, PyObject *keys) {
    Py_ssize_t k = PyTuple_GET_SIZE(keys);
    PyObject *scores = PyDict_New(), *per_ref = PyDict_New(), *row = NULL;
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
    PyObject *result = PyList_New(n);
    if (!result) { free(scratch.cnt); free(scratch.mask); return NULL; }
    double out[48];
    for (Py_ssize_t i = 0; i < n; i++) {
        if (pair_scores(PyList_GET_ITEM(args[0], i), PyList_GET_ITEM(args[1], i),
                        PyList_GET_ITEM(args[2], i), PyList_GET_ITEM(args[3], i), kinds, nk,
                        out, sc) < 0) {
            Py_CLEAR(result);
            break;
        }
        PyObject *row = keys == Py_None ? float_row(out, 3 * nk) : dict_row(out, keys);
        if (!row) { Py_CLEAR(result); break; }
        PyList_SET_ITEM(result, i, row);
    }
    free(scratch.cnt);
    free(scratch.mask);
    return result;
}

static PyMethodDef methods[] = {
    {"new_words", new_words, METH_NOARGS,
     "new_words() -> an empty word -> id table for tokenize (faster than a dict)"},
    {"tokenize_many", (PyCFunction)(void (*)(void))tokenize_many, METH_FASTCALL,
     "tokenize_many(texts, words, lines, add) -> [(packed ids, packed lengths)]"},
    {"score_pairs", (PyCFunction)(void (*)(void))score_pairs, METH_FASTCALL,
     "score_pairs(preds, refs, pred_sents, ref_sents, kinds, keys) -> [(P, R, F, ...), ...]"},
    {"tokenize", (PyCFunction)(void (*)(void))tokenize, METH_FASTCALL,
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
