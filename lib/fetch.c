/* fetch.c - input units fetched from http(s) URLs (libcurl) */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fetch.h"
#include "limits.h"
#include "util.h"

int
lp_is_url(const char *path)
{
	return strncasecmp(path, "http://", 7) == 0 ||
	       strncasecmp(path, "https://", 8) == 0;
}

/* The N of a "seconds=N" query parameter, 0 when there is none. */
static unsigned long
query_seconds(const char *url)
{
	const char *q = strchr(url, '?'), *p;
	const char *errstr = NULL;
	char num[16];
	size_t n;

	for (p = q; p; p = strchr(p + 1, '&')) {
		if (strncmp(p + 1, "seconds=", 8) != 0)
			continue;
		p += 9;
		n = strcspn(p, "&#");
		if (n == 0 || n >= sizeof(num))
			return 0;
		memcpy(num, p, n);
		num[n] = '\0';
		n = (size_t)lp_parse_uint(num, 0, 86400, &errstr);
		return errstr ? 0 : n;
	}
	return 0;
}

struct sink {
	int fd;
	size_t len;
	int err;     /* errno of a failed write */
	int toobig;  /* past LP_UNIT_MAX */
	char first[128]; /* the start of the body, for an HTTP error */
	size_t nfirst;
};

static size_t
sink_write(char *p, size_t size, size_t nmemb, void *ctx)
{
	struct sink *s = ctx;
	size_t n = size * nmemb, off = 0;

	if (s->nfirst < sizeof(s->first) - 1) {
		size_t k = sizeof(s->first) - 1 - s->nfirst;
		if (k > n)
			k = n;
		memcpy(s->first + s->nfirst, p, k);
		s->nfirst += k;
		s->first[s->nfirst] = '\0';
	}
	if (n > LP_UNIT_MAX - s->len) {
		s->toobig = 1;
		return 0; /* aborts the transfer */
	}
	while (off < n) {
		ssize_t w = write(s->fd, p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->err = w < 0 ? errno : EIO;
			return 0;
		}
		off += (size_t)w;
	}
	s->len += n;
	return n;
}

/* An unlinked temporary file for the body. */
static int
tmpfd(struct lp_error *err)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/leakpipe-fetch-XXXXXX",
	        dir) >= sizeof(path))
		return lp_error_set(err, LP_EIO, "TMPDIR is too long");
	fd = mkstemp(path);
	if (fd < 0)
		return lp_error_set(err, LP_EIO,
		    "cannot create a temporary file in '%s': %s", dir,
		    strerror(errno));
	unlink(path);
	return fd;
}

/* The first line of an error page, trimmed, printable ASCII only. */
static void
first_line(const char *s, char *out, size_t n)
{
	size_t o = 0;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	for (; *s && *s != '\n' && *s != '\r' && o + 1 < n; s++)
		out[o++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

int
lp_fetch(const char *url, struct lp_error *err)
{
	static int inited;
	char ebuf[CURL_ERROR_SIZE] = "";
	struct sink s;
	const char *env = getenv("LEAKPIPE_TIMEOUT");
	const char *errstr = NULL;
	unsigned long timeout = 60;
	long status = 0;
	CURL *c;
	CURLcode rc;
	int ret;

	if (env && *env) {
		timeout = (unsigned long)lp_parse_uint(env, 1, 86400, &errstr);
		if (errstr)
			return lp_error_set(err, LP_EUSAGE,
			    "LEAKPIPE_TIMEOUT: '%.20s' is %s (seconds, "
			    "1 to 86400)",
			    env, errstr);
	}
	timeout += query_seconds(url);
	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
			return lp_error_set(err, LP_ENOMEM,
			    "cannot initialise libcurl");
		inited = 1;
	}
	memset(&s, 0, sizeof(s));
	if ((s.fd = tmpfd(err)) < 0)
		return s.fd;
	if (!(c = curl_easy_init())) {
		close(s.fd);
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(
	    c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "leakpipe");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	if (s.toobig)
		ret = lp_error_set(err, LP_ELIMIT,
		    "larger than the %zu MiB limit", LP_UNIT_MAX >> 20);
	else if (s.err)
		ret = lp_error_set(err, LP_EIO, "writing the temporary file: %s",
		    strerror(s.err));
	else if (rc != CURLE_OK)
		ret = lp_error_set(err, LP_ENOINPUT, "%s",
		    ebuf[0] ? ebuf : curl_easy_strerror(rc));
	else if (status >= 400) {
		char line[100];
		first_line(s.first, line, sizeof(line));
		ret = lp_error_set(err, LP_ENOINPUT, "HTTP %ld%s%s", status,
		    line[0] ? ": " : "", line);
	} else if (lseek(s.fd, 0, SEEK_SET) != 0)
		ret = lp_error_set(err, LP_EIO, "rewinding the temporary file: %s",
		    strerror(errno));
	else
		return s.fd;
	close(s.fd);
	return ret;
}
