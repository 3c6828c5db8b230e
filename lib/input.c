/* input.c - files, stdin, gzip and archives as input units */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "fetch.h"
#include "input.h"
#include "limits.h"

#define PEEK_SIZE ((size_t)64 << 10)

struct lp_input {
	char *path;
	int fd, own_fd;
	struct archive *ar;
	int started, done, is_archive;
	int eof; /* the current entry has been read to its end */
	unsigned long entries;
	unsigned long units; /* units given out */
	/* The first bytes, read before libarchive sees the stream, so that
	 * an empty input is told apart from an unknown format. */
	unsigned char *peek;
	size_t peek_len, peek_pos;
	/* A plain file (no compression, no archive) is mapped, not copied. */
	const unsigned char *map;
	size_t map_len, map_pos;
	size_t map_dropped; /* pages before this were given back */
	unsigned char *buf; /* the current unit's bytes */
	size_t len, cap;
	unsigned char *inflated;
	size_t inflated_len;
	int member_inflated; /* inflated holds the whole current member */
	char *src;
	/* A gzip stream outside an archive is inflated here, not by
	 * libarchive, whose gzip filter (3.6) does not check the trailer:
	 * zlib checks each member's CRC-32 and length. */
	int gz;        /* inflating: libarchive sees the inflated bytes */
	int gz_state;  /* GZ_MEMBER, GZ_BETWEEN (after a member), GZ_END */
	int gz_failed; /* gz_msg says what broke, and where */
	char gz_msg[160];
	z_stream z;
	uint64_t gz_in, gz_out; /* compressed bytes consumed, inflated */
	unsigned char zin[PEEK_SIZE];
	unsigned char io[PEEK_SIZE];
};

enum { GZ_MEMBER = 1, GZ_BETWEEN, GZ_END };

static ssize_t
read_full(int fd, unsigned char *p, size_t n)
{
	size_t off = 0;

	while (off < n) {
		ssize_t r = read(fd, p + off, n - off);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		off += (size_t)r;
	}
	return (ssize_t)off;
}

/* The peeked bytes first, then the fd, into zlib's input. */
static int
gz_fill(struct lp_input *in)
{
	ssize_t r;

	if (in->peek_pos < in->peek_len) {
		in->z.next_in = in->peek + in->peek_pos;
		in->z.avail_in = (unsigned)(in->peek_len - in->peek_pos);
		in->peek_pos = in->peek_len;
		return 1;
	}
	do
		r = read(in->fd, in->zin, sizeof(in->zin));
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return (int)r;
	in->z.next_in = in->zin;
	in->z.avail_in = (unsigned)r;
	return 1;
}

/*
 * libarchive's read callback for a gzip stream: inflated bytes, every
 * member of a multi-member file (as gzip -d gives them), zero padding
 * after the last allowed.  Errors name the compressed byte.
 */
/* Our own message, kept: libarchive may replace its own with "Unrecognized
 * archive format" when a read fails while it is still guessing. */
static la_ssize_t gz_error(struct archive *a, struct lp_input *in, int e,
    const char *fmt, ...) LP_PRINTF(4, 5);
static la_ssize_t
gz_error(struct archive *a, struct lp_input *in, int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(in->gz_msg, sizeof(in->gz_msg), fmt, ap);
	va_end(ap);
	in->gz_failed = 1;
	if (a)
		archive_set_error(a, e, "%s", in->gz_msg);
	return -1;
}

static la_ssize_t
gz_read(struct archive *a, struct lp_input *in, const void **out)
{
	*out = in->io;
	while (in->gz_state != GZ_END) {
		unsigned avail;
		int zr;

		if (in->z.avail_in == 0) {
			int r = gz_fill(in);
			if (r < 0) {
				return gz_error(a, in, errno, "read error: %s",
				    strerror(errno));
			}
			if (r == 0) {
				if (in->gz_state == GZ_MEMBER) {
					return gz_error(a, in, EINVAL,
					    "truncated gzip data (input ends "
					    "at byte %" PRIu64 ", %" PRIu64
					    " bytes inflated)",
					    in->gz_in, in->gz_out);
				}
				in->gz_state = GZ_END;
				break;
			}
		}
		if (in->gz_state == GZ_BETWEEN) {
			/* Another member, or zero padding (as from tape). */
			while (in->z.avail_in && *in->z.next_in == 0) {
				in->z.next_in++;
				in->z.avail_in--;
				in->gz_in++;
			}
			if (in->z.avail_in == 0)
				continue;
			if (*in->z.next_in != 0x1f) {
				return gz_error(a, in, EINVAL,
				    "junk after the gzip data (byte %" PRIu64
				    ")",
				    in->gz_in);
			}
			inflateReset(&in->z);
			in->gz_state = GZ_MEMBER;
		}
		avail = in->z.avail_in;
		in->z.next_out = in->io;
		in->z.avail_out = sizeof(in->io);
		zr = inflate(&in->z, Z_NO_FLUSH);
		in->gz_in += avail - in->z.avail_in;
		in->gz_out += sizeof(in->io) - in->z.avail_out;
		if (zr == Z_STREAM_END) {
			in->gz_state = GZ_BETWEEN;
		} else if (zr == Z_MEM_ERROR) {
			return gz_error(a, in, ENOMEM, "out of memory");
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			const char *m =
			    in->z.msg ? in->z.msg : "inflate failed";
			if (strcmp(m, "incorrect data check") == 0)
				m = "the CRC-32 in its trailer does not match "
				    "the data";
			else if (strcmp(m, "incorrect length check") == 0)
				m = "the length in its trailer does not match "
				    "the data";
			return gz_error(a, in, EINVAL,
			    "corrupt gzip data: %s (byte %" PRIu64 ")", m,
			    in->gz_in);
		}
		if (in->z.avail_out < sizeof(in->io))
			return (la_ssize_t)(sizeof(in->io) - in->z.avail_out);
	}
	return 0;
}

/*
 * A gzip stream is checked whole before anything is decoded,
 * as gzip -t does: damage inside the compressed data is otherwise seen
 * only at the trailer, after the members or records it garbled have each
 * said something.  Checking stops, unfinished, after GZ_CHECK_MAX bytes
 * (a bomb must not cost its whole size twice); the trailer is still
 * checked when the stream is read.
 */
#define GZ_CHECK_MAX ((uint64_t)LP_UNIT_MAX)
/*
 * gzip on a pipe is first copied to an unlinked temporary file (TMPDIR),
 * so that it can be checked whole too.  Returns 0 or -1 with errno.
 */
static int
spool(struct lp_input *in)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	ssize_t r;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/leakpipe.XXXXXX", dir) >=
	    sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(path)) < 0)
		return -1;
	unlink(path);
	if (write(fd, in->peek, in->peek_len) != (ssize_t)in->peek_len)
		goto fail;
	for (;;) {
		do
			r = read(in->fd, in->zin, sizeof(in->zin));
		while (r < 0 && errno == EINTR);
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		if (write(fd, in->zin, (size_t)r) != r)
			goto fail;
	}
	if (lseek(fd, (off_t)in->peek_len, SEEK_SET) < 0)
		goto fail;
	if (in->own_fd)
		close(in->fd);
	in->fd = fd;
	in->own_fd = 1;
	return 0;
fail:
	if (errno == 0)
		errno = EIO;
	close(fd);
	return -1;
}

static int
gz_check_file(struct lp_input *in, struct lp_error *err)
{
	struct stat st;
	const void *p;
	la_ssize_t r;

	if (fstat(in->fd, &st) < 0)
		return 0;
	if (!S_ISREG(st.st_mode) && spool(in) < 0)
		return lp_error_set(err, LP_EIO,
		    "copying gzip data to a temporary file: %s",
		    strerror(errno));
	while ((r = gz_read(NULL, in, &p)) > 0)
		if (in->gz_out > GZ_CHECK_MAX)
			break;
	if (r < 0)
		return lp_error_set(err, LP_EDATA, "%s", in->gz_msg);
	if (lseek(in->fd, (off_t)in->peek_len, SEEK_SET) < 0)
		return lp_error_set(
		    err, LP_EIO, "read error: %s", strerror(errno));
	in->peek_pos = 0;
	in->z.avail_in = 0;
	in->gz_in = in->gz_out = 0;
	in->gz_state = GZ_MEMBER;
	inflateReset(&in->z);
	return 0;
}

/* libarchive's read callback: the peeked bytes first, then the fd. */
static la_ssize_t
ar_read(struct archive *a, void *data, const void **out)
{
	struct lp_input *in = data;
	ssize_t r;

	if (in->gz)
		return gz_read(a, in, out);
	if (in->peek_pos < in->peek_len) {
		*out = in->peek + in->peek_pos;
		r = (ssize_t)(in->peek_len - in->peek_pos);
		in->peek_pos = in->peek_len;
		return r;
	}
	do
		r = read(in->fd, in->io, sizeof(in->io));
	while (r < 0 && errno == EINTR);
	if (r < 0)
		archive_set_error(a, errno, "read error");
	*out = in->io;
	return r;
}

struct lp_input *
lp_input_open(const char *path, struct lp_error *err)
{
	struct stat st;
	struct lp_input *in = calloc(1, sizeof(*in));

	if (!in || !(in->path = strdup(path))) {
		free(in);
		lp_error_set(err, LP_ENOMEM, "out of memory");
		return NULL;
	}
	if (strcmp(path, "-") == 0) {
		in->fd = 0;
	} else if (lp_is_url(path)) {
		/* Fetched whole into a temporary file, then read as one. */
		if ((in->fd = lp_fetch(path, err)) < 0) {
			free(in->path);
			free(in);
			return NULL;
		}
		in->own_fd = 1;
	} else {
		in->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0) {
			lp_error_set(err, LP_ENOINPUT, "%s", strerror(errno));
			free(in->path);
			free(in);
			return NULL;
		}
		in->own_fd = 1;
		if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			lp_error_set(err, LP_ENOINPUT, "is a directory");
			lp_input_free(in);
			return NULL;
		}
	}
	return in;
}

void
lp_input_free(struct lp_input *in)
{
	if (!in)
		return;
	if (in->ar)
		archive_read_free(in->ar);
	if (in->gz)
		inflateEnd(&in->z);
	if (in->map)
		munmap((void *)(uintptr_t)in->map, in->map_len);
	if (in->own_fd)
		close(in->fd);
	free(in->path);
	free(in->peek);
	free(in->buf);
	free(in->inflated);
	free(in->src);
	free(in);
}

static int
set_src(struct lp_input *in, const char *member)
{
	size_t a = strlen(in->path), b = member ? strlen(member) : 0;
	char *s = malloc(a + b + 2);

	if (!s)
		return -1;
	memcpy(s, in->path, a);
	if (member) {
		s[a] = ':';
		memcpy(s + a + 1, member, b + 1);
	} else {
		s[a] = '\0';
	}
	free(in->src);
	in->src = s;
	return 0;
}

/* Compressed or an archive, by the magic bytes libarchive would look for. */
static int
is_packed(const unsigned char *p, size_t n)
{
	static const struct {
		size_t off, n;
		const char *magic;
	} m[] = {
		{ 0, 2, "\x1f\x8b" }, /* gzip */
		{ 0, 3, "BZh" },      /* bzip2 */
		{ 0, 6,
		    "\xfd"
		    "7zXZ\0" },               /* xz */
		{ 0, 4, "\x28\xb5\x2f\xfd" }, /* zstd */
		{ 0, 4, "PK\x03\x04" },       /* zip */
		{ 0, 4, "PK\x05\x06" },       /* empty zip */
		{ 257, 5, "ustar" },          /* tar (POSIX, GNU) */
	};
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (n >= m[i].off + m[i].n &&
		    memcmp(p + m[i].off, m[i].magic, m[i].n) == 0)
			return 1;
	return 0;
}

/*
 * Map a regular file that is neither compressed nor an archive: a 100 MB
 * dump then costs no copy and no page faults for a growing buffer, which
 * was a third of the time it took to decode one.  Returns 1 when mapped.
 */
static int
map_plain_file(struct lp_input *in)
{
	struct stat st;
	void *p;

	if (!in->own_fd || is_packed(in->peek, in->peek_len) ||
	    fstat(in->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uintmax_t)st.st_size > LP_MAP_MAX)
		return 0;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, in->fd, 0);
	if (p == MAP_FAILED)
		return 0; /* libarchive will read it instead */
	in->map = p;
	in->map_len = (size_t)st.st_size;
	return 1;
}

/* Bytes of the input read so far: compressed, where it is. */
static long long
raw_bytes(struct lp_input *in)
{
	if (in->gz)
		return (long long)in->gz_in;
	return (long long)archive_filter_bytes(in->ar, -1);
}

/*
 * A libarchive failure as one line: its message flattened (some have a
 * newline in them) and the place, unless the message came from our gzip
 * reader and has one already.
 */
static int
ar_fail(struct lp_input *in, struct lp_error *err, const char *what)
{
	const char *m = archive_error_string(in->ar);
	char flat[sizeof(err->msg)];
	size_t i;

	if (!m)
		m = "read error";
	for (i = 0; m[i] && i + 1 < sizeof(flat); i++)
		flat[i] =
		    m[i] == '\n' || m[i] == '\r' || m[i] == '\t' ? ' ' : m[i];
	while (i > 0 && flat[i - 1] == ' ')
		i--;
	flat[i] = '\0';
	if (in->gz_failed)
		return lp_error_set(err, LP_EDATA, "%s%s", what, in->gz_msg);
	if (in->len)
		return lp_error_set(err, LP_EDATA,
		    "%s%s (byte %lld of the input, %zu bytes decoded)", what,
		    flat, raw_bytes(in), in->len);
	return lp_error_set(
	    err, LP_EDATA, "%s%s (byte %lld)", what, flat, raw_bytes(in));
}

static int
start(struct lp_input *in, struct lp_error *err)
{
	ssize_t n;

	in->started = 1;
	in->peek = malloc(PEEK_SIZE);
	if (!in->peek)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	n = read_full(in->fd, in->peek, PEEK_SIZE);
	if (n < 0)
		return lp_error_set(
		    err, LP_EIO, "read error: %s", strerror(errno));
	in->peek_len = (size_t)n;
	if (n == 0)
		return 0; /* an empty unit; libarchive would call it unknown */
	if (map_plain_file(in))
		return 0;
	in->ar = archive_read_new();
	if (!in->ar)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	if (lp_is_gzip(in->peek, in->peek_len)) {
		if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK)
			return lp_error_set(err, LP_ENOMEM, "out of memory");
		in->gz = 1;
		in->gz_state = GZ_MEMBER;
		if (gz_check_file(in, err) < 0)
			return -err->code;
	}
	/* Compression and archives by content; anything else is one raw
	 * unit.  Only filters that cannot mistake text for themselves.
	 * gzip is ours (above); a gzip unit inside is inflated by
	 * lp_input_slurp. */
	archive_read_support_filter_bzip2(in->ar);
	archive_read_support_filter_xz(in->ar);
	archive_read_support_filter_zstd(in->ar);
	archive_read_support_format_tar(in->ar);
	archive_read_support_format_zip(in->ar);
	archive_read_support_format_raw(in->ar);
	if (archive_read_open(in->ar, in, NULL, ar_read, NULL) == ARCHIVE_OK)
		return 0;
	if (in->gz && !in->gz_failed && in->gz_out == 0)
		return lp_error_set(
		    err, LP_EDATA, "gzip data decompresses to nothing");
	return ar_fail(in, err, "");
}

/*
 * Read the current entry's data into in->buf, after what is there, until
 * the entry ends or in->len reaches want; within the limits.
 */
static int
read_entry(struct lp_input *in, size_t want, struct lp_error *err)
{
	while (!in->eof && in->len < want) {
		la_ssize_t r;
		if (in->cap - in->len < PEEK_SIZE) {
			size_t ncap = in->cap ? in->cap * 2 : PEEK_SIZE * 4;
			unsigned char *b;
			if (in->len >= LP_UNIT_MAX)
				return lp_error_set(err, LP_ELIMIT,
				    "larger than the %zu MiB limit for data "
				    "held whole (LEAKPIPE_MEMORY_MAX)",
				    LP_UNIT_MAX >> 20);
			if (ncap > LP_UNIT_MAX + PEEK_SIZE)
				ncap = LP_UNIT_MAX + PEEK_SIZE;
			b = realloc(in->buf, ncap);
			if (!b)
				return lp_error_set(
				    err, LP_ENOMEM, "out of memory");
			in->buf = b;
			in->cap = ncap;
		}
		r = archive_read_data(
		    in->ar, in->buf + in->len, in->cap - in->len);
		if (r == 0) {
			in->eof = 1;
			break;
		}
		if (r < 0)
			return ar_fail(in, err, "");
		in->len += (size_t)r;
		if (in->len > (size_t)16 << 20) {
			long long raw = raw_bytes(in);
			if (raw > 0 &&
			    in->len / (uint64_t)raw > LP_GZIP_RATIO_MAX)
				return lp_error_set(err, LP_ELIMIT,
				    "expands more than %ux (a compression bomb?)",
				    LP_GZIP_RATIO_MAX);
		}
	}
	return 0;
}

/*
 * After the end of a tar archive, what is left of the gzip stream around
 * it, so that its trailer is checked too.  Tar pads to 10 KiB records; a
 * lot more than that is not padding.
 */
#define GZ_DRAIN_MAX ((uint64_t)16 << 20)
static int
gz_drain(struct lp_input *in, struct lp_error *err)
{
	uint64_t start = in->gz_out;
	const void *p;
	la_ssize_t r;

	if (!in->gz)
		return 0;
	while ((r = gz_read(in->ar, in, &p)) > 0)
		if (in->gz_out - start > GZ_DRAIN_MAX)
			return lp_error_set(err, LP_EDATA,
			    "more than %" PRIu64 " MiB of data after the end "
			    "of the archive (byte %lld)",
			    GZ_DRAIN_MAX >> 20, raw_bytes(in));
	return r < 0 ? ar_fail(in, err, "") : 0;
}

/* An entry that failed spoils the stream after it only when the stream
 * itself broke, not when one archive member was too big. */
static int
entry_failed(struct lp_input *in, int rc)
{
	if (!in->is_archive || rc != -LP_ELIMIT)
		in->done = 1;
	return rc;
}

/*
 * A gzip member of an archive (trace.out.gz, goroutine.txt.gz in a
 * tarball) is inflated whole as its unit begins, so that every reader
 * sees what it holds: a dump, a trace or records, not just "gzip".  The
 * whole member is then the unit's head, and nothing more is read.  One
 * that does not inflate is that member's error; the next one follows.
 */
static int
begin_gzip_member(struct lp_input *in, struct lp_unit *u, struct lp_error *err)
{
	int rc;

	if ((rc = read_entry(in, SIZE_MAX, err)) < 0)
		return entry_failed(in, rc);
	free(in->inflated);
	in->inflated = NULL;
	if ((rc = lp_gunzip(
	         in->buf, in->len, &in->inflated, &in->inflated_len, err)) < 0)
		return rc;
	in->member_inflated = 1;
	u->data = in->inflated;
	u->len = in->inflated_len;
	return 1;
}

/*
 * Is this member an archive itself (a night's tarball inside a week's)?
 * A tar by its header's checksum, so that no profile or trace that
 * happens to hold "ustar" at byte 257 is taken for one; a zip or 7z by
 * its magic, which no format read here starts with.
 */
static int
is_archive_member(const unsigned char *p, size_t n)
{
	unsigned long want = 0, sum = 0;
	size_t i;

	if (n >= 4 && memcmp(p, "PK\3\4", 4) == 0)
		return 1;
	if (n >= 6 && memcmp(p, "7z\xbc\xaf\x27\x1c", 6) == 0)
		return 1;
	if (n < 512 || memcmp(p + 257, "ustar", 5) != 0)
		return 0;
	for (i = 148; i < 156 && p[i] == ' '; i++)
		;
	for (; i < 156 && p[i] >= '0' && p[i] <= '7'; i++)
		want = want * 8 + (unsigned long)(p[i] - '0');
	for (i = 0; i < 512; i++)
		sum += i >= 148 && i < 156 ? ' ' : p[i];
	return sum == want;
}

int
lp_input_begin(struct lp_input *in, struct lp_unit *u, struct lp_error *err)
{
	struct archive_entry *e;
	int rc;

	u->src = in->path;
	u->data = NULL;
	u->len = 0;
	in->len = 0;
	in->eof = 1;
	in->member_inflated = 0;
	if (in->done)
		return 0;
	if (!in->started) {
		if ((rc = start(in, err)) < 0) {
			in->done = 1;
			return rc;
		}
		if (in->map) { /* the whole file, one unit */
			in->done = 1;
			if (set_src(in, NULL) < 0)
				return lp_error_set(
				    err, LP_ENOMEM, "out of memory");
			u->src = in->src;
			u->data = in->map;
			u->len = in->map_len < LP_INPUT_HEAD ? in->map_len
			                                     : LP_INPUT_HEAD;
			in->map_pos = u->len;
			return 1;
		}
		if (!in->ar) { /* empty, or gzip of nothing */
			in->done = 1;
			u->data = (const unsigned char *)"";
			return 1;
		}
	}
	for (;;) {
		rc = archive_read_next_header(in->ar, &e);
		if (rc == ARCHIVE_EOF) {
			in->done = 1;
			if (in->units == 0)
				return lp_error_set(err, LP_EDATA,
				    "an archive with no files in it%s",
				    in->gz ? " (an empty tar, or zero bytes)"
				           : "");
			return gz_drain(in, err);
		}
		if (rc == ARCHIVE_FATAL || rc == ARCHIVE_RETRY) {
			in->done = 1;
			return ar_fail(
			    in, err, in->is_archive ? "corrupt archive: " : "");
		}
		if (archive_format(in->ar) == ARCHIVE_FORMAT_RAW) {
			/* Not an archive: the whole (decompressed) stream. */
			in->done = 1;
			if (set_src(in, NULL) < 0)
				return lp_error_set(
				    err, LP_ENOMEM, "out of memory");
		} else {
			const char *name = archive_entry_pathname(e);
			in->is_archive = 1;
			if (archive_entry_filetype(e) != AE_IFREG)
				continue;
			if (++in->entries > LP_ARCHIVE_ENTRIES_MAX) {
				in->done = 1;
				return lp_error_set(err, LP_ELIMIT,
				    "more than %u archive members",
				    LP_ARCHIVE_ENTRIES_MAX);
			}
			if (set_src(in, name ? name : "?") < 0)
				return lp_error_set(
				    err, LP_ENOMEM, "out of memory");
		}
		u->src = in->src;
		in->eof = 0;
		in->units++;
		if ((rc = read_entry(in, LP_INPUT_HEAD, err)) < 0)
			return entry_failed(in, rc);
		u->data = in->buf;
		u->len = in->len;
		if (in->is_archive && lp_is_gzip(in->buf, in->len) &&
		    (rc = begin_gzip_member(in, u, err)) <= 0)
			return rc;
		if (in->is_archive && is_archive_member(u->data, u->len))
			return lp_error_set(err, LP_EDATA,
			    "an archive inside an archive: not read (one "
			    "level is; unpack it first)");
		return 1;
	}
}

int
lp_input_slurp(struct lp_input *in, struct lp_unit *u, struct lp_error *err)
{
	int rc;

	if (in->map) {
		u->data = in->map;
		u->len = in->map_len;
		in->map_pos = in->map_len;
		return 1;
	}
	if (!in->ar)
		return 1; /* the empty unit */
	if (in->member_inflated) {
		/* A gzip member, inflated as it began. */
		u->data = in->inflated;
		u->len = in->inflated_len;
		return 1;
	}
	if ((rc = read_entry(in, SIZE_MAX, err)) < 0)
		return entry_failed(in, rc);
	/* A gzip member of an archive was inflated as it began; what is
	 * still gzip here was gzipped twice (the outer layer is gone). */
	free(in->inflated);
	in->inflated = NULL;
	u->data = in->buf;
	u->len = in->len;
	if (lp_is_gzip(u->data, u->len)) {
		if ((rc = lp_gunzip(in->buf, in->len, &in->inflated,
		         &in->inflated_len, err)) < 0)
			return rc;
		u->data = in->inflated;
		u->len = in->inflated_len;
	}
	return 1;
}

/*
 * A streaming reader copies the mapping out piece by piece; the pages it
 * has passed would otherwise stay resident and count against the
 * program, so a 1 GB trace would look like 1 GB of memory.  They are
 * clean pages of a private file mapping: dropping them only means a later
 * look (at the head, say) reads them from the file again.
 */
static void
drop_read_pages(struct lp_input *in)
{
	const size_t step = (size_t)8 << 20;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t end = in->map_pos / page * page;

	if (end < in->map_dropped + step)
		return;
	madvise((void *)(uintptr_t)(in->map + in->map_dropped),
	    end - in->map_dropped, MADV_DONTNEED);
	in->map_dropped = end;
}

long
lp_input_read(struct lp_input *in, void *buf, size_t n, struct lp_error *err)
{
	la_ssize_t r;

	if (in->map) {
		size_t k = in->map_len - in->map_pos;
		if (k > n)
			k = n;
		memcpy(buf, in->map + in->map_pos, k);
		in->map_pos += k;
		drop_read_pages(in);
		return (long)k;
	}
	if (!in->ar || in->eof)
		return 0;
	r = archive_read_data(in->ar, buf, n);
	if (r < 0) {
		in->done = 1;
		return ar_fail(in, err, "");
	}
	if (r == 0)
		in->eof = 1;
	return (long)r;
}

int
lp_input_next(struct lp_input *in, struct lp_unit *u, struct lp_error *err)
{
	int rc = lp_input_begin(in, u, err);

	return rc > 0 ? lp_input_slurp(in, u, err) : rc;
}

int
lp_gunzip(const unsigned char *src, size_t n, unsigned char **out,
    size_t *outlen, struct lp_error *err)
{
	z_stream z;
	unsigned char *buf = NULL;
	size_t cap = 0, len = 0;
	int zr, rc = 0;

	*out = NULL;
	*outlen = 0;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return lp_error_set(err, LP_ENOMEM, "out of memory");
	z.next_in = (unsigned char *)(uintptr_t)src;
	for (;;) {
		size_t in_left = n - (size_t)(z.next_in - src);
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : (n < 1024 ? 4096 : n * 4);
			unsigned char *b;
			if (len >= LP_UNIT_MAX) {
				rc = lp_error_set(err, LP_ELIMIT,
				    "gzip data larger than the %zu MiB limit "
				    "for data held whole (LEAKPIPE_MEMORY_MAX)",
				    LP_UNIT_MAX >> 20);
				goto out;
			}
			if (ncap > LP_UNIT_MAX + 4096)
				ncap = LP_UNIT_MAX + 4096;
			if (len > ((size_t)16 << 20) &&
			    len / (n ? n : 1) > LP_GZIP_RATIO_MAX) {
				rc = lp_error_set(err, LP_ELIMIT,
				    "gzip data expands more than %ux (a "
				    "compression bomb?)",
				    LP_GZIP_RATIO_MAX);
				goto out;
			}
			b = realloc(buf, ncap);
			if (!b) {
				rc = lp_error_set(
				    err, LP_ENOMEM, "out of memory");
				goto out;
			}
			buf = b;
			cap = ncap;
		}
		z.avail_in = in_left > UINT_MAX ? UINT_MAX : (unsigned)in_left;
		z.next_out = buf + len;
		z.avail_out =
		    cap - len > UINT_MAX ? UINT_MAX : (unsigned)(cap - len);
		zr = inflate(&z, Z_NO_FLUSH);
		len = (size_t)(z.next_out - buf);
		if (zr == Z_STREAM_END) {
			/* Another gzip member may follow (multi-member files
			 * decode to the concatenation, as gzip -d does). */
			in_left = n - (size_t)(z.next_in - src);
			if (in_left == 0)
				break;
			if (!lp_is_gzip(z.next_in, in_left)) {
				size_t k;
				for (k = 0; k < in_left && z.next_in[k] == 0;
				     k++)
					;
				if (k == in_left)
					break; /* zero padding, as from tape */
				rc = lp_error_set(err, LP_EDATA,
				    "junk after the gzip data (byte %zu)",
				    (size_t)(z.next_in - src));
				goto out;
			}
			inflateReset(&z);
			continue;
		}
		if (zr == Z_BUF_ERROR && z.avail_in == 0 && z.avail_out != 0) {
			rc = lp_error_set(err, LP_EDATA,
			    "truncated gzip data (input ends at byte %zu, "
			    "%zu bytes inflated)",
			    n, len);
			goto out;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			rc = lp_error_set(err, LP_EDATA,
			    "corrupt gzip data: %s (byte %zu)",
			    z.msg ? z.msg : "inflate failed",
			    (size_t)(z.next_in - src));
			goto out;
		}
	}
	*out = buf;
	*outlen = len;
	buf = NULL;
out:
	inflateEnd(&z);
	free(buf);
	return rc;
}
