/* error.c - filling struct lp_error, and the diag hook */
#include <stdarg.h>
#include <stdio.h>

#include "diag.h"
#include "error.h"
#include "limits.h"

int
lp_error_set(struct lp_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

void
lp_diag(struct lp_diag *d, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!d)
		return;
	d->count++;
	if (!d->fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->fn(d->ctx, msg);
}

void
lp_diag_line(struct lp_diag *d, size_t line, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (!d)
		return;
	if (d->count >= LP_DIAG_MAX) {
		if (d->count++ == LP_DIAG_MAX && d->fn) {
			snprintf(msg, sizeof(msg),
			    "line %zu: more problems follow; not reported",
			    line);
			d->fn(d->ctx, msg);
		}
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lp_diag(d, "line %zu: %s", line, msg);
}
