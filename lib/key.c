/* key.c - what heapdiff compares: a stack, a function, a label */
#include <string.h>

#include "godump.h"
#include "key.h"
#include "signature.h"

int
lp_keyspec_parse(struct lp_keyspec *ks, const char *arg)
{
	static const struct {
		const char *name;
		enum lp_key_by by;
	} names[] = {
		{ "stack", LP_KEY_STACK },
		{ "funcs", LP_KEY_FUNCS },
		{ "leaf", LP_KEY_LEAF },
		{ "first-user", LP_KEY_USER },
		{ "signature", LP_KEY_SIGNATURE },
	};
	size_t i;

	ks->label = NULL;
	if (strncmp(arg, "label:", 6) == 0 && arg[6] != '\0') {
		ks->by = LP_KEY_LABEL;
		ks->label = arg + 6;
		return 0;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(arg, names[i].name) == 0) {
			ks->by = names[i].by;
			return 0;
		}
	return -1;
}

const char *
lp_keyspec_name(enum lp_key_by by)
{
	switch (by) {
	case LP_KEY_STACK: return "stack";
	case LP_KEY_FUNCS: return "funcs";
	case LP_KEY_LEAF: return "leaf";
	case LP_KEY_USER: return "first-user";
	case LP_KEY_LABEL: return "label";
	case LP_KEY_SIGNATURE: return "signature";
	}
	return "?";
}

int
lp_frame_is_stdlib(const struct lp_frame *f)
{
	const char *p = f->fn.p, *end;
	size_t n = f->fn.n, i, first;
	int slash = 0;

	/* Only the package path counts: generic instantiations may hold
	 * anything in brackets, methods a receiver in parentheses. */
	for (i = 0; i < n; i++)
		if (p[i] == '[' || p[i] == '(')
			break;
	n = i;
	end = p + n;
	if (n == 0 || (n > 2 && p[0] == '0' && p[1] == 'x'))
		return 0; /* unsymbolized: an address */
	for (first = 0; first < n && p[first] != '/'; first++)
		;
	if (first < n)
		slash = 1;
	if (slash)
		/* "net/http.x" vs "github.com/a/b.x": a dot in the first
		 * element makes a module path. */
		return memchr(p, '.', first) == NULL;
	/* No slash: the package is what comes before the first dot. */
	{
		const char *dot = memchr(p, '.', (size_t)(end - p));
		size_t pn;
		if (!dot)
			return 0; /* not a Go name (C code, a symbol) */
		pn = (size_t)(dot - p);
		if ((pn == 4 && memcmp(p, "main", 4) == 0) ||
		    (pn == 22 && memcmp(p, "command-line-arguments", 22) == 0))
			return 0;
		return pn > 0;
	}
}

static void
write_frame(
    struct lp_out *o, const struct lp_keyspec *ks, const struct lp_frame *f)
{
	lp_out_lit(o, "{\"fn\":");
	lp_out_lstr(o, f->fn);
	if (ks->by == LP_KEY_STACK) {
		lp_out_lit(o, ",\"file\":");
		lp_out_lstr(o, f->file);
		lp_out_lit(o, ",\"line\":");
		lp_out_int(o, f->line);
	}
	lp_out_ch(o, '}');
}

void
lp_key_frames_write(
    struct lp_out *o, const struct lp_keyspec *ks, const struct lp_stack *s)
{
	struct lp_stack_walk w;
	const struct lp_frame *f;
	int first = 1;

	lp_stack_walk(&w, s);
	while ((f = lp_stack_next(&w)) != NULL) {
		if (!lp_key_keeps(ks, f))
			continue;
		if (!first)
			lp_out_ch(o, ',');
		first = 0;
		write_frame(o, ks, f);
	}
}

const struct lp_frame *
lp_key_site(const struct lp_keyspec *ks, const struct lp_stack *s)
{
	struct lp_stack_walk w;
	const struct lp_frame *f, *leaf = NULL;

	lp_stack_walk(&w, s);
	while ((f = lp_stack_next(&w)) != NULL) {
		if (!lp_key_keeps(ks, f))
			continue;
		if (!leaf)
			leaf = f;
		if (!lp_frame_is_stdlib(f))
			return f;
	}
	return leaf;
}

/* The first frame the key keeps, or NULL. */
static const struct lp_frame *
key_leaf(const struct lp_keyspec *ks, const struct lp_stack *s)
{
	struct lp_stack_walk w;
	const struct lp_frame *f;

	lp_stack_walk(&w, s);
	while ((f = lp_stack_next(&w)) != NULL)
		if (lp_key_keeps(ks, f))
			return f;
	return NULL;
}

void
lp_key_write(
    struct lp_out *o, const struct lp_keyspec *ks, const struct lp_stack *s)
{
	const struct lp_frame *f;

	switch (ks->by) {
	case LP_KEY_STACK:
	case LP_KEY_FUNCS:
		lp_out_ch(o, '[');
		lp_key_frames_write(o, ks, s);
		lp_out_ch(o, ']');
		break;
	case LP_KEY_LEAF:
	case LP_KEY_USER:
		f = ks->by == LP_KEY_LEAF ? key_leaf(ks, s)
		                          : lp_key_site(ks, s);
		if (f)
			lp_out_lstr(o, f->fn);
		else
			lp_out_lit(o, "\"\"");
		break;
	case LP_KEY_SIGNATURE:
	case LP_KEY_LABEL: lp_out_lit(o, "\"\""); break; /* the caller's */
	}
}

size_t
lp_key_label(struct lp_out *o, const struct lp_rsample *sm, const char *name)
{
	size_t i, n = strlen(name), found = 0;

	for (i = 0; sm && i < sm->nlabels; i++) {
		const struct lp_label *l = &sm->labels[i];
		if (l->key.n != n || memcmp(l->key.p, name, n) != 0)
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

/*
 * The signature stackcluster gives the record by default (lib/signature:
 * its blocking site and, for a goroutine, its creator), so that a key
 * joins the "signature" of the cluster the record falls in; fn is the
 * site's function.
 */
static void
cluster_signature(
    struct lp_out *key, struct lp_out *fn, const struct lp_record *rec)
{
	const struct lp_goroutine *g = rec->goroutine;
	const struct lp_frame *f = lp_stack_frames(rec->stack);
	size_t n = rec->stack ? rec->stack->n : 0, site;
	struct lp_sigspec spec;
	struct lp_out text;

	lp_sigspec_init(&spec);
	if ((n && !f) || lp_out_init(&text, -1, 256) < 0) {
		key->err = -1;
		return;
	}
	site = lp_signature_build(&text, &spec, f, n, NULL,
	    g && (g->flags & LP_G_CREATED) ? &g->created_by : NULL);
	if (text.err)
		key->err = -1;
	else
		lp_out_str(key, text.buf, text.len);
	lp_out_release(&text);
	if (site < n)
		lp_out_lstr(fn, f[site].fn);
}

void
lp_key_record(struct lp_out *key, struct lp_out *fn,
    const struct lp_keyspec *ks, const struct lp_record *rec)
{
	const struct lp_frame *site;
	size_t at;

	if (ks->by == LP_KEY_LABEL) {
		struct lp_out lab;
		if (lp_out_init(&lab, -1, 64) < 0) {
			key->err = -1;
			return;
		}
		if (lp_key_label(&lab, rec->sample, ks->label))
			lp_out_str(key, lab.buf, lab.len);
		else
			lp_out_lit(key, "\"\"");
		lp_out_release(&lab);
		return;
	}
	if (ks->by == LP_KEY_SIGNATURE) {
		if (rec->has_signature)
			lp_out_lstr(key, rec->signature);
		else
			cluster_signature(key, fn, rec);
		return;
	}
	at = key->len;
	lp_key_write(key, ks, rec->stack);
	if (ks->by == LP_KEY_LEAF || ks->by == LP_KEY_USER) {
		lp_out_raw(fn, key->buf + at, key->len - at);
		return;
	}
	if ((site = lp_key_site(ks, rec->stack)) != NULL)
		lp_out_lstr(fn, site->fn);
}
