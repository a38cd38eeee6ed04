/*
 * pane_lesson: the lesson the lab runs (socklab --lesson N|FILE), and its
 * pane: the explanation in the user's language, what to try and to run,
 * and the checklist that ticks itself from the events the lab sees.
 *
 * The lesson is loaded before the terminal starts (a bad file ends the
 * lab with its line and cause), its servers start with the lab's, its
 * try lines go into the prompt's history (Up recalls them, in order), and
 * every event the lab takes is folded into its checks (lesson.h), and
 * so is the kernel's socket table, read on the lab's tick while a check
 * waits for it. A check that needs what this lab cannot have (packets
 * without CAP_NET_RAW, a socket table netlink refuses) says so and why
 * under its label. In a sandbox the lesson's servers listen where host b
 * reaches them, and the tutorial's Python programs are shown run from
 * host b. The pane shares the main slot with the live log: F8 swaps them.
 */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>

#include "socklab/lesson.h"
#include "socklab/sandbox.h"
#include "socklab/server.h"
#include "socklab/sockdiag.h"
#include "socklab/util.h"
#include "tui/kernel.h"
#include "tui/paint.h"
#include "tui/pane_lesson.h"
#include "tui/tui_lab.h"
#include "tui/tui_msg.h"

#define LESSON_FILE_MAX (256 * 1024)

struct lab_lesson {
	struct lesson l;
	struct lesson_watch w;
	uint16_t ports[LESSON_SERVE_MAX];
	struct spec spec[LESSON_SERVE_MAX]; /* the servers', as the lesson wrote them */
	/* The address that reaches each server from where run lines run
	 * ({host1}..): its own, loopback for a wildcard; in a sandbox host
	 * a's, the lines then running on host b. */
	char host[LESSON_SERVE_MAX][SPEC_HOST_MAX];
	/* The socket table for the checks that need it (lesson_tick). */
	struct sockdiag_entry socks[KERNEL_SOCKETS_MAX];
	int64_t socks_time;
	char socks_err[SOCKDIAG_ERR_MAX]; /* why it cannot be read; "" */
	int scroll;			  /* rows hidden above */
	int rows;			  /* rows the text took at the last draw */
	char lang[8];
};

static int read_file(const char *path, char **out, size_t *len, char *err, size_t cap)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (f == NULL) {
		snprintf(err, cap, "%s", strerror(errno));
		return -1;
	}
	buf = malloc(LESSON_FILE_MAX + 1);
	if (buf == NULL) {
		fclose(f);
		snprintf(err, cap, "%s", strerror(ENOMEM));
		return -1;
	}
	n = fread(buf, 1, LESSON_FILE_MAX + 1, f);
	if (ferror(f) || n > LESSON_FILE_MAX) {
		if (ferror(f))
			snprintf(err, cap, "%s", strerror(errno));
		else
			snprintf(err, cap, _(MSG_LESSON_TOO_BIG), LESSON_FILE_MAX / 1024);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	*out = buf;
	*len = n;
	return 0;
}

int lesson_load(const char *what, struct lab_lesson **out, char *err, size_t cap)
{
	struct lab_lesson *ll = calloc(1, sizeof *ll);
	size_t len;
	const char *text = lesson_builtin(what, &len);
	char *file = NULL, why[LESSON_ERR_MAX];
	int rc;

	*out = NULL;
	if (ll == NULL) {
		snprintf(err, cap, "%s", strerror(ENOMEM));
		return -1;
	}
	if (text == NULL) {
		if (strchr(what, '/') == NULL && strstr(what, ".lesson") == NULL) {
			char ids[128] = "";

			for (size_t i = 0; i < lesson_builtin_count; i++)
				snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%s%s",
					 i ? ", " : "", lesson_builtin_ids[i]);
			snprintf(err, cap, _(MSG_LESSON_NO_SUCH), what, ids);
			free(ll);
			return -1;
		}
		if (read_file(what, &file, &len, why, sizeof why) < 0) {
			snprintf(err, cap, _(MSG_LESSON_BAD), what, why);
			free(ll);
			return -1;
		}
		text = file;
	}
	rc = lesson_parse(text, len, &ll->l, why, sizeof why);
	free(file);
	if (rc < 0) {
		snprintf(err, cap, _(MSG_LESSON_BAD), what, why);
		free(ll);
		return -1;
	}
	/* TRANSLATORS: this catalogue's language code (en, es, pt_BR): a
	   lesson shows its text in this language when it has it. */
	snprintf(ll->lang, sizeof ll->lang, "%s", _("en"));
	lesson_watch_init(&ll->w, &ll->l);
	*out = ll;
	return 0;
}

void lesson_free(struct lab_lesson *ll)
{
	free(ll);
}

static void run_host(const struct spec *spec, char *out, size_t cap)
{
	const struct sandbox_info *sb = sandbox_get();
	const char *h = spec->host[0] ? spec->host : spec_default_host(spec->family);

	if (sb != NULL)
		h = spec->family == FAMILY_IPV6 ? sb->host[SANDBOX_A].ipv6
						: sb->host[SANDBOX_A].ipv4;
	else if (strcmp(h, "0.0.0.0") == 0)
		h = "127.0.0.1";
	else if (strcmp(h, "::") == 0)
		h = spec->family == FAMILY_IPV6 ? "::1" : "127.0.0.1";
	snprintf(out, cap, "%s", h);
}

void lesson_start(struct lab *lab)
{
	struct lab_lesson *ll = lab->lesson;
	/* For tests: every lesson server on a port the kernel picks. */
	const char *port0 = getenv("SOCKLAB_LESSON_PORT0");
	char err[LESSON_ERR_MAX];

	if (ll == NULL)
		return;
	for (int i = 0; i < ll->l.nserve; i++) {
		struct spec spec;
		char serr[256];

		spec_default(&spec);
		if (spec_parse(ll->l.serve[i], &spec, serr, sizeof serr) < 0)
			continue; /* the parser already refused a bad one */
		ll->spec[i] = spec;
		run_host(&spec, ll->host[i], sizeof ll->host[i]);
		if (port0 != NULL && port0[0])
			spec.port = 0;
		/* In a sandbox, loopback is host a's alone: the server listens on
		 * every address of host a, so that host b reaches it too. */
		if (sandbox_get() != NULL && spec.family == FAMILY_IPV4 &&
		    (spec.host[0] == '\0' || strcmp(spec.host, "127.0.0.1") == 0))
			snprintf(spec.host, sizeof spec.host, "0.0.0.0");
		else if (sandbox_get() != NULL && spec.family == FAMILY_IPV6 &&
			 (spec.host[0] == '\0' || strcmp(spec.host, "::1") == 0))
			snprintf(spec.host, sizeof spec.host, "::");
		if (servers_start(lab, &spec) == 0)
			ll->ports[i] = server_port(lab->servers[lab->nservers - 1]);
	}
	if (lesson_bind(&ll->l, ll->ports, err, sizeof err) < 0)
		lab_notice(lab, true, "%s", err);
	/* Added last to first, so Up recalls them in the order they are to
	 * be tried: the first Up gives the first one. */
	for (int s = ll->l.nstep - 1; s >= 0; s--) {
		for (int k = ll->l.step[s].ntry - 1; k >= 0; k--) {
			char line[LESSON_CMD_LEN + 64];

			lesson_expand(ll->l.step[s].try_[k], ll->ports, line, sizeof line);
			add_history(line);
		}
	}
	using_history(); /* the next Up starts from the newest: the first try */
	lab_say(lab, TUI_LOG_INFO, _(MSG_LESSON_STARTED), ll->l.id,
		lesson_label_in(&ll->l.title, ll->lang));
	pane_show(lab, &pane_lesson);
	lab->dirty = true;
}

static void ticked(struct lab *lab, int n)
{
	struct lab_lesson *ll = lab->lesson;

	if (n > 0) {
		if (ll->w.ndone == ll->w.total)
			lab_notice(lab, false, _(MSG_LESSON_ALL_DONE), ll->l.id);
		lab->dirty = true;
	}
}

void lesson_event(struct lab *lab, const struct event *ev)
{
	struct lab_lesson *ll = lab->lesson;

	if (ll == NULL)
		return;
	ticked(lab, lesson_watch_event(&ll->w, &ll->l, ev));
}

void lesson_tick(struct lab *lab)
{
	struct lab_lesson *ll = lab->lesson;
	uint16_t ports[LESSON_SERVE_MAX];
	size_t np = 0, n = 0, total = 0;

	if (ll == NULL || !(lesson_watch_needs(&ll->w, &ll->l) & LESSON_NEEDS_SOCKETS) ||
	    util_mono_ms() - ll->socks_time < KERNEL_SOCKETS_MS)
		return;
	ll->socks_time = util_mono_ms();
	for (int i = 0; i < ll->l.nserve; i++)
		if (ll->ports[i] != 0)
			ports[np++] = ll->ports[i];
	if (np == 0)
		return;
	if (sockdiag_query(ports, np, ll->socks, KERNEL_SOCKETS_MAX, &n, &total, ll->socks_err,
			   sizeof ll->socks_err) < 0) {
		lab->dirty = true; /* the pane says why */
		return;
	}
	ll->socks_err[0] = '\0';
	ticked(lab, lesson_watch_sockets(&ll->w, &ll->l, ll->socks, n));
}

/* Why a check cannot tick in this lab, or NULL: it needs packets and
 * there is no capture, or the socket table and it cannot be read. */
static const char *cannot(const struct lab *lab, enum lesson_check_kind k, char *out, size_t cap)
{
	const struct lab_lesson *ll = lab->lesson;
	unsigned need = lesson_check_needs(k);

	if ((need & LESSON_NEEDS_PACKETS) && (lab->kernel == NULL || lab->kernel->cap_rc != 0)) {
		snprintf(out, cap, _(MSG_LESSON_NEEDS_PACKETS),
			 lab->kernel ? lab->kernel->cap_err : "");
		return out;
	}
	if ((need & LESSON_NEEDS_SOCKETS) && ll->socks_err[0]) {
		snprintf(out, cap, _(MSG_LESSON_NEEDS_SOCKETS), ll->socks_err);
		return out;
	}
	return NULL;
}

/* A python line's command for this lab: the first server's real port,
 * and in a sandbox host a's address of its family, run from host b. */
static void python_cmd(const struct lab_lesson *ll, const char *file, char *out, size_t cap)
{
	const struct sandbox_info *sb = sandbox_get();
	struct lesson_python_target t = {ll->spec[0].port, ll->ports[0], NULL, NULL};

	if (sb != NULL) {
		if (ll->spec[0].family != FAMILY_IPV6)
			t.host4 = sb->host[SANDBOX_A].ipv4;
		if (ll->spec[0].family != FAMILY_IPV4)
			t.host6 = sb->host[SANDBOX_A].ipv6;
	}
	lesson_python(file, &t, out, cap);
}

/* ---- the pane -------------------------------------------------------- */

/* One row of text (or a paragraph, wrapped) at row *y, rows above the
 * area skipped: the scrolled-off part. */
static void put_wrapped(const struct tui_rect *area, int *y, int *row, int scroll, const char *s,
			attr_t a)
{
	struct tui_rect full = *area;
	int rows = tui_text_rows(s, area->w);

	if (*row + rows <= scroll) {
		*row += rows;
		return;
	}
	{
		int skip = scroll > *row ? scroll - *row : 0;

		if (*y < area->y + area->h)
			*y = paint_wrapped(&full, *y, s, a, skip, false);
	}
	*row += rows;
}

static void put_paragraphs(const struct tui_rect *area, int *y, int *row, int scroll,
			   const char *text, attr_t a)
{
	char para[LESSON_TEXT_MAX];

	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		snprintf(para, sizeof para, "%.*s", (int)n, p);
		put_wrapped(area, y, row, scroll, para, a);
		p += n + (nl ? 1 : 0);
	}
}

static void draw(struct lab *lab, const struct tui_rect *r, bool focused)
{
	struct lab_lesson *ll = lab->lesson;
	struct tui_rect body = {r->y + 1, r->x + 1, r->h - 1, r->w - 2};
	char title[LESSON_LABEL_MAX + 64], right[64];
	int y = body.y, row = 0;

	if (ll == NULL) {
		paint_title(r, _(MSG_LESSON_TITLE_NONE), focused, NULL);
		if (body.h > 0)
			paint_wrapped(&body, body.y, _(MSG_LESSON_NONE), A_NORMAL, 0, false);
		return;
	}
	snprintf(title, sizeof title, _(MSG_LESSON_TITLE), ll->l.id,
		 lesson_label_in(&ll->l.title, ll->lang));
	snprintf(right, sizeof right, _(MSG_LESSON_PROGRESS), ll->w.ndone, ll->w.total);
	paint_title(r, title, focused, right);
	if (body.h <= 0 || body.w <= 4)
		return;
	for (int s = 0; s < ll->l.nstep; s++) {
		const struct lesson_step *st = &ll->l.step[s];
		char line[LESSON_CMD_LEN + LESSON_LABEL_MAX + 32];

		if (ll->l.nstep > 1) {
			snprintf(line, sizeof line, _(MSG_LESSON_STEP), s + 1);
			put_wrapped(&body, &y, &row, ll->scroll, line, A_BOLD);
		}
		if (st->ncheck > 0)
			put_wrapped(&body, &y, &row, ll->scroll, _(MSG_LESSON_CHECKS), A_BOLD);
		for (int k = 0; k < st->ncheck; k++) {
			bool done = lesson_watch_done(&ll->w, s, k);

			char why[CAPTURE_ERR_MAX + 128];

			snprintf(line, sizeof line, "  [%s] %s", done ? "x" : " ",
				 lesson_label_in(&st->check[k].label, ll->lang));
			put_wrapped(&body, &y, &row, ll->scroll, line,
				    done ? paint_role(ROLE_IN) | A_BOLD : A_NORMAL);
			if (!done && cannot(lab, st->check[k].kind, why, sizeof why) != NULL) {
				char note[sizeof why + 8];

				snprintf(note, sizeof note, "      %s", why);
				put_wrapped(&body, &y, &row, ll->scroll, note,
					    paint_role(ROLE_WARN));
			}
		}
		put_paragraphs(&body, &y, &row, ll->scroll, lesson_text_in(&st->text, ll->lang),
			       A_NORMAL);
		if (st->ntry > 0)
			put_wrapped(&body, &y, &row, ll->scroll, _(MSG_LESSON_TRY), A_BOLD);
		for (int k = 0; k < st->ntry; k++) {
			char cmd[LESSON_CMD_LEN + 64];

			lesson_expand(st->try_[k], ll->ports, cmd, sizeof cmd);
			snprintf(line, sizeof line, "  %s", cmd);
			put_wrapped(&body, &y, &row, ll->scroll, line, paint_role(ROLE_OUT));
		}
		if (st->nrun + st->npython > 0)
			put_wrapped(&body, &y, &row, ll->scroll,
				    sandbox_get() ? _(MSG_LESSON_RUN_B) : _(MSG_LESSON_RUN),
				    A_BOLD);
		for (int k = 0; k < st->npython; k++) {
			char cmd[LESSON_CMD_LEN + 160];

			python_cmd(ll, st->python[k], cmd, sizeof cmd);
			snprintf(line, sizeof line, "  $ %s", cmd);
			put_wrapped(&body, &y, &row, ll->scroll, line, paint_role(ROLE_INFO));
		}
		for (int k = 0; k < st->nrun; k++) {
			char cmd[LESSON_CMD_LEN + 64];

			const char *hosts[LESSON_SERVE_MAX];

			for (int i = 0; i < LESSON_SERVE_MAX; i++)
				hosts[i] = ll->host[i][0] ? ll->host[i] : NULL;
			lesson_expand_run(st->run[k], ll->ports, hosts,
					  sandbox_get() ? "socklab sandbox exec b " : "", cmd,
					  sizeof cmd);
			snprintf(line, sizeof line, "  $ %s", cmd);
			put_wrapped(&body, &y, &row, ll->scroll, line, paint_role(ROLE_INFO));
		}
	}
	ll->rows = row;
}

static enum pane_result scroll_by(struct lab *lab, int n)
{
	struct lab_lesson *ll = lab->lesson;

	if (ll == NULL)
		return PANE_HANDLED;
	ll->scroll += n;
	if (ll->scroll > ll->rows - 1)
		ll->scroll = ll->rows > 0 ? ll->rows - 1 : 0;
	if (ll->scroll < 0)
		ll->scroll = 0;
	return PANE_REDRAW;
}

static enum pane_result up(struct lab *lab, int key)
{
	(void)key;
	return scroll_by(lab, -1);
}

static enum pane_result down(struct lab *lab, int key)
{
	(void)key;
	return scroll_by(lab, 1);
}

static enum pane_result page_up(struct lab *lab, int key)
{
	(void)key;
	return scroll_by(lab, -(lab->lay.log.h > 3 ? lab->lay.log.h - 2 : 1));
}

static enum pane_result page_down(struct lab *lab, int key)
{
	(void)key;
	return scroll_by(lab, lab->lay.log.h > 3 ? lab->lay.log.h - 2 : 1);
}

static enum pane_result top(struct lab *lab, int key)
{
	(void)key;
	if (lab->lesson != NULL)
		lab->lesson->scroll = 0;
	return PANE_REDRAW;
}

static const struct pane_key keys[] = {
    {{KEY_UP}, "Up/Down", MSG_LESSON_HELP_SCROLL, up},
    {{KEY_DOWN}, NULL, NULL, down},
    {{KEY_PPAGE}, "PgUp/PgDn", MSG_LESSON_HELP_PAGE, page_up},
    {{KEY_NPAGE}, NULL, NULL, page_down},
    {{KEY_HOME}, "Home", MSG_LESSON_HELP_TOP, top},
};

static enum pane_result on_mouse(struct lab *lab, const struct tui_rect *r, int y, int x, int wheel)
{
	(void)r, (void)y, (void)x;
	return wheel ? scroll_by(lab, wheel * 3) : PANE_REDRAW;
}

static bool absent(const struct lab *lab)
{
	return lab->lesson == NULL;
}

const struct pane pane_lesson = {
    .absent = absent,
    .name = "lesson",
    .title = MSG_LESSON_TITLE_NONE,
    .slot = PANE_SLOT_MAIN,
    .status = MSG_LESSON_KEYS,
    .keys = keys,
    .nkeys = sizeof keys / sizeof keys[0],
    .draw = draw,
    .mouse = on_mouse,
};
