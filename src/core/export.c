/*
 * export: events as CSV rows or JSON Lines (see export.h).
 */
#include "socklab/export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "socklab/addr.h"
#include "socklab/escape.h"
#include "socklab/msg.h"
#include "socklab/strbuf.h"

static const char csv_header[] =
    "time,server,event,transport,from address,from port,to address,to port,bytes,ASCII,hex";

int export_format_from_name(const char *name, enum export_format *fmt)
{
	if (strcmp(name, "csv") == 0)
		*fmt = EXPORT_CSV;
	else if (strcmp(name, "jsonl") == 0 || strcmp(name, "json") == 0)
		*fmt = EXPORT_JSONL;
	else
		return -1;
	return 0;
}

const char *export_format_name(enum export_format fmt)
{
	return fmt == EXPORT_CSV ? "csv" : "jsonl";
}

size_t export_csv_header(char *out, size_t cap)
{
	if (cap == 0)
		return 0;
	snprintf(out, cap, "%s", csv_header);
	return strlen(out);
}

bool export_inbound(const struct event *ev)
{
	switch (ev->kind) {
	case EV_RECV:
	case EV_READ_LINE:
	case EV_DGRAM_IN:
	case EV_ACCEPT:
	case EV_CLOSE:
		return true;
	default:
		return false;
	}
}

/* Whether a spreadsheet would take a cell starting so for a formula
 * (=, +, -, @; tab and CR as some of them skip those first). */
static bool formula_lead(char c)
{
	return c != '\0' && strchr("=+-@\t\r", c) != NULL;
}

/* One CSV field (and the comma before it unless first). A cell that could
 * pass for a formula gets a leading ' (OWASP's advice), so "=cmd|..." from
 * a peer stays text when the file is opened in a spreadsheet. */
static void put_field(struct strbuf *o, const char *s, bool first)
{
	size_t n = strlen(s);
	bool neutral = formula_lead(s[0]);
	bool quote = n > 0 && (strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' || s[n - 1] == ' ');

	if (!first)
		strbuf_put(o, ",", 1);
	if (!quote) {
		if (neutral)
			strbuf_put(o, "'", 1);
		strbuf_put(o, s, n);
		return;
	}
	strbuf_put(o, "\"", 1);
	if (neutral)
		strbuf_put(o, "'", 1);
	for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
		strbuf_put(o, s, (size_t)(q - s));
		strbuf_put(o, "\"\"", 2);
	}
	strbuf_put(o, s, strlen(s));
	strbuf_put(o, "\"", 1);
}

static void put_addr(struct strbuf *o, bool has, const struct sockaddr_storage *ss)
{
	char host[ADDR_TEXT_MAX], port[8];

	if (!has || addr_len((const void *)ss) == 0) {
		put_field(o, "", false);
		put_field(o, "", false);
		return;
	}
	addr_host((const void *)ss, host, sizeof host);
	snprintf(port, sizeof port, "%u", addr_port((const void *)ss));
	put_field(o, host, false);
	put_field(o, port, false);
}

size_t export_csv_row(const struct event *ev, char *buf, size_t cap)
{
	static _Thread_local char text[EVENT_PREVIEW_MAX * 4 + 1], hex[EVENT_PREVIEW_MAX * 2 + 1];
	struct strbuf o = {buf, 0, cap};
	char f[64];
	struct tm tm;
	size_t n = ev->preview_len <= EVENT_PREVIEW_MAX ? ev->preview_len : EVENT_PREVIEW_MAX;
	bool in = export_inbound(ev);

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	gmtime_r(&ev->time.tv_sec, &tm);
	snprintf(f, sizeof f, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 ev->time.tv_nsec / 1000000);
	put_field(&o, f, true);
	snprintf(f, sizeof f, "%u", ev->server);
	put_field(&o, f, false);
	put_field(&o, event_kind_name(ev->kind), false);
	put_field(&o, ev->kind == EV_DROPPED ? "" : transport_name(ev->transport), false);
	if (in) {
		put_addr(&o, ev->has_peer, &ev->peer);
		put_addr(&o, ev->has_local, &ev->local);
	} else {
		put_addr(&o, ev->has_local, &ev->local);
		put_addr(&o, ev->has_peer, &ev->peer);
	}
	snprintf(f, sizeof f, "%llu", (unsigned long long)ev->bytes);
	put_field(&o, f, false);
	esc_text(ev->preview, n, text, sizeof text, NULL);
	put_field(&o, text, false);
	esc_hex(ev->preview, n, hex, sizeof hex);
	put_field(&o, hex, false);
	return o.len;
}

static int write_line(FILE *f, const char *s, size_t n)
{
	if (fwrite(s, 1, n, f) != n || fputc('\n', f) == EOF) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

static FILE *not_a_file(const char *path, const struct stat *st, char *err, size_t errcap)
{
	snprintf(err, errcap, msg_tr("%s: %s, not a regular file: give a file name"), path,
		 S_ISFIFO(st->st_mode)				? "a FIFO"
		 : S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode) ? "a device"
		 : S_ISDIR(st->st_mode)				? "a directory"
		 : S_ISSOCK(st->st_mode)			? "a socket"
								: msg_tr("something else"));
	return NULL;
}

FILE *export_open(const char *path, char *err, size_t errcap)
{
	struct stat st;
	FILE *f;
	int fd;

	/* What is there already is looked at first, so that it is named;
	 * then O_NONBLOCK, so that a FIFO put there meanwhile fails at once
	 * rather than hang the caller, and fstat of what was opened. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return not_a_file(path, &st, err, errcap);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return not_a_file(path, &st, err, errcap);
	}
	if (fcntl(fd, F_SETFL, 0) < 0 || (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	return f;
}

int export_begin(FILE *f, enum export_format fmt)
{
	if (fmt != EXPORT_CSV)
		return 0;
	errno = 0;
	return write_line(f, csv_header, strlen(csv_header));
}

int export_event(FILE *f, enum export_format fmt, const struct event *ev)
{
	char *line = malloc(EXPORT_ROW_MAX);
	size_t n;
	int rc;

	if (line == NULL)
		return -1;
	if (fmt == EXPORT_CSV)
		n = export_csv_row(ev, line, EXPORT_ROW_MAX);
	else
		n = event_format_json(ev, line, EXPORT_ROW_MAX);
	errno = 0;
	rc = write_line(f, line, n);
	free(line);
	return rc;
}
