/* series.c - per-key values across profile snapshots, compared */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "series.h"
#include "util.h"

/* Exact sums of squares and products: 64-bit values squared need more. */
__extension__ typedef __int128 i128;

/* The verdict rule (heapdiff(1), LEAK SUSPECTS).  Integers are percent. */
#define SUSPECT_MIN_SNAPSHOTS 3
#define SUSPECT_MIN_R2        0.8
#define SUSPECT_MAX_DOWN_PCT  10
#define SUSPECT_MIN_UP        2

/* Microseconds per hour: trend times are kept in microseconds. */
#define US_PER_HOUR 3600000000.0

struct key {
	size_t text, textlen; /* JSON text in s->kt */
	size_t fn, fnlen;     /* JSON string in s->kt; fnlen 0 = none */
	uint64_t hash;        /* lp_hash of the text, for the table */
};

struct vtype {
	char *name, *unit;
};

struct snap {
	char *src;
	int64_t time_ns;
	uint64_t off;   /* of its column in the spill file */
	uint32_t count; /* entries in the column */
	uint32_t seq;   /* arrival */
	uint8_t k;      /* values per entry */
	uint8_t types[LP_SERIES_TYPES_MAX]; /* into s->types */
};

struct lp_series {
	struct lp_series_opts opts;
	/* Keys: text, table (ids + 1, 0 = empty), count. */
	char *kt;
	size_t ktlen, ktcap;
	struct key *keys;
	size_t nkeys, keycap;
	uint32_t *table;
	size_t tabcap; /* a power of two */
	/* Sample types seen, by name. */
	struct vtype types[2 * LP_SERIES_TYPES_MAX];
	size_t ntypes;
	int value; /* index of the compared type, -1 before it is known */
	/* Snapshots kept, and how many were not. */
	struct snap *snaps;
	size_t nsnaps, snapcap, skipped;
	/* --merge: the partial being read, checked against its header. */
	int p_open;
	char *p_src;
	unsigned long p_line;
	size_t p_want, p_base, p_skipped, p_snaps, p_nkeys, p_ktlen;
	/* The open snapshot: map from its types to kept values. */
	int open, keep;
	char *open_src;
	int tmap[LP_SERIES_TYPES_MAX]; /* index among kept, -1 = dropped */
	size_t ntmap;
	struct snap cur;
	uint32_t *stamp, *slot; /* per key: snapshot mark, index in touched */
	uint32_t *touched;
	size_t ntouched, touchcap;
	int64_t *vals; /* ntouched * cur.k */
	size_t valcap;
	uint32_t mark;
	/* The spill file. */
	FILE *spill;
	uint64_t spilled;
	unsigned char *buf; /* a column read back or packed */
	size_t bufcap;
	/* A partial being merged: its key ids to ours (-1: none), its unit. */
	long *idmap;
	size_t idcap;
	char *punit;
};

static uint64_t
fnv64(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ull;
	return h;
}

struct lp_series *
lp_series_new(const struct lp_series_opts *opts, struct lp_error *err)
{
	struct lp_series *s = calloc(1, sizeof(*s));
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (!s) {
		lp_error_set(err, LP_ENOMEM, "out of memory");
		return NULL;
	}
	s->opts = *opts;
	s->value = -1;
	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/heapdiff.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd < 0) {
		lp_error_set(err, LP_EIO,
		    "cannot create a temporary file in '%s': %s", dir,
		    strerror(errno));
		free(s);
		return NULL;
	}
	unlink(path);
	s->spill = fdopen(fd, "w+b");
	if (!s->spill) {
		close(fd);
		free(s);
		lp_error_set(err, LP_ENOMEM, "out of memory");
		return NULL;
	}
	return s;
}

void
lp_series_free(struct lp_series *s)
{
	size_t i;

	if (!s)
		return;
	if (s->spill)
		fclose(s->spill);
	for (i = 0; i < s->ntypes; i++) {
		free(s->types[i].name);
		free(s->types[i].unit);
	}
	for (i = 0; i < s->nsnaps; i++)
		free(s->snaps[i].src);
	free(s->open_src);
	free(s->snaps);
	free(s->kt);
	free(s->keys);
	free(s->table);
	free(s->stamp);
	free(s->slot);
	free(s->touched);
	free(s->vals);
	free(s->buf);
	free(s->idmap);
	free(s->punit);
	free(s->p_src);
	free(s);
}

const char *
lp_series_value(const struct lp_series *s)
{
	return s->value < 0 ? NULL : s->types[s->value].name;
}

const char *
lp_series_unit(const struct lp_series *s)
{
	return s->value < 0 ? NULL : s->types[s->value].unit;
}

size_t
lp_series_count(const struct lp_series *s)
{
	return s->nsnaps;
}

size_t
lp_series_skipped(const struct lp_series *s)
{
	return s->skipped;
}

void
lp_series_add_skipped(struct lp_series *s, size_t n)
{
	s->skipped += n;
}

/* The key table at ncap slots (a power of two), built anew. */
static int
rehash(struct lp_series *s, size_t ncap)
{
	size_t i;
	uint32_t *t = calloc(ncap, sizeof(*t));

	if (!t)
		return -1;
	for (i = 0; i < s->nkeys; i++) {
		size_t j = s->keys[i].hash & (ncap - 1);
		while (t[j])
			j = (j + 1) & (ncap - 1);
		t[j] = (uint32_t)i + 1;
	}
	free(s->table);
	s->table = t;
	s->tabcap = ncap;
	return 0;
}

/*
 * The open partial must have brought the columns its header counted; one
 * cut short at a line boundary would otherwise be merged as if whole,
 * and its last snapshot compared as the last of all.  One that did not is
 * taken back out, whole.
 */
int
lp_series_partial_end(struct lp_series *s, struct lp_error *err)
{
	size_t got, i;
	int rc = 0;

	if (!s->p_open)
		return 0;
	s->p_open = 0;
	got = s->nsnaps + s->skipped - s->p_base;
	if (s->p_want != (size_t)-1 && got != s->p_want) {
		rc = lp_error_set(err, LP_EDATA,
		    "%s: line %lu: a partial with %zu of the %zu snapshots its "
		    "header counts (cut short?): left out",
		    s->p_src ? s->p_src : "-", s->p_line, got, s->p_want);
		for (i = s->p_snaps; i < s->nsnaps; i++)
			free(s->snaps[i].src);
		s->nsnaps = s->p_snaps;
		s->skipped = s->p_skipped;
		/* Its new keys go too: only its own columns held them. */
		if (s->nkeys > s->p_nkeys) {
			s->nkeys = s->p_nkeys;
			s->ktlen = s->p_ktlen;
			if (rehash(s, s->tabcap) < 0)
				rc = lp_error_set(
				    err, LP_ENOMEM, "out of memory");
		}
	}
	free(s->p_src);
	s->p_src = NULL;
	return rc;
}

int
lp_series_partial_begin(struct lp_series *s, const char *src,
    unsigned long line, size_t snapshots, size_t skipped, struct lp_error *err)
{
	int rc = lp_series_partial_end(s, err);

	s->p_open = 1;
	s->p_src = src ? strdup(src) : NULL;
	s->p_line = line;
	s->p_snaps = s->nsnaps;
	s->p_nkeys = s->nkeys;
	s->p_ktlen = s->ktlen;
	s->p_skipped = s->skipped;
	s->skipped += skipped;
	s->p_base = s->nsnaps + s->skipped;
	s->p_want = snapshots;
	return rc;
}

const char *
lp_series_open_src(const struct lp_series *s)
{
	return s->open ? s->open_src : NULL;
}

int
lp_series_open_kept(const struct lp_series *s)
{
	return s->open && s->keep;
}

/* Keys */

static int
append_text(struct lp_series *s, const char *p, size_t n, size_t *off)
{
	if (lp_reserve((void **)&s->kt, &s->ktcap, s->ktlen + n + 1, 1) < 0)
		return -1;
	*off = s->ktlen;
	if (n)
		memcpy(s->kt + s->ktlen, p, n);
	s->ktlen += n;
	return 0;
}

long
lp_series_key(struct lp_series *s, const char *text, size_t n, const char *fn,
    size_t fnn, struct lp_error *err)
{
	uint64_t h = lp_hash(text, n, 0);
	struct key *k;
	size_t j;

	if (s->tabcap) {
		for (j = h & (s->tabcap - 1); s->table[j];
		     j = (j + 1) & (s->tabcap - 1)) {
			k = &s->keys[s->table[j] - 1];
			if (k->hash == h && k->textlen == n &&
			    memcmp(s->kt + k->text, text, n) == 0)
				return (long)s->table[j] - 1;
		}
	}
	if (s->nkeys >= LP_SERIES_KEYS_MAX)
		return lp_error_set(err, LP_ELIMIT,
		    "more than %zu distinct keys", LP_SERIES_KEYS_MAX);
	if ((s->nkeys + 1) * 2 > s->tabcap &&
	    rehash(s, s->tabcap ? s->tabcap * 2 : 1024) < 0)
		goto oom;
	if (lp_reserve((void **)&s->keys, &s->keycap, s->nkeys + 1,
	        sizeof(*s->keys)) < 0)
		goto oom;
	/* Per-key scratch of the open snapshot grows with the keys. */
	if (s->touchcap < s->keycap) {
		size_t c1 = s->touchcap, c2 = s->touchcap, c3 = s->touchcap;
		if (lp_reserve((void **)&s->stamp, &c1, s->keycap, 4) < 0 ||
		    lp_reserve((void **)&s->slot, &c2, s->keycap, 4) < 0 ||
		    lp_reserve((void **)&s->touched, &c3, s->keycap, 4) < 0)
			goto oom;
		memset(s->stamp + s->touchcap, 0,
		    (s->keycap - s->touchcap) * sizeof(*s->stamp));
		s->touchcap = s->keycap;
	}
	k = &s->keys[s->nkeys];
	k->hash = h;
	k->textlen = n;
	k->fnlen = fnn;
	if (append_text(s, text, n, &k->text) < 0 ||
	    append_text(s, fn, fnn, &k->fn) < 0)
		goto oom;
	for (j = h & (s->tabcap - 1); s->table[j];
	     j = (j + 1) & (s->tabcap - 1))
		;
	s->table[j] = (uint32_t)s->nkeys + 1;
	return (long)s->nkeys++;
oom:
	return lp_error_set(err, LP_ENOMEM, "out of memory");
}

/* Snapshots */

/* The index of type name[0..n) with unit u, added when new; -1 if full. */
static int
type_index(
    struct lp_series *s, const struct lp_str *name, const struct lp_str *unit)
{
	size_t i;

	for (i = 0; i < s->ntypes; i++)
		if (strlen(s->types[i].name) == name->n &&
		    memcmp(s->types[i].name, name->p, name->n) == 0)
			return (int)i;
	if (s->ntypes == sizeof(s->types) / sizeof(s->types[0]))
		return -1;
	s->types[i].name = strndup(name->p, name->n);
	s->types[i].unit = unit ? strndup(unit->p, unit->n) : strdup("");
	if (!s->types[i].name || !s->types[i].unit) {
		free(s->types[i].name);
		free(s->types[i].unit);
		return -1;
	}
	s->ntypes++;
	return (int)i;
}

int
lp_series_begin(struct lp_series *s, const char *src, int64_t time_ns,
    const struct lp_str *types, const struct lp_str *units, size_t ntypes,
    size_t default_type, struct lp_error *err)
{
	size_t i;
	int chosen = -1;

	if (s->open && lp_series_end(s, err) < 0)
		return -err->code;
	if (ntypes > LP_SERIES_TYPES_MAX)
		return lp_error_set(err, LP_ELIMIT, "more than %d sample types",
		    LP_SERIES_TYPES_MAX);
	free(s->open_src);
	if (!(s->open_src = strdup(src)))
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	s->open = 1;
	s->keep = 0;
	s->ntmap = ntypes;
	memset(&s->cur, 0, sizeof(s->cur));
	/* The compared type: named, or the first snapshot's default. */
	for (i = 0; i < ntypes; i++) {
		const char *want =
		    s->value >= 0 ? s->types[s->value].name : s->opts.value;
		if (want ? lp_str_eq(types[i], want) : i == default_type) {
			chosen = (int)i;
			break;
		}
	}
	for (i = 0; i < ntypes; i++)
		s->tmap[i] = -1;
	if (chosen < 0) {
		s->skipped++;
		return 0;
	}
	for (i = 0; i < ntypes; i++) {
		int t;
		if ((int)i != chosen && !s->opts.all_values)
			continue;
		t = type_index(s, &types[i], units ? &units[i] : NULL);
		if (t < 0)
			return lp_error_set(err, LP_ENOMEM, "out of memory");
		if ((int)i == chosen && s->value < 0)
			s->value = t;
		/* The compared type always comes first. */
		if ((int)i == chosen && s->cur.k) {
			size_t j;
			for (j = 0; j < ntypes; j++)
				if (s->tmap[j] >= 0)
					s->tmap[j]++;
			memmove(s->cur.types + 1, s->cur.types, s->cur.k);
			s->cur.types[0] = (uint8_t)t;
			s->tmap[i] = 0;
		} else {
			s->cur.types[s->cur.k] = (uint8_t)t;
			s->tmap[i] = s->cur.k;
		}
		s->cur.k++;
	}
	s->cur.time_ns = time_ns;
	s->cur.seq = (uint32_t)(s->nsnaps + s->skipped);
	s->keep = 1;
	s->mark++;
	s->ntouched = 0;
	return 1;
}

int
lp_series_add(
    struct lp_series *s, long id, const int64_t *values, struct lp_error *err)
{
	size_t i, k = s->cur.k, at;
	int64_t *v;

	if (!s->open || !s->keep || id < 0 || (size_t)id >= s->nkeys)
		return 0;
	if (s->stamp[id] != s->mark) {
		size_t need;
		if (!lp_mul(s->ntouched + 1, k, &need) ||
		    lp_reserve((void **)&s->vals, &s->valcap, need, 8) < 0)
			return lp_error_set(err, LP_ENOMEM, "out of memory");
		s->stamp[id] = s->mark;
		s->slot[id] = (uint32_t)s->ntouched;
		s->touched[s->ntouched++] = (uint32_t)id;
		memset(s->vals + (need - k), 0, k * 8);
	}
	at = (size_t)s->slot[id] * k;
	v = s->vals + at;
	/* Sums wrap like pprof's int64 ones rather than trap. */
	for (i = 0; i < s->ntmap; i++)
		if (s->tmap[i] >= 0)
			v[s->tmap[i]] = (int64_t)((uint64_t)v[s->tmap[i]] +
			                          (uint64_t)values[i]);
	return 0;
}

int
lp_series_end(struct lp_series *s, struct lp_error *err)
{
	size_t i, j, entry, bytes;
	unsigned char *p;

	if (!s->open)
		return 0;
	s->open = 0;
	if (!s->keep)
		return 0;
	if (lp_reserve((void **)&s->snaps, &s->snapcap, s->nsnaps + 1,
	        sizeof(*s->snaps)) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	entry = 4 + 8 * (size_t)s->cur.k;
	if (!lp_mul(s->ntouched, entry, &bytes) ||
	    lp_reserve((void **)&s->buf, &s->bufcap, bytes + 1, 1) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	for (i = 0, p = s->buf; i < s->ntouched; i++) {
		uint32_t id = s->touched[i];
		memcpy(p, &id, 4);
		p += 4;
		for (j = 0; j < s->cur.k; j++, p += 8)
			memcpy(p, &s->vals[i * s->cur.k + j], 8);
	}
	if (bytes && fwrite(s->buf, 1, bytes, s->spill) != bytes)
		return lp_error_set(err, LP_EIO,
		    "writing the temporary file: %s", strerror(errno));
	s->cur.off = s->spilled;
	s->cur.count = (uint32_t)s->ntouched;
	s->cur.src = s->open_src;
	s->open_src = NULL;
	s->spilled += bytes;
	s->snaps[s->nsnaps++] = s->cur;
	return 0;
}

/* Reading back */

/* Column of snapshot sn into s->buf.  Returns 0 or an error. */
static int
read_column(struct lp_series *s, const struct snap *sn, struct lp_error *err)
{
	size_t bytes = (size_t)sn->count * (4 + 8 * (size_t)sn->k);

	if (lp_reserve((void **)&s->buf, &s->bufcap, bytes + 1, 1) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	if (bytes == 0)
		return 0;
	if (fseeko(s->spill, (off_t)sn->off, SEEK_SET) < 0 ||
	    fread(s->buf, 1, bytes, s->spill) != bytes)
		return lp_error_set(
		    err, LP_EIO, "reading the temporary file back failed");
	return 0;
}

static void
entry_at(const struct lp_series *s, const struct snap *sn, size_t i,
    uint32_t *id, int64_t *v, size_t j)
{
	const unsigned char *p = s->buf + i * (4 + 8 * (size_t)sn->k);

	memcpy(id, p, 4);
	memcpy(v, p + 4 + 8 * j, 8);
}

struct ordent {
	int64_t t; /* the time, or 0 in stream order */
	uint32_t seq;
	struct snap *sn;
};

static int
by_order(const void *a, const void *b)
{
	const struct ordent *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * The snapshots in order: by profile time when every one has a time
 * (and stream order was not asked for), else as they arrived.  Ties in
 * time keep arrival order.
 */
static struct snap **
ordered(struct lp_series *s, int *by_time)
{
	struct snap **v = calloc(s->nsnaps + 1, sizeof(*v));
	struct ordent *e = calloc(s->nsnaps + 1, sizeof(*e));
	size_t i;

	if (!v || !e) {
		free(v);
		free(e);
		return NULL;
	}
	*by_time = s->opts.order != LP_ORDER_STREAM;
	for (i = 0; i < s->nsnaps; i++)
		if (s->snaps[i].time_ns == 0)
			*by_time = 0;
	for (i = 0; i < s->nsnaps; i++) {
		e[i].t = *by_time ? s->snaps[i].time_ns : 0;
		e[i].seq = s->snaps[i].seq;
		e[i].sn = &s->snaps[i];
	}
	qsort(e, s->nsnaps, sizeof(*e), by_order);
	for (i = 0; i < s->nsnaps; i++)
		v[i] = e[i].sn;
	free(e);
	return v;
}

/* Writing */

static void
write_key(struct lp_out *o, const struct lp_series *s, size_t id)
{
	const struct key *k = &s->keys[id];
	char hex[24];

	lp_out_lit(o, "\"key\":");
	if (lp_key_is_stack(&s->opts.keys)) {
		/* Byte-wise FNV-1a: the same on every machine, unlike the
		 * table's word-wise hash. */
		snprintf(hex, sizeof(hex), "\"%016" PRIx64 "\"",
		    fnv64(s->kt + k->text, k->textlen));
		lp_out_raw(o, hex, strlen(hex));
	} else
		lp_out_raw(o, s->kt + k->text, k->textlen);
	if (k->fnlen) {
		lp_out_lit(o, ",\"fn\":");
		lp_out_raw(o, s->kt + k->fn, k->fnlen);
	}
}

static void
write_stack(struct lp_out *o, const struct lp_series *s, size_t id)
{
	const struct key *k = &s->keys[id];

	if (!lp_key_is_stack(&s->opts.keys))
		return;
	lp_out_lit(o, ",\"stack\":");
	lp_out_raw(o, s->kt + k->text, k->textlen);
}

static void
write_keyby(struct lp_out *o, const struct lp_series *s)
{
	const struct lp_keyspec *ks = &s->opts.keys;

	lp_out_lit(o, ",\"key_by\":");
	if (ks->by == LP_KEY_LABEL) {
		char b[512];
		snprintf(b, sizeof(b), "label:%s", ks->label);
		lp_out_cstr(o, b);
	} else
		lp_out_cstr(o, lp_keyspec_name(ks->by));
}

static void
write_value(struct lp_out *o, const struct lp_series *s)
{
	lp_out_lit(o, ",\"value\":");
	lp_out_cstr(o, s->types[s->value].name);
	lp_out_lit(o, ",\"unit\":");
	lp_out_cstr(o, s->types[s->value].unit);
}

static void
write_snapref(struct lp_out *o, const struct snap *sn)
{
	lp_out_lit(o, "{\"src\":");
	lp_out_cstr(o, sn->src);
	lp_out_lit(o, ",\"time_ns\":");
	lp_out_int(o, sn->time_ns);
}

static void
write_head(
    struct lp_out *o, const struct lp_series *s, const char *mode, int by_time)
{
	lp_out_lit(o, "{\"kind\":\"heapdiff\",\"mode\":");
	lp_out_cstr(o, mode);
	write_value(o, s);
	write_keyby(o, s);
	lp_out_lit(o, ",\"order\":");
	lp_out_cstr(o, by_time ? "time" : "stream");
	lp_out_lit(o, ",\"snapshots\":");
	lp_out_uint(o, s->nsnaps);
	lp_out_lit(o, ",\"skipped\":");
	lp_out_uint(o, s->skipped);
	lp_out_lit(o, ",\"keys\":");
	lp_out_uint(o, s->nkeys);
}

/* Is a record with this change and percentage wanted? */
static int
wanted(const struct lp_series *s, int64_t delta, double pct)
{
	uint64_t mag =
	    delta < 0 ? (uint64_t)0 - (uint64_t)delta : (uint64_t)delta;

	if (mag < (uint64_t)s->opts.min_delta)
		return 0;
	if (s->opts.min_pct >= 0 && !isnan(pct) && fabs(pct) < s->opts.min_pct)
		return 0;
	if (s->opts.min_pct > 0 && delta == 0)
		return 0;
	return 1;
}

static int64_t
sub_sat(int64_t a, int64_t b)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return a > b ? INT64_MAX : INT64_MIN;
	return r;
}

static double
pct_of(int64_t delta, int64_t base)
{
	if (base == 0)
		return NAN;
	return (double)delta * 100.0 / (double)base;
}

/* Pair mode */

/* A key's text, for the last tie-break of a sort. */
struct keyref {
	const char *p;
	size_t n;
};

static int
keyref_cmp(struct keyref x, struct keyref y)
{
	int c = memcmp(x.p, y.p, x.n < y.n ? x.n : y.n);

	if (c)
		return c;
	return (x.n > y.n) - (x.n < y.n);
}

static struct keyref
keyref(const struct lp_series *s, size_t id)
{
	struct keyref r = { s->kt + s->keys[id].text, s->keys[id].textlen };
	return r;
}

struct pairent {
	size_t id;
	int64_t delta;
	struct keyref text;
};

static int
by_delta(const void *a, const void *b)
{
	const struct pairent *x = a, *y = b;

	if (x->delta != y->delta)
		return x->delta > y->delta ? -1 : 1;
	return keyref_cmp(x->text, y->text);
}

/* The column of sn into vals[id * nt + type] and has[id]. */
static int
load_pair_column(struct lp_series *s, const struct snap *sn, int64_t *vals,
    unsigned char *has, unsigned char *thas, struct lp_error *err)
{
	size_t i, j, nt = s->ntypes;
	int rc = read_column(s, sn, err);

	if (rc < 0)
		return rc;
	for (j = 0; j < sn->k; j++)
		thas[sn->types[j]] = 1;
	for (i = 0; i < sn->count; i++)
		for (j = 0; j < sn->k; j++) {
			uint32_t id;
			int64_t v;
			entry_at(s, sn, i, &id, &v, j);
			if (id >= s->nkeys)
				continue;
			vals[(size_t)id * nt + sn->types[j]] = v;
			has[id] = 1;
		}
	return 0;
}

int
lp_series_write_diff(
    struct lp_series *s, struct lp_out *o, struct lp_error *err)
{
	struct snap **ord = NULL;
	int64_t *bv = NULL, *nv = NULL, btot = 0, ntot = 0;
	unsigned char *bh = NULL, *nh = NULL,
	              bt[2 * LP_SERIES_TYPES_MAX] = { 0 },
	              ntt[2 * LP_SERIES_TYPES_MAX] = { 0 };
	struct pairent *ents = NULL;
	size_t i, n = 0, nt = s->ntypes, cells, written = 0;
	int by_time = 0, rc = 0, vt = s->value;

	if (s->nsnaps == 0)
		return 0;
	if (s->nsnaps < 2)
		return lp_error_set(err, LP_EDATA,
		    "one profile with %s: a diff needs two", s->types[vt].name);
	if (fflush(s->spill) != 0)
		return lp_error_set(err, LP_EIO,
		    "writing the temporary file: %s", strerror(errno));
	ord = ordered(s, &by_time);
	if (!lp_mul(s->nkeys + 1, nt, &cells))
		cells = SIZE_MAX;
	bv = calloc(cells, sizeof(*bv));
	nv = calloc(cells, sizeof(*nv));
	bh = calloc(s->nkeys + 1, 1);
	nh = calloc(s->nkeys + 1, 1);
	ents = calloc(s->nkeys + 1, sizeof(*ents));
	if (!ord || !bv || !nv || !bh || !nh || !ents) {
		rc = lp_error_set(err, LP_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = load_pair_column(s, ord[0], bv, bh, bt, err)) < 0 ||
	    (rc = load_pair_column(s, ord[s->nsnaps - 1], nv, nh, ntt, err)) <
	        0)
		goto out;
	for (i = 0; i < s->nkeys; i++) {
		btot += bv[i * nt + vt];
		ntot += nv[i * nt + vt];
		if (!bh[i] && !nh[i])
			continue;
		ents[n].id = i;
		ents[n].text = keyref(s, i);
		ents[n].delta = sub_sat(nv[i * nt + vt], bv[i * nt + vt]);
		n++;
	}
	qsort(ents, n, sizeof(*ents), by_delta);

	write_head(o, s, "diff", by_time);
	lp_out_lit(o, ",\"base\":");
	write_snapref(o, ord[0]);
	lp_out_lit(o, ",\"total\":");
	lp_out_int(o, btot);
	lp_out_lit(o, "},\"new\":");
	write_snapref(o, ord[s->nsnaps - 1]);
	lp_out_lit(o, ",\"total\":");
	lp_out_int(o, ntot);
	lp_out_lit(o, "},\"delta\":");
	lp_out_int(o, sub_sat(ntot, btot));
	lp_out_ch(o, '}');
	lp_out_end(o);

	for (i = 0; i < n; i++) {
		size_t id = ents[i].id, t;
		int64_t b = bv[id * nt + vt], v = nv[id * nt + vt];
		double pct = pct_of(ents[i].delta, b);
		int first = 1;

		if (s->opts.top && written >= s->opts.top)
			break;
		if (!wanted(s, ents[i].delta, pct))
			continue;
		written++;
		lp_out_lit(o, "{\"kind\":\"diff\",");
		write_key(o, s, id);
		write_value(o, s);
		lp_out_lit(o, ",\"base\":");
		lp_out_int(o, b);
		lp_out_lit(o, ",\"new\":");
		lp_out_int(o, v);
		lp_out_lit(o, ",\"delta\":");
		lp_out_int(o, ents[i].delta);
		lp_out_lit(o, ",\"pct\":");
		lp_out_double(o, pct);
		for (t = 0; t < nt; t++) {
			int64_t tb = bv[id * nt + t], tn = nv[id * nt + t];
			if ((int)t == vt || (!bt[t] && !ntt[t]))
				continue;
			if (first)
				lp_out_lit(o, ",\"values\":{");
			else
				lp_out_ch(o, ',');
			first = 0;
			lp_out_cstr(o, s->types[t].name);
			lp_out_lit(o, ":{\"base\":");
			lp_out_int(o, tb);
			lp_out_lit(o, ",\"new\":");
			lp_out_int(o, tn);
			lp_out_lit(o, ",\"delta\":");
			lp_out_int(o, sub_sat(tn, tb));
			lp_out_ch(o, '}');
		}
		if (!first)
			lp_out_ch(o, '}');
		write_stack(o, s, id);
		lp_out_ch(o, '}');
		lp_out_end(o);
	}
out:
	free(ord);
	free(bv);
	free(nv);
	free(bh);
	free(nh);
	free(ents);
	return rc;
}

/* Series mode */

/* Per key, over the snapshots in order; absent = 0, applied lazily. */
struct acc {
	int64_t first, last, min, max;
	uint32_t seen; /* index + 1 of the last snapshot it was in */
	uint32_t up, down, present;
	i128 sy, syy, sxy;
	int overflow;
};

struct trend {
	size_t id;
	int rank; /* verdict: 0 suspect, 1 growing, 2 flat, 3 shrinking */
	double slope, r2;
	int64_t growth;
	struct keyref text;
};

static const char *const verdicts[] = { "suspect", "growing", "flat",
	"shrinking" };

static void
step(struct acc *a, int64_t from, int64_t to)
{
	if (to > from)
		a->up++;
	else if (to < from)
		a->down++;
}

static void
extremes(struct acc *a, int64_t v)
{
	if (v < a->min)
		a->min = v;
	if (v > a->max)
		a->max = v;
}

static void
add128(i128 *sum, i128 v, int *overflow)
{
	if (__builtin_add_overflow(*sum, v, sum))
		*overflow = 1;
}

static void
observe(struct acc *a, uint32_t i, int64_t v, int64_t x)
{
	i128 xv;

	if (a->seen == 0) {
		a->first = i == 0 ? v : 0;
		a->min = a->max = a->first;
		if (i > 0)
			step(a, 0, v);
	} else if (i > a->seen) {
		/* Absent from a->seen .. i-1: down to 0 and back up. */
		step(a, a->last, 0);
		extremes(a, 0);
		step(a, 0, v);
	} else
		step(a, a->last, v);
	extremes(a, v);
	a->last = v;
	a->seen = i + 1;
	a->present++;
	add128(&a->sy, v, &a->overflow);
	add128(&a->syy, (i128)v * v, &a->overflow);
	if (__builtin_mul_overflow((i128)x, (i128)v, &xv))
		a->overflow = 1;
	else
		add128(&a->sxy, xv, &a->overflow);
}

static void
finish(struct acc *a, uint32_t n)
{
	if (a->seen == 0) {
		a->first = a->last = a->min = a->max = 0;
	} else if (a->seen < n) {
		step(a, a->last, 0);
		extremes(a, 0);
		a->last = 0;
	}
}

/* n * a - b * c, exactly, or NAN when it does not fit. */
static double
det(i128 n, i128 a, i128 b, i128 c)
{
	i128 x, y, r;

	if (__builtin_mul_overflow(n, a, &x) ||
	    __builtin_mul_overflow(b, c, &y) ||
	    __builtin_sub_overflow(x, y, &r))
		return NAN;
	return (double)r;
}

static int
by_rank(const void *a, const void *b)
{
	const struct trend *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (!isnan(x->slope) && !isnan(y->slope) && x->slope != y->slope)
		return x->slope > y->slope ? -1 : 1;
	if (isnan(x->slope) != isnan(y->slope))
		return isnan(x->slope) ? 1 : -1;
	if (x->growth != y->growth)
		return x->growth > y->growth ? -1 : 1;
	return keyref_cmp(x->text, y->text);
}

/*
 * Where each snapshot goes in a trend's "series": every one when there
 * are at most `points` of them, else the last of each of `points` equal
 * runs.  point[i] is the slot, or -1.
 */
static int *
series_points(size_t n, unsigned points, size_t *np)
{
	int *pt = malloc((n + 1) * sizeof(*pt));
	size_t i, b;

	if (!pt)
		return NULL;
	for (i = 0; i < n; i++)
		pt[i] = -1;
	if (points == 0 || n <= points) {
		for (i = 0; i < n; i++)
			pt[i] = (int)i;
		*np = n;
		return pt;
	}
	for (b = 0; b < points; b++)
		pt[(b + 1) * n / points - 1] = (int)b;
	*np = points;
	return pt;
}

int
lp_series_write_trends(
    struct lp_series *s, struct lp_out *o, struct lp_error *err)
{
	struct snap **ord = NULL;
	struct acc *acc = NULL;
	struct trend *tr = NULL;
	int64_t *series = NULL, ftot = 0, ltot = 0;
	int *pt = NULL;
	size_t i, c, n = s->nsnaps, np = 0, cells, nsusp = 0, written = 0;
	i128 sx = 0, sxx = 0, nn = (i128)n;
	int by_time = 0, rc = 0, xovf = 0;
	double dxx;

	if (n == 0)
		return 0;
	if (fflush(s->spill) != 0)
		return lp_error_set(err, LP_EIO,
		    "writing the temporary file: %s", strerror(errno));
	ord = ordered(s, &by_time);
	pt = series_points(n, s->opts.points, &np);
	acc = calloc(s->nkeys + 1, sizeof(*acc));
	tr = calloc(s->nkeys + 1, sizeof(*tr));
	if (!lp_mul(s->nkeys + 1, np + 1, &cells))
		cells = SIZE_MAX;
	series = calloc(cells, sizeof(*series));
	if (!ord || !pt || !acc || !tr || !series) {
		rc = lp_error_set(err, LP_ENOMEM, "out of memory");
		goto out;
	}
	for (c = 0; c < n; c++) {
		const struct snap *sn = ord[c];
		/* x: microseconds since the first snapshot, or the index. */
		int64_t x = by_time ? (sn->time_ns - ord[0]->time_ns) / 1000
		                    : (int64_t)c;
		if ((rc = read_column(s, sn, err)) < 0)
			goto out;
		add128(&sx, x, &xovf);
		add128(&sxx, (i128)x * x, &xovf);
		for (i = 0; i < sn->count; i++) {
			uint32_t id;
			int64_t v;
			entry_at(s, sn, i, &id, &v, 0);
			if (id >= s->nkeys)
				continue;
			observe(&acc[id], (uint32_t)c, v, x);
			if (pt[c] >= 0)
				series[(size_t)id * np + (size_t)pt[c]] = v;
			if (c == 0)
				ftot += v;
			if (c == n - 1)
				ltot += v;
		}
	}
	dxx = xovf ? NAN : det(nn, sxx, sx, sx);
	for (i = 0; i < s->nkeys; i++) {
		struct acc *a = &acc[i];
		struct trend *t = &tr[i];
		double dxy, dyy;
		finish(a, (uint32_t)n);
		t->id = i;
		t->text = keyref(s, i);
		t->growth = sub_sat(a->last, a->first);
		dxy = a->overflow ? NAN : det(nn, a->sxy, sx, a->sy);
		dyy = a->overflow ? NAN : det(nn, a->syy, a->sy, a->sy);
		t->slope = dxx > 0 ? dxy / dxx : NAN;
		if (by_time)
			t->slope *= US_PER_HOUR;
		t->r2 = dxx > 0 && dyy > 0 ? (dxy / dxx) * (dxy / dyy) : NAN;
		if (t->growth > 0 && n >= SUSPECT_MIN_SNAPSHOTS &&
		    t->slope > 0 && t->r2 >= SUSPECT_MIN_R2 &&
		    (uint64_t)a->down * 100 <=
		        (uint64_t)(n - 1) * SUSPECT_MAX_DOWN_PCT &&
		    a->up >= SUSPECT_MIN_UP)
			t->rank = 0;
		else if (t->growth > 0)
			t->rank = 1;
		else if (t->growth == 0)
			t->rank = 2;
		else
			t->rank = 3;
		nsusp += t->rank == 0;
	}
	qsort(tr, s->nkeys, sizeof(*tr), by_rank);

	write_head(o, s, "series", by_time);
	lp_out_lit(o, ",\"first\":");
	write_snapref(o, ord[0]);
	lp_out_lit(o, ",\"total\":");
	lp_out_int(o, ftot);
	lp_out_lit(o, "},\"last\":");
	write_snapref(o, ord[n - 1]);
	lp_out_lit(o, ",\"total\":");
	lp_out_int(o, ltot);
	lp_out_lit(o, "},\"hours\":");
	lp_out_double(o,
	    by_time ? (double)(ord[n - 1]->time_ns - ord[0]->time_ns) / 3.6e12
	            : NAN);
	lp_out_lit(o, ",\"suspects\":");
	lp_out_uint(o, nsusp);
	lp_out_lit(o, ",\"points\":[");
	for (c = 0, i = 0; c < n; c++) {
		if (pt[c] < 0)
			continue;
		if (i++)
			lp_out_ch(o, ',');
		write_snapref(o, ord[c]);
		lp_out_ch(o, '}');
	}
	lp_out_lit(o, "]}");
	lp_out_end(o);

	for (i = 0; i < s->nkeys; i++) {
		const struct trend *t = &tr[i];
		const struct acc *a = &acc[t->id];
		double pct = pct_of(t->growth, a->first);
		size_t j;

		if (s->opts.top && written >= s->opts.top)
			break;
		if (!wanted(s, t->growth, pct))
			continue;
		written++;
		lp_out_lit(o, "{\"kind\":\"trend\",");
		write_key(o, s, t->id);
		write_value(o, s);
		lp_out_lit(o, ",\"verdict\":");
		lp_out_cstr(o, verdicts[t->rank]);
		lp_out_lit(o, ",\"first\":");
		lp_out_int(o, a->first);
		lp_out_lit(o, ",\"last\":");
		lp_out_int(o, a->last);
		lp_out_lit(o, ",\"growth\":");
		lp_out_int(o, t->growth);
		lp_out_lit(o, ",\"pct\":");
		lp_out_double(o, pct);
		lp_out_lit(o, ",\"min\":");
		lp_out_int(o, a->min);
		lp_out_lit(o, ",\"max\":");
		lp_out_int(o, a->max);
		if (by_time)
			lp_out_lit(o, ",\"per_hour\":");
		else
			lp_out_lit(o, ",\"per_snapshot\":");
		lp_out_double(o, t->slope);
		lp_out_lit(o, ",\"r2\":");
		lp_out_double(o, t->r2);
		lp_out_lit(o, ",\"up\":");
		lp_out_uint(o, a->up);
		lp_out_lit(o, ",\"down\":");
		lp_out_uint(o, a->down);
		lp_out_lit(o, ",\"monotonic\":");
		lp_out_double(o,
		    n > 1 ? ((double)a->up - (double)a->down) / (double)(n - 1)
		          : NAN);
		lp_out_lit(o, ",\"present\":");
		lp_out_uint(o, a->present);
		lp_out_lit(o, ",\"series\":[");
		for (j = 0; j < np; j++) {
			if (j)
				lp_out_ch(o, ',');
			lp_out_int(o, series[t->id * np + j]);
		}
		lp_out_ch(o, ']');
		write_stack(o, s, t->id);
		lp_out_ch(o, '}');
		lp_out_end(o);
	}
out:
	free(ord);
	free(pt);
	free(acc);
	free(tr);
	free(series);
	return rc;
}

/* Partial aggregates */

int
lp_series_write_partial(
    struct lp_series *s, struct lp_out *o, struct lp_error *err)
{
	size_t i, c;
	int rc;

	if (s->nsnaps == 0 && s->skipped == 0)
		return 0;
	if (fflush(s->spill) != 0)
		return lp_error_set(err, LP_EIO,
		    "writing the temporary file: %s", strerror(errno));
	lp_out_lit(o, "{\"kind\":\"partial\",\"version\":1");
	if (s->value >= 0)
		write_value(o, s);
	write_keyby(o, s);
	lp_out_lit(o, ",\"drop_runtime\":");
	if (s->opts.keys.drop_runtime)
		lp_out_lit(o, "true");
	else
		lp_out_lit(o, "false");
	lp_out_lit(o, ",\"snapshots\":");
	lp_out_uint(o, s->nsnaps);
	lp_out_lit(o, ",\"skipped\":");
	lp_out_uint(o, s->skipped);
	lp_out_lit(o, ",\"keys\":");
	lp_out_uint(o, s->nkeys);
	lp_out_ch(o, '}');
	lp_out_end(o);
	for (i = 0; i < s->nkeys; i++) {
		lp_out_lit(o, "{\"kind\":\"key\",\"id\":");
		lp_out_uint(o, i);
		lp_out_ch(o, ',');
		write_key(o, s, i);
		write_stack(o, s, i);
		lp_out_ch(o, '}');
		lp_out_end(o);
	}
	/* Columns in arrival order: a merge orders them as one run would. */
	for (c = 0; c < s->nsnaps; c++) {
		const struct snap *sn = &s->snaps[c];
		if ((rc = read_column(s, sn, err)) < 0)
			return rc;
		lp_out_lit(o, "{\"kind\":\"column\",\"src\":");
		lp_out_cstr(o, sn->src);
		lp_out_lit(o, ",\"time_ns\":");
		lp_out_int(o, sn->time_ns);
		lp_out_lit(o, ",\"ids\":[");
		for (i = 0; i < sn->count; i++) {
			uint32_t id;
			int64_t v;
			entry_at(s, sn, i, &id, &v, 0);
			if (i)
				lp_out_ch(o, ',');
			lp_out_uint(o, id);
		}
		lp_out_lit(o, "],\"values\":[");
		for (i = 0; i < sn->count; i++) {
			uint32_t id;
			int64_t v;
			entry_at(s, sn, i, &id, &v, 0);
			if (i)
				lp_out_ch(o, ',');
			lp_out_int(o, v);
		}
		lp_out_lit(o, "]}");
		lp_out_end(o);
	}
	return 0;
}

/* Reading partials back (--merge) */

int
lp_series_merge_begin(struct lp_series *s, const char *unit)
{
	free(s->punit);
	if (!(s->punit = strdup(unit)))
		return -LP_ENOMEM;
	if (s->idcap)
		memset(s->idmap, 0xff, s->idcap * sizeof(*s->idmap));
	return 0;
}

static int
merge_bad(const struct lp_record *rec, struct lp_error *err, const char *what)
{
	return lp_error_set(err, LP_EDATA, "line %lu: %s", rec->line, what);
}

int
lp_series_merge_key(
    struct lp_series *s, const struct lp_record *rec, struct lp_error *err)
{
	const struct lp_rkey *rk = rec->key;
	struct lp_out key, fn;
	size_t old = s->idcap, i;
	long k = -LP_ENOMEM;

	if (!rk->has_id || (uint64_t)rk->id >= LP_SERIES_KEYS_MAX)
		return merge_bad(rec, err, "a key record needs an id");
	i = (size_t)rk->id;
	if (lp_reserve((void **)&s->idmap, &s->idcap, i + 1, sizeof(*s->idmap)))
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	memset(s->idmap + old, 0xff, (s->idcap - old) * sizeof(long));
	if (lp_key_is_stack(&s->opts.keys) && !rec->stack)
		return merge_bad(rec, err, "no stack array");
	if (!lp_key_is_stack(&s->opts.keys) && !rk->key)
		return merge_bad(rec, err, "a key record has no key");
	if (lp_out_init(&key, -1, 4096) < 0 || lp_out_init(&fn, -1, 256) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	if (lp_key_is_stack(&s->opts.keys))
		lp_key_write(&key, &s->opts.keys, rec->stack);
	else
		lp_out_str(&key, rk->key, rk->keylen);
	if (rk->fn)
		lp_out_str(&fn, rk->fn, rk->fnlen);
	if (!key.err && !fn.err)
		k = lp_series_key(s, key.buf, key.len, fn.buf, fn.len, err);
	else
		lp_error_set(err, LP_ENOMEM, "out of memory");
	lp_out_release(&key);
	lp_out_release(&fn);
	if (k < 0)
		return (int)k;
	s->idmap[i] = k;
	return 0;
}

int
lp_series_merge_column(
    struct lp_series *s, const struct lp_record *rec, struct lp_error *err)
{
	const struct lp_rcolumn *c = rec->column;
	struct lp_str type, unit;
	size_t i;
	int rc;

	if (!c->has_arrays)
		return merge_bad(rec, err,
		    "a column needs ids and values arrays of one length");
	if (!c->time_ok)
		return merge_bad(rec, err, "time_ns is not an integer");
	if (!s->opts.value)
		return merge_bad(
		    rec, err, "a column in a partial without a value");
	type = lp_str_make(s->opts.value, strlen(s->opts.value));
	unit = lp_str_make(
	    s->punit ? s->punit : "", s->punit ? strlen(s->punit) : 0);
	rc = lp_series_begin(s, rec->src, c->time_ns, &type, &unit, 1, 0, err);
	if (rc <= 0)
		return rc;
	for (i = 0; i < c->n; i++) {
		int64_t k = c->ids[i], x = c->values[i];
		if (k < 0 || (uint64_t)k >= s->idcap || s->idmap[k] < 0)
			return merge_bad(rec, err,
			    "a column refers to a key with no key record "
			    "before it");
		if ((rc = lp_series_add(s, s->idmap[k], &x, err)) < 0)
			return rc;
	}
	return lp_series_end(s, err);
}
