/* dot.c - DOT text: escaped strings, labels, units and colours */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render-dot.h"

static void
esc(struct lp_out *o, const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len, done = 0;
	char hex[8];

	while (i < n) {
		unsigned c = p[i];
		len = lp_utf8_len(p + i, n - i);
		if (max && done + (len ? len : 3) > max) {
			lp_out_lit(o, "\xe2\x80\xa6"); /* … */
			return;
		}
		if (!len) {
			lp_out_lit(o, "\xef\xbf\xbd"); /* U+FFFD */
			i++;
			done += 3;
			continue;
		}
		if (c == '"' || c == '\\') {
			lp_out_ch(o, '\\');
			lp_out_ch(o, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			/* Visible, as the two characters \ x and hex. */
			snprintf(hex, sizeof(hex), "\\\\x%02x", c);
			lp_out_raw(o, hex, strlen(hex));
		} else {
			lp_out_raw(o, s + i, len);
		}
		i += len;
		done += len;
	}
}

void
rd_dot_esc(struct lp_out *o, const char *p, size_t n)
{
	esc(o, p, n, 0);
}

void
rd_dot_esc_max(struct lp_out *o, const char *p, size_t n, size_t max)
{
	esc(o, p, n, max);
}

#define LINE_MAX_BYTES  32
#define LABEL_MAX_LINES 8

/* One label line of at most LINE_MAX_BYTES, cut on a character boundary. */
static size_t
line_cut(const char *s, size_t n)
{
	size_t i = 0, len;

	while (i < n) {
		len = lp_utf8_len((const unsigned char *)s + i, n - i);
		if (!len)
			len = 1;
		if (i + len > LINE_MAX_BYTES && i > 0)
			break;
		i += len;
	}
	return i;
}

void
rd_dot_fn_label(struct lp_out *o, const char *fn, size_t n)
{
	size_t limit = n, i, start = 0, lines = 0, depth = 0, a;

	/* The package path: up to the last '/' before any bracket. */
	for (i = 0; i < n; i++)
		if (fn[i] == '[' || fn[i] == '(') {
			limit = i;
			break;
		}
	for (i = limit; i-- > 0;)
		if (fn[i] == '/') {
			start = i + 1;
			break;
		}
	if (start == n)
		start = 0;
	/* Pieces at the dots outside brackets, each wrapped. */
	a = start;
	for (i = start; i <= n; i++) {
		int cut = i == n;
		if (!cut) {
			if (fn[i] == '[' || fn[i] == '(')
				depth++;
			else if ((fn[i] == ']' || fn[i] == ')') && depth)
				depth--;
			else if (fn[i] == '.' && depth == 0 && i > a)
				cut = 1;
		}
		if (!cut)
			continue;
		while (a < i) {
			size_t k = line_cut(fn + a, i - a);
			if (lines == LABEL_MAX_LINES) {
				lp_out_lit(o, "\xe2\x80\xa6\\n");
				return;
			}
			rd_dot_esc(o, fn + a, k);
			lp_out_lit(o, "\\n");
			lines++;
			a += k;
		}
		a = i + 1;
	}
	if (lines == 0)
		lp_out_lit(o, "?\\n");
}

/* The shortest of %.0f, %.1f, %.2f that keeps 3 significant digits. */
static void
fmt_scaled(char *buf, size_t size, double x, const char *suffix)
{
	double a = fabs(x);
	char *dot;
	size_t len;

	if (a >= 100 || a == floor(a))
		snprintf(buf, size, "%.0f", x);
	else if (a >= 10)
		snprintf(buf, size, "%.1f", x);
	else
		snprintf(buf, size, "%.2f", x);
	if ((dot = strchr(buf, '.'))) {
		len = strlen(buf);
		while (len > 0 && buf[len - 1] == '0')
			buf[--len] = '\0';
		if (len > 0 && buf[len - 1] == '.')
			buf[--len] = '\0';
	}
	len = strlen(buf);
	snprintf(buf + len, size - len, "%s", suffix);
}

void
rd_fmt_value(char *buf, size_t size, int64_t v, const char *unit, int sign)
{
	static const char *bytes[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	static const struct {
		double div;
		const char *name;
	} times[] = { { 1, "ns" }, { 1e3, "us" }, { 1e6, "ms" }, { 1e9, "s" },
		{ 60e9, "min" }, { 3600e9, "h" } };
	char num[48];
	double x = (double)v;
	size_t i;

	if (!unit)
		unit = "";
	if (strcmp(unit, "bytes") == 0) {
		for (i = 0;
		     i + 1 < sizeof(bytes) / sizeof(*bytes) && fabs(x) >= 1024;
		     i++)
			x /= 1024;
		fmt_scaled(num, sizeof(num), x, bytes[i]);
	} else if (strcmp(unit, "nanoseconds") == 0) {
		for (i = 0; i + 1 < sizeof(times) / sizeof(*times) &&
		            fabs(x) >= times[i + 1].div;
		     i++)
			;
		fmt_scaled(num, sizeof(num), x / times[i].div, times[i].name);
	} else {
		snprintf(num, sizeof(num), "%" PRId64, v);
	}
	snprintf(buf, size, "%s%s", sign && v > 0 ? "+" : "", num);
}

void
rd_fmt_pct(char *buf, size_t size, int64_t v, int64_t total)
{
	double p;

	if (total == 0) {
		snprintf(buf, size, "-");
		return;
	}
	p = 100.0 * (double)v / (double)total;
	if (fabs(p) >= 10 || p == 0)
		snprintf(buf, size, "%.1f%%", p);
	else
		snprintf(buf, size, "%.2f%%", p);
}

void
rd_color(char *buf, double score, int bg)
{
	double a, s, v, h, c, x, m, r = 0, gr = 0, b = 0, hp;

	if (!(score == score))
		score = 0;
	if (score > 1)
		score = 1;
	if (score < -1)
		score = -1;
	a = fabs(score);
	/* Near 0 stays grey; away from it, quickly saturated. */
	s = pow(a, 0.3);
	if (a < 0.2)
		s *= a / 0.2;
	if (bg) {
		s *= 0.35;
		v = 0.97;
	} else {
		v = 0.72;
	}
	h = score >= 0 ? 0 : 215; /* red grows, blue shrinks */
	c = v * s;
	hp = h / 60;
	x = c * (1 - fabs(fmod(hp, 2) - 1));
	m = v - c;
	if (hp < 1)
		r = c, gr = x;
	else if (hp < 2)
		r = x, gr = c;
	else if (hp < 3)
		gr = c, b = x;
	else if (hp < 4)
		gr = x, b = c;
	else if (hp < 5)
		r = x, b = c;
	else
		r = c, b = x;
	snprintf(buf, 8, "#%02x%02x%02x", (unsigned)lround((r + m) * 255),
	    (unsigned)lround((gr + m) * 255), (unsigned)lround((b + m) * 255));
}

void
rd_dot_id(struct lp_out *o, uint64_t hash)
{
	char id[24];

	snprintf(id, sizeof(id), "f%016" PRIx64, hash);
	lp_out_raw(o, id, strlen(id));
}
