/* fetch.h - input units fetched from http(s) URLs (libcurl) */
#ifndef LP_FETCH_H
#define LP_FETCH_H

#include "error.h"

/*
 * Where the evidence lives: Go's net/http/pprof serves it, and go tool
 * pprof reads it from there, so every program that takes a FILE takes an
 * http:// or https:// URL too ("http://host:6060/debug/pprof/heap",
 * ".../profile?seconds=30", ".../trace?seconds=5").
 */

/* Whether path is a URL we fetch (http:// or https://, any case). */
int lp_is_url(const char *path);

/*
 * Fetch url into an unlinked temporary file (in $TMPDIR, else /tmp) and
 * return its descriptor, positioned at the start: what follows reads it
 * as it reads a file (format by content, archives, gzip).  Returns a
 * negative LP_E* and fills err with one line: -LP_ENOINPUT when the
 * server cannot be reached, answers with an HTTP error (its status and
 * the first line of its answer), or takes too long, or when libcurl
 * (loaded at the first fetch) cannot be loaded; -LP_ELIMIT past
 * LP_UNIT_MAX bytes; -LP_ENOMEM.
 *
 * Time allowed: the connection 10 s; the whole transfer 60 s, or the
 * seconds in LEAKPIPE_TIMEOUT (1..86400), plus N when the URL asks for
 * ?seconds=N (a CPU profile or trace takes that long by design).
 */
int lp_fetch(const char *url, struct lp_error *err);

#endif
