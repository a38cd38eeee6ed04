/*
 * test_msg: a sentence as a code and values (msg.c) and the translated
 * event line: values packed as the English format says, put back in the
 * order a translation's %N$ asks for, %% kept, output bounded; with a
 * translator installed event_format_text speaks its language while the
 * event's message and its JSON stay English.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <sys/types.h>

#include "socklab/event.h"
#include "socklab/msg.h"

static size_t pack(char *args, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static size_t pack(char *args, size_t cap, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = msg_vpack(args, cap, fmt, ap);
	va_end(ap);
	return n;
}

static void test_pack_every_conversion(void **state)
{
	char args[256], out[256];
	size_t n;

	(void)state;
	n = pack(args, sizeof args, "%d %u %ld %lu %lld %llu %zu %zd %x %s %c %.1f %5s|%-3d|", -1,
		 2u, -3L, 4UL, -5LL, 6ULL, (size_t)7, (ssize_t)-8, 255, "nueve", 'X', 2.25, "ab",
		 7);
	msg_render(out, sizeof out, "%d %u %ld %lu %lld %llu %zu %zd %x %s %c %.1f %5s|%-3d|", args,
		   n);
	assert_string_equal(out, "-1 2 -3 4 -5 6 7 -8 ff nueve X 2.2    ab|7  |");
}

static void test_render_reorders_and_keeps_percent(void **state)
{
	char args[128], out[128];
	size_t n =
	    msg_pack(args, sizeof args, "%s/%s %s %s", "tcp", "echo", "ipv4", "127.0.0.1:9101");

	(void)state;
	msg_render(out, sizeof out, "Escuchando en %4$s (%1$s/%2$s %3$s) 100%%", args, n);
	assert_string_equal(out, "Escuchando en 127.0.0.1:9101 (tcp/echo ipv4) 100%");
	/* A value past the packed ones is empty, never read out of bounds. */
	msg_render(out, sizeof out, "%5$s|%1$s", args, n);
	assert_string_equal(out, "|tcp");
}

static void test_bounded(void **state)
{
	char args[16], out[8];
	size_t n;

	(void)state;
	n = pack(args, sizeof args, "%s %s", "una cadena muy larga", "otra");
	assert_true(n <= sizeof args);
	msg_render(out, sizeof out, "%s y %s", args, n);
	assert_int_equal(strlen(out), sizeof out - 1);
	assert_int_equal(msg_render(out, 0, "x", args, n), 0);
}

/* A two-message "catalogue". */
static const char *fake_tr(const char *english)
{
	if (strcmp(english, "LISTEN %s/%s %s %s") == 0)
		return "Escuchando en %4$s (%1$s/%2$s %3$s)";
	if (strcmp(english, MSG_RCVBUF) == 0)
		return "búfer de recepción de %d bytes";
	if (strcmp(english, "tcp") == 0)
		return "never: a value is not a message";
	if (strcmp(english, "STOP %s") == 0)
		return "%s";
	if (strcmp(english, MSG_STOPPED) == 0)
		return "Servidor detenido";
	return english;
}

static const char *fake_ntr(const char *one, const char *many, unsigned long n)
{
	return n == 1 ? one : many;
}

static void listen_event(struct event *ev)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&ev->local;

	event_init(ev, EV_LISTEN);
	ev->server = 3;
	ev->transport = TRANSPORT_UDP;
	ev->service = SERVICE_ECHO;
	ev->family = FAMILY_IPV4;
	in->sin_family = AF_INET;
	in->sin_port = htons(9201);
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ev->has_local = true;
	event_set_message(ev, MSG_RCVBUF, 8388608);
}

static void test_event_line_translated_json_not(void **state)
{
	char text[EVENT_FORMAT_MAX], json_en[EVENT_FORMAT_MAX], json_es[EVENT_FORMAT_MAX];
	struct event ev;

	(void)state;
	listen_event(&ev);
	{
		char want[EVENT_MESSAGE_MAX], line[EVENT_MESSAGE_MAX + 64];

		snprintf(want, sizeof want, MSG_RCVBUF, 8388608);
		assert_string_equal(ev.message, want);
		event_format_text(&ev, text, sizeof text);
		snprintf(line, sizeof line, "#3 LISTEN udp/echo ipv4 127.0.0.1:9201 (%s)", want);
		assert_non_null(strstr(text, line));
	}
	event_format_json(&ev, json_en, sizeof json_en);

	msg_set_translator(fake_tr, fake_ntr);
	event_format_text(&ev, text, sizeof text);
	assert_non_null(strstr(text, "#3 Escuchando en 127.0.0.1:9201 (udp/echo ipv4) "
				     "(búfer de recepción de 8388608 bytes)"));
	event_format_json(&ev, json_es, sizeof json_es);
	assert_string_equal(json_en, json_es);

	event_init(&ev, EV_STOP);
	ev.server = 1;
	event_set_message(&ev, MSG_STOPPED);
	event_format_text(&ev, text, sizeof text);
	assert_non_null(strstr(text, "#1 Servidor detenido"));
	event_format_json(&ev, json_es, sizeof json_es);
	assert_non_null(strstr(json_es, "\"message\":\"stopped\""));
	/* A message set by hand (no format) is shown as it is. */
	snprintf(ev.message, sizeof ev.message, "%s", "as is");
	ev.message_fmt = NULL;
	event_format_text(&ev, text, sizeof text);
	assert_non_null(strstr(text, "#1 as is"));
	msg_set_translator(NULL, NULL);
	assert_string_equal(msg_tr("LISTEN %s/%s %s %s"), "LISTEN %s/%s %s %s");
	assert_string_equal(msg_ntr("a", "b", 1), "a");
	assert_string_equal(msg_ntr("a", "b", 2), "b");
}

/* A catalogue whose plural forms are chosen by n, as Spanish's are. */
static const char *plural_ntr(const char *one, const char *many, unsigned long n)
{
	if (strcmp(one, "%llu event dropped: the consumer fell behind") == 0)
		return n == 1 ? "%llu evento perdido" : "%llu eventos perdidos";
	return n == 1 ? one : many;
}

/* A count in an event's message: the form follows the count, in English
 * (the JSON) and through the catalogue (the text), never a glued "s". */
static void test_event_message_plural(void **state)
{
	struct event ev;
	char text[EVENT_FORMAT_MAX], json[EVENT_FORMAT_MAX];

	(void)state;
	for (unsigned long n = 1; n <= 2; n++) {
		event_init(&ev, EV_DROPPED);
		ev.count = n;
		event_set_message_n(&ev, MSG_QUEUE_DROPPED, n, (unsigned long long)n);
		assert_string_equal(ev.message, n == 1
						    ? "1 event dropped: the consumer fell behind"
						    : "2 events dropped: the consumer fell behind");
		msg_set_translator(fake_tr, plural_ntr);
		event_message_text(&ev, text, sizeof text);
		assert_string_equal(text, n == 1 ? "1 evento perdido" : "2 eventos perdidos");
		event_format_json(&ev, json, sizeof json);
		assert_non_null(strstr(json, n == 1 ? "\"1 event dropped" : "\"2 events dropped"));
		msg_set_translator(NULL, NULL);
		/* A plain message set after it forgets the plural. */
		event_set_message(&ev, MSG_STOPPED);
		msg_set_translator(fake_tr, plural_ntr);
		event_message_text(&ev, text, sizeof text);
		assert_string_equal(text, "Servidor detenido");
		msg_set_translator(NULL, NULL);
	}
}

static void test_english_errno(void **state)
{
	(void)state;
	assert_string_equal(msg_strerror(EADDRINUSE), "Address already in use");
	assert_string_equal(msg_strerror(-12345), "Unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pack_every_conversion),
	    cmocka_unit_test(test_render_reorders_and_keeps_percent),
	    cmocka_unit_test(test_bounded),
	    cmocka_unit_test(test_event_line_translated_json_not),
	    cmocka_unit_test(test_event_message_plural),
	    cmocka_unit_test(test_english_errno),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
