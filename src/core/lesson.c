/*
 * lesson: the lesson file parser and the checks over the event stream
 * (see lesson.h; the format: doc/LESSONS.md).
 *
 * The parser takes one line at a time: comments and blank lines go, every
 * other line is DIRECTIVE[.LANG] VALUE. Lines before the first "step"
 * describe the lesson (id, title, serve); the rest belong to the step they
 * follow. A line is checked whole before it is used: valid UTF-8, no
 * control byte, within LESSON_LINE_MAX.
 */
#include "socklab/lesson.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "socklab/addr.h"
#include "socklab/msg.h"
#include "socklab/packet.h"

static const char *const check_names[CHECK_KIND_COUNT] = {
    [CHECK_EVENT] = "event",
    [CHECK_TWO_REPLIES] = "two-replies-one-recv",
    [CHECK_LINE_AT_A_TIME] = "one-line-per-recv",
    [CHECK_REPLY_LINE] = "reply-line",
    [CHECK_DGRAM_BACK] = "dgram-back-to-sender",
    [CHECK_PEER_FIELDS] = "peer-fields",
    [CHECK_PEER_MAPPED] = "peer-mapped",
    [CHECK_PEER_IPV4] = "peer-ipv4",
    [CHECK_PEER_CLOSED] = "peer-closed",
    [CHECK_HANDSHAKE] = "handshake-before-accept",
    [CHECK_TIME_WAIT] = "closer-time-wait",
};

const char *lesson_check_name(enum lesson_check_kind k)
{
	return (unsigned)k < CHECK_KIND_COUNT ? check_names[k] : "?";
}

unsigned lesson_check_needs(enum lesson_check_kind k)
{
	switch (k) {
	case CHECK_HANDSHAKE:
		return LESSON_NEEDS_PACKETS;
	case CHECK_TIME_WAIT:
		return LESSON_NEEDS_SOCKETS;
	default:
		return 0;
	}
}

/* ---- parsing ----------------------------------------------------------- */

struct parser {
	struct lesson *l;
	int line;
	bool started; /* "socklab-lesson 1" seen */
	char *err;
	size_t errcap;
};

static int bad(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(struct parser *p, const char *fmt, ...)
{
	char why[LESSON_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (p->errcap > 0)
		snprintf(p->err, p->errcap, msg_tr("line %d: %s"), p->line, why);
	return -1;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t k;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		k = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		k = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (k > n)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (k == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	/* C1 controls (U+0080..U+009F) reach a terminal as controls too. */
	if (k == 2 && cp < 0xa0)
		return 0;
	return k;
}

/* The line as text a terminal can show: UTF-8, no control byte but tab. */
static int check_line(struct parser *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t k;

		if (c == '\t') {
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			return bad(p, msg_tr("control byte 0x%02x (a lesson is plain text)"), c);
		k = utf8_len((const unsigned char *)s + i, n - i);
		if (k == 0)
			return bad(p, msg_tr("not UTF-8 (byte 0x%02x)"), c);
		i += k;
	}
	return 0;
}

static bool lang_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > 7)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (i >= 2 && (s[i] == '_' || s[i] == '-' || (s[i] >= 'A' && s[i] <= 'Z')))))
			return false;
	return true;
}

/* Adds value in lang to one of the per-language arrays. */
static int put_text(struct parser *p, int *n, char (*langs)[8], char *texts, size_t cap,
		    const char *lang, const char *value, bool join)
{
	int i;

	if (lang[0] == '\0')
		return bad(p, "%s", msg_tr("text needs a language: text.en, text.es, ..."));
	for (i = 0; i < *n; i++)
		if (strcmp(langs[i], lang) == 0)
			break;
	if (i == *n) {
		if (*n == LESSON_LANG_MAX)
			return bad(p, msg_tr("more than %d languages"), LESSON_LANG_MAX);
		snprintf(langs[i], sizeof langs[i], "%s", lang);
		texts[i * cap] = '\0';
		(*n)++;
	} else if (!join) {
		return bad(p, msg_tr("a second '%s' line for the same thing"), lang);
	}
	{
		char *t = texts + (size_t)i * cap;
		size_t have = strlen(t), add = strlen(value);

		if (have + add + (have ? 1 : 0) >= cap)
			return bad(p, msg_tr("text longer than %zu bytes"), cap - 1);
		if (have)
			t[have++] = '\n';
		memcpy(t + have, value, add + 1);
	}
	return 0;
}

static struct lesson_step *step_now(struct parser *p)
{
	return p->l->nstep > 0 ? &p->l->step[p->l->nstep - 1] : NULL;
}

static int parse_check(struct parser *p, struct lesson_step *st, char *value)
{
	struct lesson_check *c;
	char *where = strstr(value, " where ");
	char *name, *arg;
	int k;

	if (st->ncheck == LESSON_CHECK_MAX)
		return bad(p, msg_tr("more than %d checks in one step"), LESSON_CHECK_MAX);
	c = &st->check[st->ncheck];
	memset(c, 0, sizeof *c);
	if (strncmp(value, "where ", 6) == 0)
		where = value - 1;
	if (where != NULL) {
		char ferr[FILTER_ERR_MAX];

		static const uint16_t probe[LESSON_SERVE_MAX] = {1, 2, 3, 4};
		char ex[sizeof c->where_text + 16];

		*where = '\0';
		if (strlen(where + 7) >= sizeof c->where_text)
			return bad(p, msg_tr("check filter longer than %zu bytes"),
				   sizeof c->where_text - 1);
		snprintf(c->where_text, sizeof c->where_text, "%s", where + 7);
		lesson_expand(c->where_text, probe, ex, sizeof ex);
		if (filter_parse(ex, &c->where, ferr, sizeof ferr) < 0)
			return bad(p, msg_tr("check filter: %s"), ferr);
		c->has_where = true;
	}
	name = value;
	while (*name == ' ')
		name++;
	arg = strchr(name, ' ');
	if (arg != NULL) {
		*arg++ = '\0';
		while (*arg == ' ')
			arg++;
	}
	for (k = 0; k < CHECK_KIND_COUNT; k++)
		if (strcmp(name, check_names[k]) == 0)
			break;
	if (k == CHECK_KIND_COUNT)
		return bad(
		    p,
		    msg_tr("unknown check '%s' (event, two-replies-one-recv, one-line-per-recv, "
			   "reply-line, dgram-back-to-sender, peer-fields, peer-mapped, "
			   "peer-ipv4, peer-closed, handshake-before-accept, closer-time-wait)"),
		    name);
	c->kind = (enum lesson_check_kind)k;
	if (arg != NULL && *arg) {
		size_t n = strlen(arg);

		while (n > 0 && arg[n - 1] == ' ')
			arg[--n] = '\0';
		if (n >= sizeof c->arg)
			return bad(p, msg_tr("check argument longer than %zu bytes"),
				   sizeof c->arg - 1);
		memcpy(c->arg, arg, n + 1);
	}
	if (c->kind == CHECK_REPLY_LINE && c->arg[0] == '\0')
		return bad(p, "%s", msg_tr("reply-line needs the line, e.g. check reply-line ERR"));
	if (c->kind == CHECK_PEER_FIELDS && strcmp(c->arg, "2") != 0 && strcmp(c->arg, "4") != 0)
		return bad(p, "%s", msg_tr("peer-fields takes 2 (IPv4) or 4 (IPv6)"));
	if (c->kind != CHECK_REPLY_LINE && c->kind != CHECK_PEER_FIELDS && c->arg[0])
		return bad(p, msg_tr("check '%s' takes no argument"), name);
	if (c->kind == CHECK_EVENT && !c->has_where)
		return bad(p, "%s",
			   msg_tr("check event needs a filter: check event where kind=accept"));
	st->ncheck++;
	return 0;
}

static int add_cmd(struct parser *p, int *n, char (*cmds)[LESSON_CMD_LEN], const char *value,
		   const char *what)
{
	size_t len = strlen(value);

	if (len == 0)
		return bad(p, msg_tr("'%s' needs a command"), what);
	if (*n == LESSON_CMD_MAX)
		return bad(p, msg_tr("more than %d '%s' lines in one step"), LESSON_CMD_MAX, what);
	if (len >= LESSON_CMD_LEN)
		return bad(p, msg_tr("command longer than %d bytes"), LESSON_CMD_LEN - 1);
	memcpy(cmds[(*n)++], value, len + 1);
	return 0;
}

/* A python line's file: a name the shown shell command can hold as it is. */
static int add_python(struct parser *p, struct lesson_step *st, const char *value)
{
	size_t len = strlen(value);

	if (len == 0)
		return bad(p, "%s",
			   msg_tr("'python' needs the tutorial's file, e.g. python "
				  "client_tcp_ipv4.py"));
	if (st->npython == LESSON_CMD_MAX)
		return bad(p, msg_tr("more than %d '%s' lines in one step"), LESSON_CMD_MAX,
			   "python");
	if (len >= LESSON_FILE_LEN)
		return bad(p, msg_tr("file name longer than %d bytes"), LESSON_FILE_LEN - 1);
	for (size_t i = 0; i < len; i++)
		if (!((value[i] >= 'a' && value[i] <= 'z') ||
		      (value[i] >= 'A' && value[i] <= 'Z') ||
		      (value[i] >= '0' && value[i] <= '9') || value[i] == '.' || value[i] == '-' ||
		      value[i] == '_' || value[i] == '/'))
			return bad(p,
				   msg_tr("python file '%.40s' is not letters, digits, '.', '-', "
					  "'_' and '/'"),
				   value);
	memcpy(st->python[st->npython++], value, len + 1);
	return 0;
}

static int id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > LESSON_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

static int directive(struct parser *p, char *line)
{
	struct lesson *l = p->l;
	struct lesson_step *st = step_now(p);
	char *value = strchr(line, ' ');
	char *dot, word[32], lang[8] = "";
	size_t wl;

	if (value != NULL) {
		*value++ = '\0';
		while (*value == ' ' || *value == '\t')
			value++;
	} else {
		value = line + strlen(line);
	}
	dot = strchr(line, '.');
	wl = dot ? (size_t)(dot - line) : strlen(line);
	if (wl == 0 || wl >= sizeof word)
		return bad(p, msg_tr("'%.40s' is not a directive"), line);
	memcpy(word, line, wl);
	word[wl] = '\0';
	if (dot != NULL) {
		if (!lang_ok(dot + 1))
			return bad(p, msg_tr("'%.40s' is not a language code (en, es, pt_BR, ...)"),
				   dot + 1);
		snprintf(lang, sizeof lang, "%s", dot + 1);
	}
	if (!p->started) {
		if (strcmp(word, "socklab-lesson") != 0)
			return bad(p, "%s", msg_tr("a lesson starts with: socklab-lesson 1"));
		if (strcmp(value, "1") != 0)
			return bad(p,
				   msg_tr("format version '%s' is not one this socklab reads (1)"),
				   value);
		p->started = true;
		return 0;
	}
	if (lang[0] && strcmp(word, "title") != 0 && strcmp(word, "text") != 0 &&
	    strcmp(word, "label") != 0)
		return bad(p, msg_tr("'%s' takes no language"), word);
	if (strcmp(word, "id") == 0) {
		if (l->id[0])
			return bad(p, "%s", msg_tr("a second id"));
		if (!id_ok(value))
			return bad(
			    p, msg_tr("id '%.40s' is not 1 to %d letters, digits, '.', '-' or '_'"),
			    value, LESSON_ID_MAX);
		snprintf(l->id, sizeof l->id, "%s", value);
		return 0;
	}
	if (strcmp(word, "title") == 0) {
		if (st != NULL)
			return bad(p, "%s", msg_tr("the title comes before the first step"));
		return put_text(p, &l->title.n, l->title.lang, &l->title.text[0][0],
				LESSON_LABEL_MAX, lang, value, false);
	}
	if (strcmp(word, "serve") == 0) {
		struct spec spec;
		char serr[256];

		if (st != NULL)
			return bad(p, "%s", msg_tr("serve comes before the first step"));
		if (l->nserve == LESSON_SERVE_MAX)
			return bad(p, msg_tr("more than %d servers"), LESSON_SERVE_MAX);
		spec_default(&spec);
		if (strlen(value) >= sizeof l->serve[0] ||
		    spec_parse(value, &spec, serr, sizeof serr) < 0)
			return bad(p, msg_tr("serve: %s"),
				   strlen(value) >= sizeof l->serve[0] ? msg_tr("spec too long")
								       : serr);
		snprintf(l->serve[l->nserve++], sizeof l->serve[0], "%s", value);
		return 0;
	}
	if (strcmp(word, "step") == 0) {
		if (value[0])
			return bad(p, "%s", msg_tr("step takes nothing after it"));
		if (l->nstep == LESSON_STEP_MAX)
			return bad(p, msg_tr("more than %d steps"), LESSON_STEP_MAX);
		memset(&l->step[l->nstep++], 0, sizeof l->step[0]);
		return 0;
	}
	if (strcmp(word, "text") == 0 || strcmp(word, "try") == 0 || strcmp(word, "run") == 0 ||
	    strcmp(word, "python") == 0 || strcmp(word, "check") == 0 ||
	    strcmp(word, "label") == 0) {
		if (st == NULL)
			return bad(p, msg_tr("'%s' belongs to a step: put 'step' before it"), word);
		if (strcmp(word, "text") == 0)
			return put_text(p, &st->text.n, st->text.lang, &st->text.text[0][0],
					LESSON_TEXT_MAX, lang, value, true);
		if (strcmp(word, "try") == 0)
			return add_cmd(p, &st->ntry, st->try_, value, "try");
		if (strcmp(word, "run") == 0)
			return add_cmd(p, &st->nrun, st->run, value, "run");
		if (strcmp(word, "python") == 0)
			return add_python(p, st, value);
		if (strcmp(word, "check") == 0)
			return parse_check(p, st, value);
		if (st->ncheck == 0)
			return bad(p, "%s", msg_tr("a label follows the check it names"));
		{
			struct lesson_label *lb = &st->check[st->ncheck - 1].label;

			return put_text(p, &lb->n, lb->lang, &lb->text[0][0], LESSON_LABEL_MAX,
					lang, value, false);
		}
	}
	return bad(p,
		   msg_tr("unknown directive '%s' (id, title, serve, step, text, try, run, python, "
			  "check, label)"),
		   word);
}

/* What a whole lesson needs, once every line is read. */
static int finish(struct parser *p)
{
	struct lesson *l = p->l;

	if (!p->started)
		return bad(p, "%s", msg_tr("empty: a lesson starts with: socklab-lesson 1"));
	if (l->id[0] == '\0')
		return bad(p, "%s", msg_tr("the lesson has no id"));
	if (l->title.n == 0)
		return bad(p, "%s", msg_tr("the lesson has no title"));
	if (l->nstep == 0)
		return bad(p, "%s", msg_tr("the lesson has no step"));
	for (int s = 0; s < l->nstep; s++) {
		if (l->step[s].text.n == 0)
			return bad(p, msg_tr("step %d has no text"), s + 1);
		if (l->step[s].npython > 0 && l->nserve == 0)
			return bad(p,
				   msg_tr("step %d has a python line, but the lesson starts no "
					  "server for it to dial"),
				   s + 1);
		for (int c = 0; c < l->step[s].ncheck; c++)
			if (l->step[s].check[c].label.n == 0)
				return bad(p, msg_tr("check %d of step %d has no label"), c + 1,
					   s + 1);
	}
	return 0;
}

int lesson_parse(const char *text, size_t len, struct lesson *l, char *err, size_t errcap)
{
	struct parser p = {l, 0, false, err, errcap};
	size_t at = 0;

	memset(l, 0, sizeof *l);
	if (errcap > 0)
		err[0] = '\0';
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		char line[LESSON_LINE_MAX + 1], *s;

		p.line++;
		if (n > 0 && text[at + n - 1] == '\r')
			n--;
		if (n > LESSON_LINE_MAX) {
			bad(&p, msg_tr("longer than %d bytes"), LESSON_LINE_MAX);
			goto fail;
		}
		if (check_line(&p, text + at, n) < 0)
			goto fail;
		memcpy(line, text + at, n);
		line[n] = '\0';
		at = nl != NULL ? (size_t)(nl - text) + 1 : len;
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		if (*s == '\0' || *s == '#')
			continue;
		{
			size_t k = strlen(s);

			while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
				s[--k] = '\0';
		}
		if (directive(&p, s) < 0)
			goto fail;
	}
	p.line++;
	if (finish(&p) < 0)
		goto fail;
	return 0;
fail:
	memset(l, 0, sizeof *l);
	return -1;
}

/* The entry for lang among n languages: lang itself, else English, else
 * the first; -1 when there is none. */
static int lang_pick(int n, const char (*langs)[8], const char *lang)
{
	int en = -1;

	for (int i = 0; i < n; i++) {
		if (lang != NULL && strcmp(langs[i], lang) == 0)
			return i;
		if (strcmp(langs[i], "en") == 0)
			en = i;
	}
	return en >= 0 ? en : n > 0 ? 0 : -1;
}

const char *lesson_text_in(const struct lesson_text *t, const char *lang)
{
	int i = lang_pick(t->n, t->lang, lang);

	return i >= 0 ? t->text[i] : "";
}

const char *lesson_label_in(const struct lesson_label *t, const char *lang)
{
	int i = lang_pick(t->n, t->lang, lang);

	return i >= 0 ? t->text[i] : "";
}

size_t lesson_expand(const char *cmd, const uint16_t ports[LESSON_SERVE_MAX], char *out, size_t cap)
{
	return lesson_expand_run(cmd, ports, NULL, NULL, out, cap);
}

/* The text a placeholder at s stands for, and its length in *n; NULL when
 * s starts none (or one without a value here). */
static const char *placeholder(const char *s, const uint16_t ports[LESSON_SERVE_MAX],
			       const char *const hosts[LESSON_SERVE_MAX], const char *b,
			       char num[8], size_t *n)
{
	if (strncmp(s, "{port", 5) == 0 && s[5] >= '1' && s[5] <= '0' + LESSON_SERVE_MAX &&
	    s[6] == '}' && ports[s[5] - '1'] != 0) {
		snprintf(num, 8, "%u", ports[s[5] - '1']);
		*n = 7;
		return num;
	}
	if (hosts != NULL && strncmp(s, "{host", 5) == 0 && s[5] >= '1' &&
	    s[5] <= '0' + LESSON_SERVE_MAX && s[6] == '}' && hosts[s[5] - '1'] != NULL) {
		*n = 7;
		return hosts[s[5] - '1'];
	}
	if (b != NULL && strncmp(s, "{b}", 3) == 0) {
		*n = 3;
		return b;
	}
	return NULL;
}

size_t lesson_expand_run(const char *cmd, const uint16_t ports[LESSON_SERVE_MAX],
			 const char *const hosts[LESSON_SERVE_MAX], const char *b, char *out,
			 size_t cap)
{
	size_t len = 0;

	if (cap == 0)
		return 0;
	for (const char *s = cmd; *s && len + 1 < cap;) {
		char num[8];
		size_t n;
		const char *v = placeholder(s, ports, hosts, b, num, &n);

		if (v != NULL) {
			int w = snprintf(out + len, cap - len, "%s", v);

			len += (size_t)w < cap - len ? (size_t)w : cap - len - 1;
			s += n;
			continue;
		}
		out[len++] = *s++;
	}
	out[len] = '\0';
	return len;
}

int lesson_bind(struct lesson *l, const uint16_t ports[LESSON_SERVE_MAX], char *err, size_t errcap)
{
	for (int s = 0; s < l->nstep; s++) {
		for (int k = 0; k < l->step[s].ncheck; k++) {
			struct lesson_check *c = &l->step[s].check[k];
			char ex[sizeof c->where_text + 16];

			if (!c->has_where)
				continue;
			lesson_expand(c->where_text, ports, ex, sizeof ex);
			if (filter_parse(ex, &c->where, err, errcap) < 0)
				return -1;
		}
	}
	return 0;
}

size_t lesson_python(const char *file, const struct lesson_python_target *t, char *out, size_t cap)
{
	/* The tutorial's programs dial "127.0.0.1" or "::1" (string literals)
	 * and their PORT, as the lesson's serve line has it: what differs is
	 * replaced on the way in, the file itself left alone. */
	const char *on_b = t->host4 != NULL || t->host6 != NULL ? "socklab sandbox exec b " : "";
	char e4[80] = "", e6[96] = "", ep[48] = "";
	int n;

	if (cap == 0)
		return 0;
	if (t->host4 != NULL)
		snprintf(e4, sizeof e4, " -e 's/\"127\\.0\\.0\\.1\"/\"%s\"/'", t->host4);
	if (t->host6 != NULL)
		snprintf(e6, sizeof e6, " -e 's/\"::1\"/\"%s\"/'", t->host6);
	if (t->port != 0 && t->port != t->spec_port)
		snprintf(ep, sizeof ep, " -e 's/\\<%u\\>/%u/'", t->spec_port, t->port);
	if (e4[0] == '\0' && e6[0] == '\0' && ep[0] == '\0')
		n = snprintf(out, cap, "%spython3 %s", on_b, file);
	else
		n = snprintf(out, cap, "%spython3 -c \"$(sed%s%s%s %s)\"", on_b, e4, e6, ep, file);
	return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/* ---- checks ------------------------------------------------------------ */

static size_t count_lines(const struct event *ev)
{
	size_t n = 0;

	for (size_t i = 0; i < ev->preview_len; i++)
		n += ev->preview[i] == '\n';
	return n;
}

/* A line of the payload equals want (a trailing \r ignored). */
static bool has_line(const struct event *ev, const char *want)
{
	size_t wl = strlen(want), start = 0;

	for (size_t i = 0; i <= ev->preview_len; i++) {
		if (i == ev->preview_len || ev->preview[i] == '\n') {
			size_t n = i - start;

			if (n > 0 && ev->preview[start + n - 1] == '\r')
				n--;
			if (n == wl && memcmp(ev->preview + start, want, wl) == 0 &&
			    (i < ev->preview_len || n > 0))
				return true;
			start = i + 1;
		}
	}
	return false;
}

static bool same_conn(const struct lesson_check_state *s, const struct event *ev)
{
	return s->server == ev->server && s->conn == ev->conn;
}

static void hold_conn(struct lesson_check_state *s, const struct event *ev, int stage)
{
	s->server = ev->server;
	s->conn = ev->conn;
	s->stage = stage;
	s->count = 0;
}

static bool same_peer(const struct sockaddr_storage *a, const struct event *ev)
{
	const struct sockaddr *x = (const void *)a, *y = (const void *)&ev->peer;

	if (!ev->has_peer || x->sa_family != y->sa_family)
		return false;
	return addr_len(x) > 0 && memcmp(a, &ev->peer, addr_len(x)) == 0;
}

/* The address's bytes, an IPv4-mapped one as its 4 IPv4 bytes; 0: neither
 * family. */
static size_t addr_bytes(const struct sockaddr_storage *ss, uint8_t out[16])
{
	if (ss->ss_family == AF_INET) {
		memcpy(out, &((const struct sockaddr_in *)(const void *)ss)->sin_addr, 4);
		return 4;
	}
	if (ss->ss_family == AF_INET6) {
		const struct in6_addr *a =
		    &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a)) {
			memcpy(out, a->s6_addr + 12, 4);
			return 4;
		}
		memcpy(out, a->s6_addr, 16);
		return 16;
	}
	return 0;
}

static bool before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec <= b->tv_nsec);
}

/* The three-way handshake of one client port, from captured packets (the
 * capture's own clock), against the time its accept() returned. The two
 * come from different threads, so they are compared by time, not by the
 * order they reach the queue: the accept is often queued before the
 * capture thread has even handed over the SYN, so it is kept (aport, t[3])
 * until the packets of its port come. */
static bool handshake(struct lesson_check_state *s, const struct event *ev)
{
	if (ev->kind == EV_PACKET) {
		struct packet p;
		uint8_t f;

		packet_decode(ev->pkt.link, ev->preview, ev->preview_len, ev->bytes, &p);
		if (!p.has_tcp || !p.ip.has_ports)
			return false;
		f = p.flags & (PACKET_TCP_SYN | PACKET_TCP_ACK | PACKET_TCP_RST | PACKET_TCP_FIN);
		if (f == PACKET_TCP_SYN) {
			s->cport = p.ip.sport, s->sport = p.ip.dport;
			s->seen = (s->seen & 8) | 1, s->t[0] = ev->time;
		} else if (f == (PACKET_TCP_SYN | PACKET_TCP_ACK) && (s->seen & 1) &&
			   p.ip.sport == s->sport && p.ip.dport == s->cport) {
			s->seen |= 2, s->t[1] = ev->time;
		} else if (f == PACKET_TCP_ACK && (s->seen & 3) == 3 && !(s->seen & 4) &&
			   p.ip.sport == s->cport && p.ip.dport == s->sport) {
			s->seen |= 4, s->t[2] = ev->time;
		} else {
			return false;
		}
	} else if (ev->kind == EV_ACCEPT && ev->has_peer) {
		s->aport = addr_port((const void *)&ev->peer);
		s->seen |= 8, s->t[3] = ev->time;
	} else {
		return false;
	}
	return (s->seen & 15) == 15 && s->aport == s->cport && before(&s->t[0], &s->t[1]) &&
	       before(&s->t[1], &s->t[2]) && before(&s->t[2], &s->t[3]);
}

/* The side of a connection that closed it first, from the server's
 * CLOSE: recv() returned 0 (the peer's FIN came first), or the server
 * closed it itself. A reset or an error leaves no TIME_WAIT to look for. */
static bool closer(struct lesson_check_state *s, const struct event *ev)
{
	const struct sockaddr_storage *first, *second;

	if (ev->kind != EV_CLOSE || ev->server == 0 || !ev->has_local || !ev->has_peer)
		return false;
	switch (ev->reason) {
	case CLOSE_PEER_EOF:
		first = &ev->peer, second = &ev->local;
		break;
	case CLOSE_SERVER:
	case CLOSE_STOP:
	case CLOSE_OVERFLOW:
	case CLOSE_IDLE:
	case CLOSE_NO_THREAD:
		first = &ev->local, second = &ev->peer;
		break;
	default:
		s->stage = 0;
		return false;
	}
	memcpy(&s->peer, first, sizeof s->peer);
	memcpy(&s->other, second, sizeof s->other);
	s->stage = 1;
	return false;
}

/* a is b as one end of a connection: the same port and address, an
 * IPv4-mapped address the same as the plain IPv4 one (a dual-stack
 * server's socket names its IPv4 peer ::ffff:a.b.c.d, the peer's own
 * socket a.b.c.d). */
static bool same_end(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	uint8_t x[16], y[16];
	size_t nx, ny;

	if (addr_port((const void *)a) != addr_port((const void *)b))
		return false;
	nx = addr_bytes(a, x), ny = addr_bytes(b, y);
	return nx > 0 && nx == ny && memcmp(x, y, nx) == 0;
}

/* One check, one event: true when the check is now complete. */
static bool step_check(const struct lesson_check *c, struct lesson_check_state *s,
		       const struct event *ev)
{
	const struct sockaddr *peer = (const void *)&ev->peer;

	switch (c->kind) {
	case CHECK_EVENT:
		return true; /* the filter already matched */
	case CHECK_TWO_REPLIES:
		/* stage 1: a recv with two whole lines seen; count the replies. */
		if (ev->kind == EV_RECV) {
			if (count_lines(ev) >= 2)
				hold_conn(s, ev, 1);
			else if (same_conn(s, ev))
				s->stage = 0;
		} else if (ev->kind == EV_SEND && s->stage == 1 && same_conn(s, ev)) {
			s->count += (int)count_lines(ev);
			return s->count >= 2;
		} else if (ev->kind == EV_CLOSE && same_conn(s, ev)) {
			s->stage = 0;
		}
		return false;
	case CHECK_LINE_AT_A_TIME:
		/* stage 1: a one-line recv awaits its reply; count answered ones.
		 * A stdio stream's lines are READLINE events. */
		if (ev->kind == EV_RECV || ev->kind == EV_READ_LINE) {
			bool one = count_lines(ev) == 1 && ev->preview_len > 0 &&
				   ev->preview[ev->preview_len - 1] == '\n';

			if (!one) {
				if (same_conn(s, ev))
					s->stage = 0, s->count = 0;
			} else if (same_conn(s, ev) && s->stage == 2) {
				s->stage = 1;
			} else {
				hold_conn(s, ev, 1);
			}
		} else if (ev->kind == EV_SEND && same_conn(s, ev) && s->stage == 1) {
			s->stage = 2;
			s->count++;
			return s->count >= 2;
		}
		return false;
	case CHECK_REPLY_LINE:
		return (ev->kind == EV_SEND || ev->kind == EV_DGRAM_OUT) && has_line(ev, c->arg);
	case CHECK_DGRAM_BACK:
		if (ev->kind == EV_DGRAM_IN && ev->has_peer) {
			memcpy(&s->peer, &ev->peer, sizeof s->peer);
			s->len =
			    ev->preview_len < sizeof s->head ? ev->preview_len : sizeof s->head;
			memcpy(s->head, ev->preview, s->len);
			s->count = (int)(ev->bytes > 65535 ? 65535 : ev->bytes);
			s->stage = 1;
		} else if (ev->kind == EV_DGRAM_OUT && s->stage == 1 && same_peer(&s->peer, ev)) {
			return ev->bytes == (uint64_t)s->count && ev->preview_len >= s->len &&
			       memcmp(ev->preview, s->head, s->len) == 0;
		}
		return false;
	case CHECK_PEER_FIELDS:
		if (ev->kind != EV_ACCEPT || !ev->has_peer)
			return false;
		return (peer->sa_family == AF_INET6 && strcmp(c->arg, "4") == 0) ||
		       (peer->sa_family == AF_INET && strcmp(c->arg, "2") == 0);
	case CHECK_PEER_MAPPED: {
		char v4[64];

		return ev->kind == EV_ACCEPT && ev->has_peer && addr_is_mapped(peer, v4, sizeof v4);
	}
	case CHECK_PEER_IPV4:
		return ev->kind == EV_ACCEPT && ev->has_peer && peer->sa_family == AF_INET;
	case CHECK_PEER_CLOSED:
		return ev->kind == EV_CLOSE && ev->reason == CLOSE_PEER_EOF;
	case CHECK_HANDSHAKE:
		return handshake(s, ev);
	case CHECK_TIME_WAIT:
		return closer(s, ev); /* ticks on a socket table (lesson_watch_sockets) */
	default:
		return false;
	}
}

void lesson_watch_init(struct lesson_watch *w, const struct lesson *l)
{
	memset(w, 0, sizeof *w);
	for (int s = 0; s < l->nstep; s++)
		w->total += l->step[s].ncheck;
}

int lesson_watch_event(struct lesson_watch *w, const struct lesson *l, const struct event *ev)
{
	int done = 0;

	for (int s = 0; s < l->nstep && s < LESSON_STEP_MAX; s++) {
		for (int k = 0; k < l->step[s].ncheck && k < LESSON_CHECK_MAX; k++) {
			const struct lesson_check *c = &l->step[s].check[k];
			struct lesson_check_state *st = &w->st[s][k];

			/* A packet carries no server or local address: the
			 * handshake check matches it to the accept by port. */
			bool filtered =
			    c->has_where && !(c->kind == CHECK_HANDSHAKE && ev->kind == EV_PACKET);

			if (st->done || (filtered && !filter_match(&c->where, ev)))
				continue;
			if (step_check(c, st, ev)) {
				st->done = true;
				w->ndone++;
				done++;
			}
		}
	}
	return done;
}

int lesson_watch_sockets(struct lesson_watch *w, const struct lesson *l,
			 const struct sockdiag_entry *e, size_t n)
{
	int done = 0;

	for (int s = 0; s < l->nstep && s < LESSON_STEP_MAX; s++) {
		for (int k = 0; k < l->step[s].ncheck && k < LESSON_CHECK_MAX; k++) {
			struct lesson_check_state *st = &w->st[s][k];

			if (st->done || l->step[s].check[k].kind != CHECK_TIME_WAIT ||
			    st->stage != 1)
				continue;
			/* TIME_WAIT on the side that closed first, its peer the other. */
			for (size_t i = 0; i < n; i++) {
				if (e[i].protocol != IPPROTO_TCP || e[i].state != TCP_TIME_WAIT ||
				    !same_end(&e[i].local, &st->peer) ||
				    !same_end(&e[i].peer, &st->other))
					continue;
				st->done = true;
				w->ndone++;
				done++;
				break;
			}
		}
	}
	return done;
}

unsigned lesson_watch_needs(const struct lesson_watch *w, const struct lesson *l)
{
	unsigned need = 0;

	for (int s = 0; s < l->nstep && s < LESSON_STEP_MAX; s++)
		for (int k = 0; k < l->step[s].ncheck && k < LESSON_CHECK_MAX; k++)
			if (!w->st[s][k].done)
				need |= lesson_check_needs(l->step[s].check[k].kind);
	return need;
}

bool lesson_watch_done(const struct lesson_watch *w, int step, int check)
{
	return step >= 0 && step < LESSON_STEP_MAX && check >= 0 && check < LESSON_CHECK_MAX &&
	       w->st[step][check].done;
}
