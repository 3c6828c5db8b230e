/* profile.c - the profile model, and writing it as profile/sample records */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "profile.h"
#include "util.h"

void
lp_profile_init(struct lp_profile *p, size_t budget)
{
	memset(p, 0, sizeof(*p));
	p->format = "pprof";
	lp_arena_init(&p->arena, budget);
}

void
lp_profile_release(struct lp_profile *p)
{
	lp_arena_release(&p->arena);
	memset(p, 0, sizeof(*p));
}

/*
 * Per-call writer state.  Every location's frames are rendered once into
 * frag (comma-joined frame objects), so a sample costs one memcpy per
 * location: that is what makes flat output cheap (DESIGN.md, "Keeping the
 * pipe fast").
 */
struct writer {
	struct lp_out *o;
	struct lp_profile *p;
	unsigned flags;
	struct lp_out frag; /* all locations' rendered frames */
	size_t *frag_off;   /* per location: offset + 1 in frag, 0 = not yet */
	size_t *frag_len;
	struct lp_out src; /* "src":"…" rendered once */
	size_t *sel;       /* indexes of the sample types to write */
	size_t nsel;
	struct lp_out keys; /* "type": for each selected type */
	size_t *key_off;
	struct lp_intern *in;
	uint32_t *frag_id;      /* per location: its interned piece id */
	uint32_t *seq;          /* a sample's piece ids, for --intern */
	struct label_ref *refs; /* scratch for grouping one sample's labels */
	const struct label_ref **groups;
};

/* Render location li's frames into frag, once per location per call. */
static void
render_location(struct writer *w, size_t li)
{
	const struct lp_location *l = &w->p->locations[li];
	size_t start = w->frag.len;

	lp_frames_write(&w->frag, l->frames, l->nframes, w->flags);
	w->frag_off[li] = start + 1;
	w->frag_len[li] = w->frag.len - start;
}

/* Location li's rendered frames (comma-joined objects, maybe none). */
static inline void
location_frag(struct writer *w, size_t li, const char **pp, size_t *np)
{
	if (LP_UNLIKELY(!w->frag_off[li]))
		render_location(w, li);
	*pp = w->frag.buf + w->frag_off[li] - 1;
	*np = w->frag_len[li];
}

static void
write_stack(struct writer *w, struct lp_out *o, const struct lp_sample *s)
{
	size_t i, n;
	const char *frag;
	int first = 1;

	lp_out_ch(o, '[');
	for (i = 0; i < s->nlocs; i++) {
		location_frag(w, s->locs[i], &frag, &n);
		if (!n)
			continue;
		if (!first)
			lp_out_ch(o, ',');
		first = 0;
		lp_out_raw(o, frag, n);
	}
	lp_out_ch(o, ']');
}

struct render_ctx {
	struct writer *w;
	const struct lp_sample *s;
};

static void
render_stack(struct lp_out *o, void *ctx)
{
	struct render_ctx *c = ctx;

	write_stack(c->w, o, c->s);
}

/*
 * The stream-wide stack id of s, writing a stack record when it is new.
 * Stacks are keyed by their locations' interned pieces, so equal stacks
 * of different profiles share an id.
 */
static uint64_t
stack_id(struct writer *w, const struct lp_sample *s)
{
	struct render_ctx c = { w, s };
	const char *frag;
	size_t i, n, k = 0;

	for (i = 0; i < s->nlocs; i++) {
		uint32_t li = s->locs[i];
		location_frag(w, li, &frag, &n);
		if (!n)
			continue; /* all its frames dropped */
		if (!w->frag_id[li] &&
		    !(w->frag_id[li] = lp_intern_frag(w->in, frag, n)))
			return 0;
		w->seq[k++] = w->frag_id[li];
	}
	return lp_intern_frags(w->in, w->o, w->seq, k, render_stack, &c);
}

/* pprof's rule for a numeric label without a unit. */
static struct lp_str
label_unit(const struct lp_label *l)
{
	if (l->unit.n)
		return l->unit;
	if (lp_str_eq(l->key, "alignment") || lp_str_eq(l->key, "request"))
		return LP_STR_LIT("bytes");
	return l->key;
}

static void
write_num_label(struct lp_out *o, const struct lp_label *l)
{
	lp_out_lit(o, "{\"value\":");
	lp_out_int(o, l->num);
	lp_out_lit(o, ",\"unit\":");
	lp_out_lstr(o, label_unit(l));
	lp_out_ch(o, '}');
}

/* A label and where it stands on its sample, for grouping many labels. */
struct label_ref {
	const struct lp_label *l;
	size_t i;
};

static int
str_cmp(struct lp_str a, struct lp_str b)
{
	size_t n = a.n < b.n ? a.n : b.n;
	int c = n ? memcmp(a.p, b.p, n) : 0;

	return c ? c : (a.n > b.n) - (a.n < b.n);
}

static int
by_key_then_place(const void *a, const void *b)
{
	const struct label_ref *x = a, *y = b;
	int c = str_cmp(x->l->key, y->l->key);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

static int
by_place(const void *a, const void *b)
{
	const struct label_ref *x = *(const struct label_ref *const *)a;
	const struct label_ref *y = *(const struct label_ref *const *)b;

	return (x->i > y->i) - (x->i < y->i);
}

/* One key and its values: one value, or an array when the key repeats. */
static void
write_label_group(struct lp_out *o, const struct label_ref *g, size_t n,
    int numeric, int first)
{
	size_t j;

	if (!first)
		lp_out_ch(o, ',');
	else if (numeric)
		lp_out_lit(o, ",\"num_labels\":{");
	else
		lp_out_lit(o, ",\"labels\":{");
	lp_out_lstr(o, g[0].l->key);
	lp_out_ch(o, ':');
	if (n > 1)
		lp_out_ch(o, '[');
	for (j = 0; j < n; j++) {
		if (j)
			lp_out_ch(o, ',');
		if (numeric)
			write_num_label(o, g[j].l);
		else
			lp_out_lstr(o, g[j].l->str);
	}
	if (n > 1)
		lp_out_ch(o, ']');
}

/*
 * "labels" then "num_labels", keys in order of first appearance; a key
 * that repeats on one sample (legal, if rare) gets an array of values.
 * Labels are sorted by key so that grouping them costs n log n: a sample
 * may carry thousands of them, whatever its writer intended.  refs is
 * scratch of at least s->nlabels entries, groups the same.
 */
static void
write_labels(struct lp_out *o, const struct lp_sample *s, int numeric,
    struct label_ref *refs, const struct label_ref **groups)
{
	size_t i, n = 0, ng = 0;

	for (i = 0; i < s->nlabels; i++)
		if (s->labels[i].is_num == numeric) {
			refs[n].l = &s->labels[i];
			refs[n++].i = i;
		}
	if (!n)
		return;
	if (n > 1)
		qsort(refs, n, sizeof(*refs), by_key_then_place);
	for (i = 0; i < n; i++)
		if (i == 0 || !lp_str_same(refs[i].l->key, refs[i - 1].l->key))
			groups[ng++] = &refs[i];
	if (ng > 1)
		qsort(groups, ng, sizeof(*groups), by_place);
	for (i = 0; i < ng; i++) {
		const struct label_ref *g = groups[i], *e = g + 1;
		while (e < refs + n && lp_str_same(e->l->key, g->l->key))
			e++;
		write_label_group(o, g, (size_t)(e - g), numeric, i == 0);
	}
	lp_out_ch(o, '}');
}

static void
write_valuetype(struct lp_out *o, const struct lp_valuetype *t)
{
	lp_out_lit(o, "{\"type\":");
	lp_out_lstr(o, t->type);
	lp_out_lit(o, ",\"unit\":");
	lp_out_lstr(o, t->unit);
	lp_out_ch(o, '}');
}

/* Is s[0..n) a JSON number exactly as JSON spells them? */
static int
is_json_number(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i == n;
}

/*
 * A MemStats value as JSON: numbers and booleans as such, Go-printed
 * slices "[1 2 3]" as arrays, "inuse / sys" pairs as objects, anything
 * else as the raw text.
 */
static void
write_memstat_value(struct lp_out *o, struct lp_str v)
{
	const char *p = v.p, *end = v.p + v.n, *q;
	const char *slash = v.n ? memchr(v.p, '/', v.n) : NULL;

	if (is_json_number(v.p, v.n) || lp_str_eq(v, "true") ||
	    lp_str_eq(v, "false")) {
		lp_out_raw(o, v.p, v.n);
		return;
	}
	if (v.n >= 2 && p[0] == '[' && end[-1] == ']') {
		int ok = 1, first = 1;
		struct lp_out tmp;
		if (lp_out_init(&tmp, -1, v.n + 2) < 0)
			return;
		lp_out_ch(&tmp, '[');
		for (p++, end--; p < end && ok;) {
			while (p < end && *p == ' ')
				p++;
			for (q = p; q < end && *q != ' '; q++)
				;
			if (q == p)
				break;
			ok = is_json_number(p, (size_t)(q - p));
			if (!first)
				lp_out_ch(&tmp, ',');
			first = 0;
			lp_out_raw(&tmp, p, (size_t)(q - p));
			p = q;
		}
		lp_out_ch(&tmp, ']');
		if (ok && !tmp.err)
			lp_out_raw(o, tmp.buf, tmp.len);
		else
			lp_out_lstr(o, v);
		lp_out_release(&tmp);
		return;
	}
	if (slash && slash > p + 1 && slash + 2 < end && slash[-1] == ' ' &&
	    slash[1] == ' ' && is_json_number(p, (size_t)(slash - 1 - p)) &&
	    is_json_number(slash + 2, (size_t)(end - slash - 2))) {
		lp_out_lit(o, "{\"inuse\":");
		lp_out_raw(o, p, (size_t)(slash - 1 - p));
		lp_out_lit(o, ",\"sys\":");
		lp_out_raw(o, slash + 2, (size_t)(end - slash - 2));
		lp_out_ch(o, '}');
		return;
	}
	lp_out_lstr(o, v);
}

static void
write_mapping(struct lp_out *o, const struct lp_mapping *m)
{
	lp_out_lit(o, "{\"id\":");
	lp_out_uint(o, m->id);
	lp_out_lit(o, ",\"start\":");
	lp_out_hex(o, m->start);
	lp_out_lit(o, ",\"limit\":");
	lp_out_hex(o, m->limit);
	lp_out_lit(o, ",\"offset\":");
	lp_out_hex(o, m->offset);
	lp_out_lit(o, ",\"file\":");
	lp_out_lstr(o, m->file);
	lp_out_lit(o, ",\"build_id\":");
	lp_out_lstr(o, m->build_id);
	if (m->has_functions)
		lp_out_lit(o, ",\"has_functions\":true");
	if (m->has_filenames)
		lp_out_lit(o, ",\"has_filenames\":true");
	if (m->has_line_numbers)
		lp_out_lit(o, ",\"has_line_numbers\":true");
	if (m->has_inline_frames)
		lp_out_lit(o, ",\"has_inline_frames\":true");
	lp_out_ch(o, '}');
}

static void
write_optional_str(struct lp_out *o, const char *key, struct lp_str v)
{
	if (!v.n)
		return;
	lp_out_ch(o, ',');
	lp_out_cstr(o, key);
	lp_out_ch(o, ':');
	lp_out_lstr(o, v);
}

/*
 * time_ns again as RFC 3339 text: jq and JavaScript read JSON numbers as
 * doubles, which round nanoseconds since 1970 (they are over 2^53).
 */
static void
write_time(struct lp_out *o, int64_t ns)
{
	time_t secs = (time_t)(ns / 1000000000);
	struct tm tm;
	char buf[64];
	size_t n;

	if (ns <= 0 || !gmtime_r(&secs, &tm))
		return;
	n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	if (n == 0)
		return;
	n += (size_t)snprintf(
	    buf + n, sizeof(buf) - n, ".%09dZ", (int)(ns % 1000000000));
	lp_out_lit(o, ",\"time\":");
	lp_out_str(o, buf, n);
}

static void
write_header(struct writer *w, const char *src)
{
	struct lp_out *o = w->o;
	struct lp_profile *p = w->p;
	size_t i;

	lp_out_lit(o, "{\"kind\":\"profile\",\"src\":");
	lp_out_cstr(o, src);
	lp_out_lit(o, ",\"format\":");
	lp_out_cstr(o, p->format);
	lp_out_lit(o, ",\"sample_types\":[");
	for (i = 0; i < p->nsample_types; i++) {
		if (i)
			lp_out_ch(o, ',');
		write_valuetype(o, &p->sample_types[i]);
	}
	lp_out_ch(o, ']');
	if (p->default_type < p->nsample_types) {
		lp_out_lit(o, ",\"default_sample_type\":");
		lp_out_lstr(o, p->sample_types[p->default_type].type);
	}
	lp_out_lit(o, ",\"period_type\":");
	write_valuetype(o, &p->period_type);
	lp_out_lit(o, ",\"period\":");
	lp_out_int(o, p->period);
	lp_out_lit(o, ",\"time_ns\":");
	lp_out_int(o, p->time_ns);
	write_time(o, p->time_ns);
	lp_out_lit(o, ",\"duration_ns\":");
	lp_out_int(o, p->duration_ns);
	lp_out_lit(o, ",\"samples\":");
	lp_out_uint(o, p->nsamples);
	if (p->ncomments) {
		lp_out_lit(o, ",\"comments\":[");
		for (i = 0; i < p->ncomments; i++) {
			if (i)
				lp_out_ch(o, ',');
			lp_out_lstr(o, p->comments[i]);
		}
		lp_out_ch(o, ']');
	}
	write_optional_str(o, "drop_frames", p->drop_frames);
	write_optional_str(o, "keep_frames", p->keep_frames);
	write_optional_str(o, "doc_url", p->doc_url);
	if ((w->flags & LP_EMIT_ADDR) && p->nmappings) {
		lp_out_lit(o, ",\"mappings\":[");
		for (i = 0; i < p->nmappings; i++) {
			if (i)
				lp_out_ch(o, ',');
			write_mapping(o, &p->mappings[i]);
		}
		lp_out_ch(o, ']');
	}
	if (p->nmemstats) {
		lp_out_lit(o, ",\"memstats\":{");
		for (i = 0; i < p->nmemstats; i++) {
			if (i)
				lp_out_ch(o, ',');
			lp_out_lstr(o, p->memstats[i].name);
			lp_out_ch(o, ':');
			write_memstat_value(o, p->memstats[i].value);
		}
		lp_out_ch(o, '}');
	}
	lp_out_ch(o, '}');
	lp_out_end(o);
}

static void
write_sample(struct writer *w, const struct lp_sample *s)
{
	struct lp_out *o = w->o;
	uint64_t id = 0;
	size_t i;

	/* A new stack's record must come before the sample that uses it. */
	if (w->flags & LP_EMIT_INTERN)
		id = stack_id(w, s);
	lp_out_lit(o, "{\"kind\":\"sample\",");
	lp_out_raw(o, w->src.buf, w->src.len);
	lp_out_lit(o, ",\"values\":{");
	for (i = 0; i < w->nsel; i++) {
		if (i)
			lp_out_ch(o, ',');
		lp_out_raw(o, w->keys.buf + w->key_off[i],
		    w->key_off[i + 1] - w->key_off[i]);
		lp_out_int(o, s->values[w->sel[i]]);
	}
	lp_out_ch(o, '}');
	if (w->flags & LP_EMIT_INTERN) {
		lp_out_lit(o, ",\"stack_id\":");
		lp_out_uint(o, id);
	} else {
		lp_out_lit(o, ",\"stack\":");
		write_stack(w, o, s);
	}
	if (s->nlabels) {
		write_labels(o, s, 0, w->refs, w->groups);
		write_labels(o, s, 1, w->refs, w->groups);
	}
	if (s->partial)
		lp_out_lit(o, ",\"partial\":true");
	lp_out_ch(o, '}');
	lp_out_end(o);
}

static int
select_values(struct writer *w, const struct lp_emit_opts *opts)
{
	struct lp_profile *p = w->p;
	size_t i, j;

	w->sel = calloc(p->nsample_types + 1, sizeof(*w->sel));
	w->key_off = calloc(p->nsample_types + 2, sizeof(*w->key_off));
	if (!w->sel || !w->key_off)
		return -LP_ENOMEM;
	for (i = 0; i < p->nsample_types; i++) {
		int keep = !opts->values;
		for (j = 0; !keep && j < opts->nvalues; j++) {
			keep =
			    lp_str_eq(p->sample_types[i].type, opts->values[j]);
			if (keep && opts->hits)
				opts->hits[j]++;
		}
		if (!keep)
			continue;
		w->key_off[w->nsel] = w->keys.len;
		w->sel[w->nsel++] = i;
		lp_out_lstr(&w->keys, p->sample_types[i].type);
		lp_out_ch(&w->keys, ':');
	}
	w->key_off[w->nsel] = w->keys.len;
	return w->keys.err ? -LP_ENOMEM : 0;
}

int
lp_profile_write(struct lp_out *o, struct lp_profile *p, const char *src,
    const struct lp_emit_opts *opts, struct lp_intern *in)
{
	static const struct lp_emit_opts defaults = { 0, NULL, 0, NULL };
	struct writer w;
	size_t i, most_labels = 0;
	int rc = -LP_ENOMEM;

	if (!opts)
		opts = &defaults;
	memset(&w, 0, sizeof(w));
	w.o = o;
	w.p = p;
	w.flags = opts->flags;
	w.in = in;
	if (lp_out_init(&w.frag, -1, 1 << 16) < 0 ||
	    lp_out_init(&w.src, -1, 256) < 0 ||
	    lp_out_init(&w.keys, -1, 256) < 0)
		goto out;
	for (i = 0; i < p->nsamples; i++)
		if (p->samples[i].nlabels > most_labels)
			most_labels = p->samples[i].nlabels;
	w.refs = calloc(most_labels + 1, sizeof(*w.refs));
	w.groups = calloc(most_labels + 1, sizeof(*w.groups));
	if (!w.refs || !w.groups)
		goto out;
	w.frag_off = calloc(p->nlocations + 1, sizeof(*w.frag_off));
	w.frag_len = calloc(p->nlocations + 1, sizeof(*w.frag_len));
	if (!w.frag_off || !w.frag_len || select_values(&w, opts) < 0)
		goto out;
	if (w.flags & LP_EMIT_INTERN) {
		size_t most = 0;
		for (i = 0; i < p->nsamples; i++)
			if (p->samples[i].nlocs > most)
				most = p->samples[i].nlocs;
		w.frag_id = calloc(p->nlocations + 1, sizeof(*w.frag_id));
		w.seq = calloc(most + 1, sizeof(*w.seq));
		if (!in || !w.frag_id || !w.seq)
			goto out;
	}
	lp_out_lit(&w.src, "\"src\":");
	lp_out_cstr(&w.src, src);
	if (w.src.err)
		goto out;

	write_header(&w, src);
	if (!(w.flags & LP_EMIT_HEADERS)) {
		for (i = 0; i < p->nsamples && !o->err; i++) {
			write_sample(&w, &p->samples[i]);
			if (w.frag.err)
				goto out;
		}
	}
	rc = 0;
out:
	lp_out_release(&w.frag);
	lp_out_release(&w.src);
	lp_out_release(&w.keys);
	free(w.frag_off);
	free(w.frag_len);
	free(w.sel);
	free(w.key_off);
	free(w.frag_id);
	free(w.seq);
	free(w.refs);
	free(w.groups);
	return rc;
}
