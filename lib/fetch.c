/* fetch.c - input units fetched from http(s) URLs (libcurl) */
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fetch.h"
#include "limits.h"
#include "util.h"

/*
 * libcurl is loaded at the first fetch, not linked: it and the TLS,
 * HTTP/2, SSH and directory libraries it needs doubled the memory every
 * program starts with (5 to 11 MB) for the few runs that fetch.  Its
 * header still gives the types and constants.  Debian names its flavours
 * apart: libcurl.so.4 (OpenSSL, libcurl4) and libcurl-gnutls.so.4
 * (libcurl3-gnutls); either will do.
 */
static const char *const curl_sonames[] = { "libcurl.so.4",
	"libcurl-gnutls.so.4" };

static struct {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *c);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *c);
	const char *(*easy_strerror)(CURLcode rc);
} curl;

/* dlsym into a function pointer (copied: ISO C has no cast between
 * object and function pointers). */
static int
sym(void *lib, const char *name, void *fn)
{
	void *p = dlsym(lib, name);

	if (!p)
		return -1;
	memcpy(fn, &p, sizeof p);
	return 0;
}

/* Load and initialise libcurl once: 0, or negative with err filled. */
static int
curl_load(struct lp_error *err)
{
	static int loaded;
	void *lib = NULL;
	size_t i;

	if (loaded)
		return 0;
	for (i = 0; !lib && i < sizeof curl_sonames / sizeof *curl_sonames; i++)
		lib = dlopen(curl_sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		return lp_error_set(err, LP_ENOINPUT,
		    "cannot fetch URLs: cannot load libcurl: %s", dlerror());
	if (sym(lib, "curl_global_init", &curl.global_init) < 0 ||
	    sym(lib, "curl_easy_init", &curl.easy_init) < 0 ||
	    sym(lib, "curl_easy_setopt", &curl.easy_setopt) < 0 ||
	    sym(lib, "curl_easy_perform", &curl.easy_perform) < 0 ||
	    sym(lib, "curl_easy_getinfo", &curl.easy_getinfo) < 0 ||
	    sym(lib, "curl_easy_cleanup", &curl.easy_cleanup) < 0 ||
	    sym(lib, "curl_easy_strerror", &curl.easy_strerror) < 0) {
		dlclose(lib);
		return lp_error_set(err, LP_ENOINPUT,
		    "cannot fetch URLs: %s lacks a function",
		    curl_sonames[i - 1]);
	}
	if (curl.global_init(CURL_GLOBAL_DEFAULT) != 0)
		return lp_error_set(
		    err, LP_ENOMEM, "cannot initialise libcurl");
	loaded = 1;
	return 0;
}

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
	int err;         /* errno of a failed write */
	int toobig;      /* past LP_UNIT_MAX */
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
	if ((ret = curl_load(err)) < 0)
		return ret;
	memset(&s, 0, sizeof(s));
	if ((s.fd = tmpfd(err)) < 0)
		return s.fd;
	if (!(c = curl.easy_init())) {
		close(s.fd);
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	}
	curl.easy_setopt(c, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl.easy_setopt(
	    c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl.easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl.easy_setopt(c, CURLOPT_TIMEOUT, (long)timeout);
	curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(c, CURLOPT_USERAGENT, "leakpipe");
	curl.easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
	curl.easy_setopt(c, CURLOPT_WRITEDATA, &s);
	rc = curl.easy_perform(c);
	curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl.easy_cleanup(c);
	if (s.toobig)
		ret = lp_error_set(err, LP_ELIMIT,
		    "larger than the %zu MiB limit", LP_UNIT_MAX >> 20);
	else if (s.err)
		ret = lp_error_set(err, LP_EIO,
		    "writing the temporary file: %s", strerror(s.err));
	else if (rc != CURLE_OK)
		ret = lp_error_set(err, LP_ENOINPUT, "%s",
		    ebuf[0] ? ebuf : curl.easy_strerror(rc));
	else if (status >= 400) {
		char line[100];
		first_line(s.first, line, sizeof(line));
		ret = lp_error_set(err, LP_ENOINPUT, "HTTP %ld%s%s", status,
		    line[0] ? ": " : "", line);
	} else if (lseek(s.fd, 0, SEEK_SET) != 0)
		ret = lp_error_set(err, LP_EIO,
		    "rewinding the temporary file: %s", strerror(errno));
	else
		return s.fd;
	close(s.fd);
	return ret;
}
