/* heapdiff - what grew between profiles, or over a whole series of them */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "key.h"
#include "heapdiff.h"
#include "leakpipe.h"
#include "series.h"

static const char usage[] =
    "usage: heapdiff [-hu] [--version] [--strict] [--series] [--partial]\n"
    "                [--merge] [--value=TYPE] [--key=HOW] [--drop-runtime]\n"
    "                [--stream-order] [--top=N] [--min-delta=N] [--min-pct=P]\n"
    "                [--points=N] [--format=table|ndjson] [--progress]\n"
    "                [--no-progress] [FILE ...]\n"
    "\n"
    "Compare heap, goroutine or any pprof profiles by stack, function or\n"
    "label: the first against the last (diff records), or every key over a\n"
    "series of snapshots (--series: trend records and a leak verdict).\n"
    "Reads pprof2ndjson records, or profiles, dumps and archives of them.\n"
    "With no FILE, or when FILE is -, read standard input.\n"
    "\n"
    "  -h, --help          print this help and exit\n"
    "      --version       print the version and exit\n"
    "  -u, --unbuffered    write each record out at once\n"
    "      --strict        stop at the first bad input\n"
    "      --series        one trend record per key over every snapshot\n"
    "      --partial       write the mergeable aggregate instead\n"
    "      --merge         the inputs are --partial outputs: combine them\n"
    "      --value=TYPE    the sample type compared (default: the first\n"
    "                      profile's default, e.g. inuse_space, goroutine)\n"
    "      --key=HOW       stack (default), funcs, leaf, first-user,\n"
    "                      label:NAME or signature\n"
    "      --drop-runtime  leave frames of the Go runtime out of keys\n"
    "      --stream-order  order snapshots as they come, not by time\n"
    "      --top=N         write the first N keys only\n"
    "      --min-delta=N   only keys that changed by at least N\n"
    "      --min-pct=P     only keys that changed by at least P percent\n"
    "      --points=N      values in a trend's series (default 100, 0 = all)\n"
    "      --format=F      table (the default on a terminal) or ndjson\n"
    "      --progress      show progress on stderr, even off a terminal\n"
    "      --no-progress   never show progress\n";

enum {
	OPT_SERIES = LP_OPT_FIRST_PRIVATE,
	OPT_PARTIAL,
	OPT_MERGE,
	OPT_VALUE,
	OPT_KEY,
	OPT_DROP_RUNTIME,
	OPT_STREAM_ORDER,
	OPT_TOP,
	OPT_MIN_DELTA,
	OPT_MIN_PCT,
	OPT_POINTS,
	OPT_FORMAT,
};

static const struct option longopts[] = {
	LP_CLI_COMMON_LONGOPTS,
	{ "series", no_argument, NULL, OPT_SERIES },
	{ "partial", no_argument, NULL, OPT_PARTIAL },
	{ "merge", no_argument, NULL, OPT_MERGE },
	{ "value", required_argument, NULL, OPT_VALUE },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "drop-runtime", no_argument, NULL, OPT_DROP_RUNTIME },
	{ "stream-order", no_argument, NULL, OPT_STREAM_ORDER },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "min-delta", required_argument, NULL, OPT_MIN_DELTA },
	{ "min-pct", required_argument, NULL, OPT_MIN_PCT },
	{ "points", required_argument, NULL, OPT_POINTS },
	{ "format", required_argument, NULL, OPT_FORMAT },
	LP_CLI_PROGRESS_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

/* Sample types of the open snapshot, by name, for records' "values". */
#define TYPES_MAX LP_SERIES_TYPES_MAX

struct run {
	struct lp_series_opts opts;
	struct lp_series *s;
	struct lp_progress meter; /* snapshots read, on stderr */
	int series, partial, merge;
	int key_given, value_given, drop_given;
	struct lp_out key, fn;   /* the key being built, its site */
	struct lp_frame *frames; /* a record's stack */
	size_t fcap;
	int64_t vals[TYPES_MAX]; /* one sample's values */
	/* NDJSON: the open snapshot's types. */
	char *tnames[TYPES_MAX];
	size_t ntnames;
	/* Profiles decoded in process: per location, its piece of a key. */
	size_t *foff, *flen;
	const struct lp_frame **leaf, **user;
	size_t lcap;
	struct lp_out frag;
	/* The line of the record at hand, for messages. */
	unsigned long recno;
	/* The unit being skipped, once found to be the wrong kind. */
	int reject_unit;
	char *rejected;
	/* --merge: the open partial's key ids, and its settings. */
	long *idmap;
	size_t idcap;
	int in_partial;   /* a partial header was read and accepted */
	char *pvalue;     /* the partial's value type */
	char *punit;      /* and unit */
	char *key_by_arg; /* storage for a label name taken from a partial */
};

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 64, bytes;
	void *q;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	if (!lp_mul(ncap, size, &bytes) || !(q = realloc(*p, bytes)))
		return -1;
	*p = q;
	*cap = ncap;
	return 0;
}

static int
need_series(struct run *run, struct lp_error *err)
{
	if (!run->s)
		run->s = lp_series_new(&run->opts, err);
	return run->s ? 0 : -err->code;
}

/* The key text and site of frames f[0..n) into run->key and run->fn. */
static void
key_of_frames(struct run *run, const struct lp_frame *f, size_t n,
    const char *label, size_t labellen, int has_label)
{
	const struct lp_keyspec *ks = &run->opts.keys;
	size_t site;

	run->key.len = 0;
	run->fn.len = 0;
	if (ks->by == LP_KEY_LABEL ||
	    (ks->by == LP_KEY_SIGNATURE && has_label)) {
		/* A label's value, or a record's own signature. */
		if (has_label)
			lp_out_str(&run->key, label, labellen);
		else
			lp_out_lit(&run->key, "\"\"");
		return;
	}
	lp_key_write(&run->key, ks, f, n);
	if (ks->by == LP_KEY_SIGNATURE)
		return;
	if (ks->by == LP_KEY_LEAF || ks->by == LP_KEY_USER) {
		lp_out_raw(&run->fn, run->key.buf, run->key.len);
		return;
	}
	site = lp_key_site(ks, f, n);
	if (site < n)
		lp_out_lstr(&run->fn, f[site].fn);
}

static long
intern_key(struct run *run, struct lp_error *err)
{
	return lp_series_key(
	    run->s, run->key.buf, run->key.len, run->fn.buf, run->fn.len, err);
}

/* Profiles decoded in process */

/* The value of label name on sample sm, joined by ',' when it repeats. */
static int
sample_label(struct run *run, const struct lp_sample *sm, struct lp_out *o)
{
	size_t i, n = strlen(run->opts.keys.label);
	int found = 0;

	o->len = 0;
	for (i = 0; i < sm->nlabels; i++) {
		const struct lp_label *l = &sm->labels[i];
		if (l->key.n != n || memcmp(l->key.p, run->opts.keys.label, n))
			continue;
		if (found++)
			lp_out_ch(o, ',');
		if (l->is_num)
			lp_out_int(o, l->num);
		else
			lp_out_raw(o, l->str.p, l->str.n);
	}
	return found;
}

/* Each location's piece of a stack key, its leaf and its first user frame. */
static int
prepare_locations(struct run *run, const struct lp_profile *p)
{
	const struct lp_keyspec *ks = &run->opts.keys;
	size_t i, j, c1 = run->lcap, c2 = run->lcap, c3 = run->lcap;

	if (grow((void **)&run->foff, &c1, p->nlocations + 1, sizeof(size_t)) ||
	    grow((void **)&run->flen, &c2, p->nlocations + 1, sizeof(size_t)) ||
	    grow((void **)&run->leaf, &c3, p->nlocations + 1, sizeof(void *)))
		return -1;
	c1 = run->lcap;
	if (grow((void **)&run->user, &c1, p->nlocations + 1, sizeof(void *)))
		return -1;
	run->lcap = c1;
	run->frag.len = 0;
	for (i = 0; i < p->nlocations; i++) {
		const struct lp_location *l = &p->locations[i];
		run->foff[i] = run->frag.len;
		if (lp_key_is_stack(ks))
			lp_key_frames_write(
			    &run->frag, ks, l->frames, l->nframes);
		run->flen[i] = run->frag.len - run->foff[i];
		run->leaf[i] = run->user[i] = NULL;
		for (j = 0; j < l->nframes; j++) {
			const struct lp_frame *f = &l->frames[j];
			if (!lp_key_keeps(ks, f))
				continue;
			if (!run->leaf[i])
				run->leaf[i] = f;
			if (!lp_frame_is_stdlib(f)) {
				run->user[i] = f;
				break;
			}
		}
	}
	return run->frag.err ? -1 : 0;
}

/* The key of sample sm of p into run->key and run->fn. */
static int
key_of_sample(struct run *run, const struct lp_profile *p,
    const struct lp_sample *sm, struct lp_out *scratch)
{
	const struct lp_keyspec *ks = &run->opts.keys;
	const struct lp_frame *leaf = NULL, *user = NULL;
	size_t i;
	int first = 1;

	run->key.len = 0;
	run->fn.len = 0;
	if (ks->by == LP_KEY_LABEL) {
		int has = sample_label(run, sm, scratch);
		key_of_frames(run, NULL, 0, scratch->buf, scratch->len, has);
		return 0;
	}
	if (ks->by == LP_KEY_SIGNATURE) {
		size_t n = 0;
		for (i = 0; i < sm->nlocs; i++) {
			const struct lp_location *l =
			    &p->locations[sm->locs[i]];
			if (grow((void **)&run->frames, &run->fcap,
			        n + l->nframes + 1, sizeof(*run->frames)))
				return -1;
			memcpy(run->frames + n, l->frames,
			    l->nframes * sizeof(*run->frames));
			n += l->nframes;
		}
		key_of_frames(run, run->frames, n, NULL, 0, 0);
		return 0;
	}
	for (i = 0; i < sm->nlocs && !user; i++) {
		uint32_t li = sm->locs[i];
		if (!leaf)
			leaf = run->leaf[li];
		user = run->user[li];
	}
	if (!user)
		user = leaf;
	if (lp_key_is_stack(ks)) {
		lp_out_ch(&run->key, '[');
		for (i = 0; i < sm->nlocs; i++) {
			uint32_t li = sm->locs[i];
			if (!run->flen[li])
				continue;
			if (!first)
				lp_out_ch(&run->key, ',');
			first = 0;
			lp_out_raw(&run->key, run->frag.buf + run->foff[li],
			    run->flen[li]);
		}
		lp_out_ch(&run->key, ']');
		if (user)
			lp_out_lstr(&run->fn, user->fn);
		return 0;
	}
	/* leaf or first-user */
	if (ks->by == LP_KEY_LEAF)
		user = leaf;
	if (user)
		lp_out_lstr(&run->key, user->fn);
	else
		lp_out_lit(&run->key, "\"\"");
	lp_out_raw(&run->fn, run->key.buf, run->key.len);
	return 0;
}

static int
take_profile(void *ctx, const struct lp_profile *p, const char *src,
    struct lp_error *err)
{
	struct run *run = ctx;
	struct lp_str types[TYPES_MAX], units[TYPES_MAX];
	struct lp_out scratch;
	size_t i;
	int rc;

	if ((rc = need_series(run, err)) < 0)
		return rc;
	if (p->nsample_types > TYPES_MAX)
		return lp_error_set(
		    err, LP_ELIMIT, "more than %d sample types", TYPES_MAX);
	for (i = 0; i < p->nsample_types; i++) {
		types[i] = p->sample_types[i].type;
		units[i] = p->sample_types[i].unit;
	}
	rc = lp_series_begin(run->s, src, p->time_ns, types, units,
	    p->nsample_types, p->default_type, err);
	if (rc <= 0)
		return rc;
	lp_progress_add(&run->meter, 1, 0);
	if (prepare_locations(run, p) < 0 || lp_out_init(&scratch, -1, 256) < 0)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	for (i = 0; i < p->nsamples && rc >= 0; i++) {
		const struct lp_sample *sm = &p->samples[i];
		long id;
		if (key_of_sample(run, p, sm, &scratch) < 0 || run->key.err) {
			rc = lp_error_set(err, LP_ENOMEM, "out of memory");
			break;
		}
		if ((id = intern_key(run, err)) < 0)
			rc = (int)id;
		else
			rc = lp_series_add(run->s, id, sm->values, err);
	}
	lp_out_release(&scratch);
	if (rc < 0)
		return rc;
	return lp_series_end(run->s, err);
}

/* NDJSON records */

static int
bad(struct run *run, struct lp_error *err, const char *what)
{
	return lp_error_set(err, LP_EDATA, "line %lu: %s", run->recno, what);
}

static const char *
str_member(json_t *rec, const char *name, const char *dflt)
{
	json_t *v = json_object_get(rec, name);

	return json_is_string(v) ? json_string_value(v) : dflt;
}

/* The frames of a "stack" array into run->frames; returns n or -1. */
static long
parse_stack(struct run *run, json_t *stack, struct lp_error *err)
{
	size_t i, n;

	if (!json_is_array(stack)) {
		bad(run, err, "no stack array");
		return -1;
	}
	n = json_array_size(stack);
	if (n > LP_STACK_FRAMES_MAX) {
		lp_error_set(err, LP_ELIMIT, "line %lu: more than %u frames",
		    run->recno, LP_STACK_FRAMES_MAX);
		return -1;
	}
	if (grow((void **)&run->frames, &run->fcap, n + 1,
	        sizeof(*run->frames))) {
		lp_error_set(err, LP_ENOMEM, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		json_t *f = json_array_get(stack, i), *fn, *file, *line;
		struct lp_frame *fr = &run->frames[i];
		if (!json_is_object(f)) {
			bad(run, err, "a stack frame is not an object");
			return -1;
		}
		fn = json_object_get(f, "fn");
		file = json_object_get(f, "file");
		line = json_object_get(f, "line");
		if ((fn && !json_is_string(fn)) ||
		    (file && !json_is_string(file)) ||
		    (line && !json_is_integer(line))) {
			bad(run, err,
			    "a stack frame's fn, file or line has "
			    "the wrong type");
			return -1;
		}
		memset(fr, 0, sizeof(*fr));
		if (fn)
			fr->fn = lp_str_make(
			    json_string_value(fn), json_string_length(fn));
		if (file)
			fr->file = lp_str_make(
			    json_string_value(file), json_string_length(file));
		fr->line = line ? json_integer_value(line) : 0;
	}
	return (long)n;
}

static void
clear_types(struct run *run)
{
	size_t i;

	for (i = 0; i < run->ntnames; i++)
		free(run->tnames[i]);
	run->ntnames = 0;
}

/* Start a snapshot for src from a profile record (or a sample's values
 * when rec is NULL, or a dump when dump is set). */
static int
begin_snapshot(struct run *run, const char *src, json_t *rec, json_t *values,
    int dump, struct lp_error *err)
{
	struct lp_str types[TYPES_MAX], units[TYPES_MAX];
	size_t n = 0, dflt = 0, i;
	int64_t time_ns = 0;
	int rc;

	clear_types(run);
	if (dump) {
		types[0] = LP_STR_LIT("goroutine");
		units[0] = LP_STR_LIT("count");
		n = 1;
	} else if (rec) {
		json_t *st = json_object_get(rec, "sample_types"), *t;
		const char *d = str_member(rec, "default_sample_type", NULL);
		json_t *tn = json_object_get(rec, "time_ns");
		if (!json_is_array(st))
			return bad(run, err,
			    "a profile record has no "
			    "sample_types array");
		if (json_array_size(st) > TYPES_MAX)
			return lp_error_set(err, LP_ELIMIT,
			    "line %lu: more than %d sample types", run->recno,
			    TYPES_MAX);
		json_array_foreach(st, i, t)
		{
			const char *ty = str_member(t, "type", NULL);
			const char *un = str_member(t, "unit", "");
			if (!ty)
				return bad(
				    run, err, "a sample type has no type name");
			types[n] = lp_str_make(ty, strlen(ty));
			units[n] = lp_str_make(un, strlen(un));
			if (d && strcmp(d, ty) == 0)
				dflt = n;
			else if (!d)
				dflt = n; /* pprof's rule: the last one */
			n++;
		}
		if (tn && !json_is_integer(tn))
			return bad(run, err, "time_ns is not an integer");
		time_ns = tn ? json_integer_value(tn) : 0;
	} else {
		const char *k;
		json_t *v;
		json_object_foreach(values, k, v)
		{
			if (n == TYPES_MAX)
				break;
			types[n] = lp_str_make(k, strlen(k));
			units[n] = LP_STR_LIT("");
			dflt = n++;
		}
	}
	for (i = 0; i < n; i++) {
		if (!(run->tnames[i] = strndup(types[i].p, types[i].n)))
			return lp_error_set(err, LP_ENOMEM, "out of memory");
		run->ntnames++;
	}
	rc = lp_series_begin(run->s, src, time_ns, types, units, n, dflt, err);
	if (rc > 0)
		lp_progress_add(&run->meter, 1, 0);
	return rc < 0 ? rc : 0;
}

/* A sample or goroutine record. */
static int
take_sample(struct run *run, json_t *rec, const char *src, int goroutine,
    struct lp_error *err)
{
	const char *open = lp_series_open_src(run->s);
	json_t *values = json_object_get(rec, "values");
	const char *label = NULL;
	size_t labellen = 0, i;
	int has_label = 0, rc;
	long n, id;
	struct lp_out lab = { NULL, 0, 0, -1, 0, 0 };

	if (!goroutine && !json_is_object(values))
		return bad(run, err, "a sample record has no values object");
	if ((!open || strcmp(open, src) != 0) &&
	    (rc = begin_snapshot(run, src, NULL, values, goroutine, err)) < 0)
		return rc;
	if (!lp_series_open_kept(run->s))
		return 0;
	if ((n = parse_stack(run, json_object_get(rec, "stack"), err)) < 0)
		return -err->code;
	if (run->opts.keys.by == LP_KEY_SIGNATURE) {
		json_t *sig = json_object_get(rec, "signature");
		if (json_is_string(sig)) {
			label = json_string_value(sig);
			labellen = json_string_length(sig);
			has_label = 1;
		}
	} else if (run->opts.keys.by == LP_KEY_LABEL) {
		/* "labels": {"k": "v"} or {"k": ["v", …]}; "num_labels":
		 * {"k": {"value": 1, "unit": …}} or an array of those. */
		json_t *l = json_object_get(
		    json_object_get(rec, "labels"), run->opts.keys.label);
		json_t *nl = json_object_get(
		    json_object_get(rec, "num_labels"), run->opts.keys.label);
		json_t *one = json_is_array(l) || json_is_array(nl) ? NULL : l;
		size_t k;
		json_t *v;
		if (lp_out_init(&lab, -1, 64) < 0)
			return lp_error_set(err, LP_ENOMEM, "out of memory");
		if (one && json_is_string(one)) {
			lp_out_raw(&lab, json_string_value(one),
			    json_string_length(one));
			has_label = 1;
		} else if (json_is_array(l)) {
			json_array_foreach(l, k, v)
			{
				if (!json_is_string(v))
					continue;
				if (has_label++)
					lp_out_ch(&lab, ',');
				lp_out_raw(&lab, json_string_value(v),
				    json_string_length(v));
			}
		} else if (nl) {
			json_t *arr = json_is_array(nl) ? nl : NULL;
			size_t cnt = arr ? json_array_size(arr) : 1;
			for (k = 0; k < cnt; k++) {
				json_t *e = arr ? json_array_get(arr, k) : nl;
				json_t *val = json_object_get(e, "value");
				if (!json_is_integer(val))
					continue;
				if (has_label++)
					lp_out_ch(&lab, ',');
				lp_out_int(&lab, json_integer_value(val));
			}
		}
		label = lab.buf;
		labellen = lab.len;
	}
	key_of_frames(run, run->frames, (size_t)n, label, labellen, has_label);
	lp_out_release(&lab);
	if (run->key.err)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	for (i = 0; i < run->ntnames; i++) {
		json_t *v;
		if (goroutine) {
			run->vals[i] = 1;
			continue;
		}
		v = json_object_get(values, run->tnames[i]);
		if (v && !json_is_integer(v))
			return bad(
			    run, err, "a sample value is not an integer");
		run->vals[i] = v ? json_integer_value(v) : 0;
	}
	if ((id = intern_key(run, err)) < 0)
		return (int)id;
	return lp_series_add(run->s, id, run->vals, err);
}

/* --merge: a partial's header, key and column records. */

static int
take_partial_head(
    struct run *run, json_t *rec, const char *src, struct lp_error *err)
{
	const char *value = str_member(rec, "value", NULL);
	const char *unit = str_member(rec, "unit", "");
	const char *key_by = str_member(rec, "key_by", "stack");
	json_t *drop = json_object_get(rec, "drop_runtime");
	json_t *skipped = json_object_get(rec, "skipped");
	struct lp_keyspec ks;
	int d = json_is_true(drop);

	run->in_partial = 0;
	if (lp_keyspec_parse(&ks, key_by) < 0)
		return bad(run, err, "a partial record with an unknown key_by");
	if (!run->s) {
		/* The first partial settles what the options left open. */
		if (!run->key_given) {
			free(run->key_by_arg);
			if (!(run->key_by_arg = strdup(key_by)))
				return lp_error_set(err, LP_ENOMEM, "oom");
			lp_keyspec_parse(&run->opts.keys, run->key_by_arg);
		}
		if (!run->drop_given)
			run->opts.keys.drop_runtime = d;
		if (!run->value_given && value) {
			free(run->pvalue);
			if (!(run->pvalue = strdup(value)))
				return lp_error_set(err, LP_ENOMEM, "oom");
			run->opts.value = run->pvalue;
		}
	}
	if (ks.by != run->opts.keys.by ||
	    (ks.by == LP_KEY_LABEL &&
	        strcmp(ks.label, run->opts.keys.label) != 0))
		return lp_error_set(err, LP_EDATA,
		    "line %lu: keyed by '%s', not like the others", run->recno,
		    key_by);
	if (d != run->opts.keys.drop_runtime)
		return lp_error_set(err, LP_EDATA,
		    "line %lu: drop_runtime differs from the others",
		    run->recno);
	if (value && run->opts.value && strcmp(value, run->opts.value) != 0)
		return lp_error_set(err, LP_EDATA,
		    "line %lu: compares '%s', not '%s'", run->recno, value,
		    run->opts.value);
	if (need_series(run, err) < 0)
		return -err->code;
	if (lp_series_partial_begin(run->s, src, run->recno,
	        json_is_integer(json_object_get(rec, "snapshots"))
	            ? (size_t)json_integer_value(
	                  json_object_get(rec, "snapshots"))
	            : (size_t)-1,
	        json_is_integer(skipped) && json_integer_value(skipped) > 0
	            ? (size_t)json_integer_value(skipped)
	            : 0,
	        err) < 0)
		lp_cli_fail(NULL, err); /* the partial before this one */
	free(run->punit);
	if (!(run->punit = strdup(unit)))
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	run->in_partial = 1;
	if (run->idcap)
		memset(run->idmap, 0xff, run->idcap * sizeof(*run->idmap));
	return 0;
}

static int
take_key(struct run *run, json_t *rec, struct lp_error *err)
{
	json_t *id = json_object_get(rec, "id");
	const char *fn = NULL;
	json_t *jfn = json_object_get(rec, "fn");
	json_int_t i;
	long k;
	size_t old = run->idcap;

	if (!json_is_integer(id) || (i = json_integer_value(id)) < 0 ||
	    (size_t)i >= LP_SERIES_KEYS_MAX)
		return bad(run, err, "a key record needs an id");
	if (grow((void **)&run->idmap, &run->idcap, (size_t)i + 1,
	        sizeof(*run->idmap)))
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	memset(run->idmap + old, 0xff, (run->idcap - old) * sizeof(long));
	run->key.len = 0;
	run->fn.len = 0;
	if (lp_key_is_stack(&run->opts.keys)) {
		long n = parse_stack(run, json_object_get(rec, "stack"), err);
		if (n < 0)
			return -err->code;
		lp_key_write(
		    &run->key, &run->opts.keys, run->frames, (size_t)n);
	} else {
		json_t *key = json_object_get(rec, "key");
		if (!json_is_string(key))
			return bad(run, err, "a key record has no key");
		lp_out_str(
		    &run->key, json_string_value(key), json_string_length(key));
	}
	if (json_is_string(jfn)) {
		fn = json_string_value(jfn);
		lp_out_str(&run->fn, fn, json_string_length(jfn));
	}
	if ((k = intern_key(run, err)) < 0)
		return (int)k;
	run->idmap[i] = k;
	return 0;
}

static int
take_column(struct run *run, json_t *rec, const char *src, struct lp_error *err)
{
	json_t *ids = json_object_get(rec, "ids");
	json_t *vals = json_object_get(rec, "values");
	json_t *tn = json_object_get(rec, "time_ns");
	struct lp_str type, unit;
	size_t i, n;
	int rc;

	if (!json_is_array(ids) || !json_is_array(vals) ||
	    json_array_size(ids) != json_array_size(vals))
		return bad(run, err,
		    "a column needs ids and values arrays "
		    "of one length");
	if (tn && !json_is_integer(tn))
		return bad(run, err, "time_ns is not an integer");
	if (!run->opts.value)
		return bad(run, err, "a column in a partial without a value");
	type = lp_str_make(run->opts.value, strlen(run->opts.value));
	unit = lp_str_make(run->punit, strlen(run->punit));
	rc = lp_series_begin(run->s, str_member(rec, "src", src),
	    tn ? json_integer_value(tn) : 0, &type, &unit, 1, 0, err);
	if (rc <= 0)
		return rc;
	n = json_array_size(ids);
	for (i = 0; i < n; i++) {
		json_t *id = json_array_get(ids, i),
		       *v = json_array_get(vals, i);
		json_int_t k;
		int64_t x;
		if (!json_is_integer(id) || !json_is_integer(v) ||
		    (k = json_integer_value(id)) < 0 ||
		    (size_t)k >= run->idcap || run->idmap[k] < 0)
			return bad(run, err,
			    "a column refers to a key with no "
			    "key record before it");
		x = json_integer_value(v);
		if ((rc = lp_series_add(run->s, run->idmap[k], &x, err)) < 0)
			return rc;
	}
	return lp_series_end(run->s, err);
}

static int
take_record(
    struct run *run, json_t *rec, const char *unit, struct lp_error *err)
{
	const char *kind = str_member(rec, "kind", "");
	const char *src = str_member(rec, "src", unit);
	int partial = strcmp(kind, "partial") == 0 ||
	              strcmp(kind, "key") == 0 || strcmp(kind, "column") == 0;
	int evidence =
	    strcmp(kind, "profile") == 0 || strcmp(kind, "sample") == 0 ||
	    strcmp(kind, "dump") == 0 || strcmp(kind, "goroutine") == 0;

	/* The wrong kind of input is said once, and the unit skipped. */
	if (partial && !run->merge) {
		run->reject_unit = 1;
		return bad(
		    run, err, "a heapdiff partial: read it with --merge");
	}
	if (evidence && run->merge) {
		run->reject_unit = 1;
		return bad(run, err,
		    "not a heapdiff partial (--merge reads the "
		    "output of heapdiff --partial)");
	}
	if (strcmp(kind, "partial") == 0)
		return take_partial_head(run, rec, src, err);
	if (partial && !run->in_partial)
		return 0; /* a rejected partial: skip its records */
	if (strcmp(kind, "key") == 0)
		return take_key(run, rec, err);
	if (strcmp(kind, "column") == 0)
		return take_column(run, rec, src, err);
	if (!evidence)
		return 0;
	if (need_series(run, err) < 0)
		return -err->code;
	if (strcmp(kind, "profile") == 0)
		return begin_snapshot(run, src, rec, NULL, 0, err);
	if (strcmp(kind, "dump") == 0)
		return begin_snapshot(run, src, NULL, NULL, 1, err);
	return take_sample(run, rec, src, strcmp(kind, "goroutine") == 0, err);
}

static void
read_path(struct run *run, struct lp_reader *r, const char *path)
{
	struct lp_error err = { 0, "" };
	const char *src;
	json_t *rec;
	int rc;

	if (lp_reader_open(r, path, &err) < 0) {
		lp_cli_fail(path, &err);
		return;
	}
	while ((rc = lp_reader_next(r, &rec, &src, &err)) != 0) {
		if (rc < 0) {
			lp_cli_fail(src, &err);
			if (err.code == LP_ENOINPUT || err.code == LP_EIO ||
			    err.code == LP_ENOMEM)
				break;
			continue;
		}
		run->recno = lp_reader_line(r);
		if (run->rejected && strcmp(run->rejected, src) == 0) {
			json_decref(rec);
			continue;
		}
		run->reject_unit = 0;
		rc = take_record(run, rec, src, &err);
		json_decref(rec);
		if (run->reject_unit) {
			free(run->rejected);
			run->rejected = strdup(src);
		}
		if (rc < 0) {
			lp_cli_fail(src, &err);
			if (err.code == LP_ENOMEM || err.code == LP_EIO)
				lp_cli_exit();
		}
	}
}

static long long
number(const char *opt, const char *arg, long long max)
{
	const char *errstr = NULL;
	unsigned long long v =
	    lp_parse_uint(arg, 0, (unsigned long long)max, &errstr);

	if (errstr)
		lp_cli_usage("--%s: '%s' is %s", opt, arg, errstr);
	return (long long)v;
}

int
main(int argc, char **argv)
{
	struct run run;
	struct lp_reader *r;
	struct lp_error err = { 0, "" };
	enum lp_view view = LP_VIEW_AUTO;
	struct lp_out mem, *out = &lp_cli.out;
	int c, i, rc = 0;
	char *end;

	memset(&run, 0, sizeof(run));
	run.opts.points = 100;
	run.opts.min_pct = -1;
	lp_cli_init("heapdiff");
	while ((c = lp_cli_getopt(argc, argv, "hu", longopts)) != -1) {
		if (lp_cli_common_opt(c, usage))
			continue;
		switch (c) {
		case OPT_SERIES: run.series = 1; break;
		case OPT_PARTIAL: run.partial = 1; break;
		case OPT_MERGE: run.merge = 1; break;
		case OPT_VALUE:
			if (!*optarg)
				lp_cli_usage("--value: empty sample type");
			run.opts.value = optarg;
			run.value_given = 1;
			break;
		case OPT_KEY:
			if (lp_keyspec_parse(&run.opts.keys, optarg) < 0)
				lp_cli_usage("--key: '%s' is not stack, funcs, "
				             "leaf, first-user, label:NAME or "
				             "signature",
				    optarg);
			run.key_given = 1;
			break;
		case OPT_DROP_RUNTIME:
			run.opts.keys.drop_runtime = 1;
			run.drop_given = 1;
			break;
		case OPT_STREAM_ORDER: run.opts.order = LP_ORDER_STREAM; break;
		case OPT_TOP:
			run.opts.top = (size_t)number("top", optarg, 1LL << 40);
			break;
		case OPT_MIN_DELTA:
			run.opts.min_delta =
			    number("min-delta", optarg, INT64_MAX);
			break;
		case OPT_MIN_PCT:
			run.opts.min_pct = strtod(optarg, &end);
			if (end == optarg || *end || !(run.opts.min_pct >= 0) ||
			    run.opts.min_pct > 1e300)
				lp_cli_usage("--min-pct: '%s' is not a "
				             "percentage",
				    optarg);
			break;
		case OPT_FORMAT: view = lp_cli_view_opt(optarg); break;
		case OPT_POINTS:
			run.opts.points =
			    (unsigned)number("points", optarg, 1000000);
			break;
		default:
			fprintf(stderr, "Try 'heapdiff --help' for more "
			                "information.\n");
			exit(LP_EXIT_USAGE);
		}
	}
	if (run.partial &&
	    (run.opts.top || run.opts.min_delta || run.opts.min_pct >= 0))
		lp_cli_usage("--partial keeps every key: it cannot take --top, "
		             "--min-delta or --min-pct");
	run.opts.all_values = !run.series && !run.partial && !run.merge;
	r = lp_reader_new(0);
	if (!r || lp_out_init(&run.key, -1, 4096) < 0 ||
	    lp_out_init(&run.fn, -1, 256) < 0 ||
	    lp_out_init(&run.frag, -1, 4096) < 0) {
		lp_cli_warn(NULL, "out of memory");
		exit(LP_EXIT_OSERR);
	}
	if (!run.merge)
		lp_reader_set_profile_fn(r, take_profile, &run);
	lp_cli_progress_start(&run.meter, "snapshots");
	if (optind == argc)
		read_path(&run, r, "-");
	for (i = optind; i < argc; i++)
		read_path(&run, r, argv[i]);
	lp_cli_progress_done(&run.meter);
	/* A table is drawn from the records, written to memory first. */
	if (run.partial && view == LP_VIEW_TABLE)
		lp_cli_usage("--partial writes records for --merge: no table");
	if (!run.partial && lp_cli_view(view) == LP_VIEW_TABLE)
		out = &mem;
	if (out == &mem && lp_out_init(&mem, -1, (size_t)64 << 10) < 0) {
		lp_cli_warn(NULL, "out of memory");
		exit(LP_EXIT_OSERR);
	}
	if (run.s && lp_series_partial_end(run.s, &err) < 0)
		lp_cli_fail(NULL, &err);
	if (run.s && (rc = lp_series_end(run.s, &err)) == 0) {
		if (run.partial)
			rc = lp_series_write_partial(run.s, out, &err);
		else if (lp_series_count(run.s) == 0 &&
		         lp_series_skipped(run.s) > 0)
			lp_cli_warn(NULL,
			    "no profile has the sample type '%s' "
			    "(--value chooses another)",
			    run.opts.value ? run.opts.value : "?");
		else if (run.series)
			rc = lp_series_write_trends(run.s, out, &err);
		else
			rc = lp_series_write_diff(run.s, out, &err);
	}
	if (out == &mem && rc == 0 &&
	    (rc = heapdiff_table(&mem, run.opts.top)) < 0)
		lp_error_set(&err, -rc, "out of memory");
	if (out == &mem)
		lp_out_release(&mem);
	if (rc < 0)
		lp_cli_fail(NULL, &err);
	lp_reader_free(r);
	lp_series_free(run.s);
	clear_types(&run);
	lp_out_release(&run.key);
	lp_out_release(&run.fn);
	lp_out_release(&run.frag);
	free(run.frames);
	free(run.foff);
	free(run.flen);
	free(run.leaf);
	free(run.user);
	free(run.idmap);
	free(run.rejected);
	free(run.pvalue);
	free(run.punit);
	free(run.key_by_arg);
	lp_cli_exit();
}
