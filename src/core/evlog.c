/*
 * evlog: the --log writer (see evlog.h).
 *
 * Records are formatted into line, appended to buf and written with
 * write(2) when buf is full or flushed. Each record ends with a newline,
 * so on a failure the records that did not make it whole are the
 * newlines left in the unwritten part of buf.
 */
#include "socklab/evlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "socklab/export.h"
#include "socklab/msg.h"

#define EVLOG_BUF (256u * 1024)

struct evlog {
	int fd;
	int err; /* the first failure's errno; 0: none */
	uint64_t lost;
	char *buf, *line;
	size_t len;
	char path[256];
};

static void fail(struct evlog *l, int err, size_t from)
{
	for (size_t i = from; i < l->len; i++)
		l->lost += l->buf[i] == '\n';
	l->len = 0;
	l->err = err ? err : EIO;
}

/* Writes buf[0..len); a short write is continued, EINTR retried. */
static int put_all(struct evlog *l)
{
	size_t off = 0;

	while (off < l->len) {
		ssize_t n = write(l->fd, l->buf + off, l->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fail(l, n < 0 ? errno : EIO, off);
			return -1;
		}
		off += (size_t)n;
	}
	l->len = 0;
	return 0;
}

struct evlog *evlog_open(const char *path, char *err, size_t errcap)
{
	struct evlog *l = calloc(1, sizeof *l);
	struct stat st;

	if (l != NULL) {
		l->buf = malloc(EVLOG_BUF);
		l->line = malloc(EXPORT_ROW_MAX);
	}
	if (l == NULL || l->buf == NULL || l->line == NULL) {
		snprintf(err, errcap, "%s: %s", path, strerror(ENOMEM));
		goto fail;
	}
	/* O_NONBLOCK: a FIFO nobody reads fails at once (ENXIO) instead of
	 * hanging here; it is cleared again below for what is kept. */
	l->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0644);
	if (l->fd < 0) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(l->fd, &st) < 0 || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
		snprintf(err, errcap, "%s: %s", path,
			 errno ? strerror(errno) : msg_tr("a FIFO or socket, not a file"));
		close(l->fd);
		goto fail;
	}
	if (fcntl(l->fd, F_SETFL, 0) < 0) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		close(l->fd);
		goto fail;
	}
	snprintf(l->path, sizeof l->path, "%s", path);
	return l;
fail:
	if (l != NULL) {
		free(l->buf);
		free(l->line);
		free(l);
	}
	return NULL;
}

int evlog_write(struct evlog *l, const struct event *ev)
{
	size_t n;

	if (l->err != 0) {
		l->lost++;
		return -1;
	}
	n = event_format_json(ev, l->line, EXPORT_ROW_MAX - 1);
	l->line[n++] = '\n';
	if (l->len + n > EVLOG_BUF && put_all(l) < 0) {
		l->lost++;
		return -1;
	}
	memcpy(l->buf + l->len, l->line, n);
	l->len += n;
	return 0;
}

int evlog_flush(struct evlog *l)
{
	if (l->err != 0)
		return -1;
	return put_all(l);
}

bool evlog_failed(const struct evlog *l)
{
	return l->err != 0;
}

uint64_t evlog_lost(const struct evlog *l)
{
	return l->lost;
}

const char *evlog_path(const struct evlog *l)
{
	return l->path;
}

size_t evlog_describe(const struct evlog *l, char *out, size_t cap)
{
	int n;

	if (cap == 0)
		return 0;
	n = snprintf(out, cap,
		     msg_ntr("%s: %s: %llu event not logged", "%s: %s: %llu events not logged",
			     (unsigned long)l->lost),
		     l->path, strerror(l->err ? l->err : EIO), (unsigned long long)l->lost);
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

int evlog_close(struct evlog *l, char *err, size_t errcap)
{
	int rc;

	if (l == NULL)
		return 0;
	if (l->err == 0)
		put_all(l);
	if (close(l->fd) < 0 && l->err == 0)
		l->err = errno;
	rc = l->err != 0 ? -1 : 0;
	if (rc < 0 && err != NULL)
		evlog_describe(l, err, errcap);
	free(l->buf);
	free(l->line);
	free(l);
	return rc;
}
