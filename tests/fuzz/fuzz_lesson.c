/*
 * fuzz_lesson: the lesson parser and the checks.
 *
 * Input: 1 byte picking the error buffer's size, then a lesson file. What
 * lesson_parse accepts is a lesson a terminal can show (every text valid
 * UTF-8 without a control byte but the newline joining paragraphs, within
 * its bound) with an id, a title and steps whose checks have labels; a
 * python line's command is one terminated line; its checks then take a
 * few events and a socket table without ticking more than they hold. What
 * it rejects gets a NUL-terminated "line N: ..." message and an empty
 * lesson.
 */
#include <netinet/in.h>
#include <string.h>

#include "fuzz_util.h"
#include "socklab/lesson.h"

static struct lesson L;

static void check_text(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	FUZZ_CHECK(n < cap);
	FUZZ_CHECK(fuzz_utf8_valid(s, n));
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK((unsigned char)s[i] >= 0x20 || s[i] == '\n' || s[i] == '\t');
}

static void replay(void)
{
	struct lesson_watch w;
	struct event ev;
	static const enum event_kind kinds[] = {EV_ACCEPT,   EV_RECV,	   EV_SEND, EV_SEND,
						EV_DGRAM_IN, EV_DGRAM_OUT, EV_CLOSE};
	uint16_t ports[LESSON_SERVE_MAX] = {9101, 9102, 9103, 9104};
	char err[LESSON_ERR_MAX];
	int ticks = 0;

	if (lesson_bind(&L, ports, err, sizeof err) < 0)
		return;
	lesson_watch_init(&w, &L);
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		struct sockaddr_in *p = (struct sockaddr_in *)&ev.peer;

		event_init(&ev, kinds[i]);
		ev.server = 1;
		ev.conn = 1;
		p->sin_family = AF_INET;
		p->sin_port = 9101;
		ev.has_peer = true;
		((struct sockaddr_in *)&ev.local)->sin_family = AF_INET;
		((struct sockaddr_in *)&ev.local)->sin_port = htons(9101);
		ev.has_local = true;
		ev.reason = CLOSE_PEER_EOF;
		event_set_data(&ev, "hola\nmundo\n", 11);
		ticks += lesson_watch_event(&w, &L, &ev);
	}
	/* A socket table with the connection above in TIME_WAIT, both ways. */
	{
		struct sockdiag_entry e[2];

		memset(e, 0, sizeof e);
		for (int i = 0; i < 2; i++) {
			e[i].protocol = IPPROTO_TCP;
			e[i].state = 6; /* TCP_TIME_WAIT */
			memcpy(i ? &e[i].peer : &e[i].local, &ev.peer, sizeof ev.peer);
			memcpy(i ? &e[i].local : &e[i].peer, &ev.local, sizeof ev.local);
		}
		ticks += lesson_watch_sockets(&w, &L, e, 2);
	}
	FUZZ_CHECK(ticks == w.ndone && w.ndone <= w.total);
	FUZZ_CHECK(w.ndone < w.total || lesson_watch_needs(&w, &L) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	size_t errcap = fuzz_u8(&in) % 200 + 1;
	char *err = malloc(errcap);
	int r;

	if (err == NULL)
		abort();
	r = lesson_parse((const char *)in.p, in.n, &L, err, errcap);
	FUZZ_CHECK(strnlen(err, errcap) < errcap);
	if (r < 0) {
		FUZZ_CHECK(errcap < 6 || strncmp(err, "line ", 5) == 0);
		FUZZ_CHECK(L.nstep == 0 && L.id[0] == '\0');
		free(err);
		return 0;
	}
	FUZZ_CHECK(r == 0 && L.id[0] != '\0' && L.title.n > 0);
	FUZZ_CHECK(L.nstep >= 1 && L.nstep <= LESSON_STEP_MAX);
	FUZZ_CHECK(L.nserve >= 0 && L.nserve <= LESSON_SERVE_MAX);
	for (int t = 0; t < L.title.n; t++)
		check_text(L.title.text[t], LESSON_LABEL_MAX);
	for (int s = 0; s < L.nstep; s++) {
		const struct lesson_step *st = &L.step[s];

		FUZZ_CHECK(st->text.n >= 1 && st->text.n <= LESSON_LANG_MAX);
		for (int t = 0; t < st->text.n; t++)
			check_text(st->text.text[t], LESSON_TEXT_MAX);
		for (int k = 0; k < st->ntry; k++)
			check_text(st->try_[k], LESSON_CMD_LEN);
		for (int k = 0; k < st->nrun; k++) {
			static const char *const hosts[LESSON_SERVE_MAX] = {"198.51.100.1", NULL,
									    "::1", NULL};
			uint16_t ports[LESSON_SERVE_MAX] = {9101, 0, 65535, 1};
			char cmd[LESSON_CMD_LEN * 2];

			check_text(st->run[k], LESSON_CMD_LEN);
			FUZZ_CHECK(lesson_expand_run(st->run[k], ports, hosts,
						     "socklab sandbox exec b ", cmd,
						     sizeof cmd) < sizeof cmd);
			check_text(cmd, sizeof cmd);
		}
		for (int k = 0; k < st->npython; k++) {
			struct lesson_python_target t = {9101, 40000, "198.51.100.1",
							 "2001:db8::a"};
			char cmd[LESSON_CMD_LEN + 160];

			check_text(st->python[k], LESSON_FILE_LEN);
			FUZZ_CHECK(lesson_python(st->python[k], &t, cmd, sizeof cmd) < sizeof cmd);
			check_text(cmd, sizeof cmd);
			FUZZ_CHECK(strchr(st->python[k], ' ') == NULL &&
				   strchr(st->python[k], '$') == NULL);
		}
		for (int k = 0; k < st->ncheck; k++) {
			FUZZ_CHECK(st->check[k].label.n >= 1);
			for (int t = 0; t < st->check[k].label.n; t++)
				check_text(st->check[k].label.text[t], LESSON_LABEL_MAX);
		}
		check_text(lesson_text_in(&st->text, "es"), LESSON_TEXT_MAX);
	}
	replay();
	free(err);
	return 0;
}
