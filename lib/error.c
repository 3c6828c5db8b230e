/* error.c - filling struct lp_error, and the diag hook */
#include <stdarg.h>
#include <stdio.h>

#include "diag.h"
#include "error.h"

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
