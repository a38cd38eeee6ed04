/*
 * test_tui_servers: the lab's running servers and their rates, with real
 * counts: a real echo server on 127.0.0.1 port 0 gets 600 bytes from a
 * real client, and the servers pane's rate lines show them per second
 * (samples at times the test chooses, counters from the server itself);
 * stopping a server keeps every other server's rates with it; the
 * accept queue and SYN-drop wordings fit the width they are given.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "socklab/server.h"
#include "tui/tui_lab.h"

static struct lab lab;

static int setup(void **state)
{
	(void)state;
	memset(&lab, 0, sizeof lab);
	lab.next_id = 1;
	lab.q = event_queue_new(EVENT_QUEUE_DEFAULT);
	if (lab.q == NULL || watch_init(&lab.watch, 100) < 0)
		return -1;
	servers_form_reset(&lab);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	servers_stop_all(&lab);
	watch_free(&lab.watch);
	event_queue_free(lab.q);
	return 0;
}

static struct server *start(const char *text)
{
	struct spec sp;
	char err[256];

	spec_default(&sp);
	assert_int_equal(spec_parse(text, &sp, err, sizeof err), 0);
	assert_int_equal(servers_start(&lab, &sp), 0);
	return lab.servers[lab.nservers - 1];
}

/* Sends n bytes ending in \n to s and reads the echo back. */
static void echo_bytes(struct server *s, size_t n)
{
	struct sockaddr_in a;
	char *buf = malloc(n);
	size_t got = 0;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_non_null(buf);
	assert_true(fd >= 0);
	memcpy(&a, server_local(s, 0), sizeof a);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	memset(buf, 'x', n - 1);
	buf[n - 1] = '\n';
	assert_int_equal(send(fd, buf, n, 0), (ssize_t)n);
	while (got < n) {
		ssize_t r = recv(fd, buf, n, 0);

		assert_true(r > 0);
		got += (size_t)r;
	}
	close(fd);
	free(buf);
}

/* Waits (at most 5 s) until the server has counted n bytes in and their
 * echo out ("eco: " and the line). */
static void wait_counted(struct server *s, uint64_t n)
{
	struct server_stats st;

	for (int i = 0; i < 500; i++) {
		server_stats(s, &st);
		if (st.bytes_in == n && st.bytes_out == n + 5)
			return;
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
	fail_msg("the server counted %llu in, %llu out, not %llu and %llu",
		 (unsigned long long)st.bytes_in, (unsigned long long)st.bytes_out,
		 (unsigned long long)n, (unsigned long long)n + 5);
}

static const char *line(int index, int i)
{
	static char out[256];
	struct server_stats st;

	server_stats(lab.servers[index], &st);
	servers_rate_line(&lab.rates[index], &st, server_spec(lab.servers[index]), i, out,
			  sizeof out);
	return out;
}

static void test_rates_from_real_counts(void **state)
{
	struct server *s;

	(void)state;
	s = start("tcp:echo:ipv4:0@127.0.0.1");
	servers_sample(&lab, 10000);
	assert_string_equal(line(0, 0), "   1s  in 0 B/s  out 0 B/s");
	echo_bytes(s, 600);
	wait_counted(s, 600);
	servers_sample(&lab, 11000);
	/* 600 bytes in, 605 out ("eco: " added) in the second between the
	 * samples. */
	assert_string_equal(line(0, 0), "   1s  in 600 B/s  out 605 B/s");
	assert_string_equal(line(0, 1), "   10s in 600 B/s  out 605 B/s");
	assert_non_null(strstr(line(0, 2), "accept queue 0 of backlog"));
	/* Three quiet seconds later the one-second rate is back to 0, while
	 * the ten-second one still spans the burst (over 4 s). */
	servers_sample(&lab, 14000);
	assert_string_equal(line(0, 0), "   1s  in 0 B/s  out 0 B/s");
	assert_string_equal(line(0, 1), "   10s in 150 B/s  out 151 B/s");
}

static void test_stop_keeps_the_others_rates(void **state)
{
	struct server *a, *b;

	(void)state;
	a = start("tcp:echo:ipv4:0@127.0.0.1");
	b = start("tcp:echo:ipv4:0@127.0.0.1");
	servers_sample(&lab, 10000);
	echo_bytes(b, 1000);
	wait_counted(b, 1000);
	servers_sample(&lab, 15000);
	/* 1000 in and 1005 out over 5 s, for b only. */
	assert_string_equal(line(0, 0), "   1s  in 0 B/s  out 0 B/s");
	assert_string_equal(line(1, 0), "   1s  in 200 B/s  out 201 B/s");
	servers_stop(&lab, 0); /* a goes; b moves to slot 0 with its rates */
	assert_int_equal(lab.nservers, 1);
	assert_ptr_equal(lab.servers[0], b);
	assert_string_equal(line(0, 0), "   1s  in 200 B/s  out 201 B/s");
	(void)a;
}

/* The accept queue line says Linux admits backlog+1 in as many words as
 * the width holds, and never more than the width. */
static void test_queue_line_fits(void **state)
{
	struct server_stats st = {.has_accept_queue = true, .accept_queue = 9, .accept_backlog = 8};
	char out[128];

	(void)state;
	servers_queue_line(&st, 0, out, sizeof out);
	assert_string_equal(out, "   accept queue 9 of backlog 8 (Linux admits 9)");
	servers_queue_line(&st, 47, out, sizeof out);
	assert_string_equal(out, "   accept queue 9 of backlog 8 (Linux admits 9)");
	servers_queue_line(&st, 35, out, sizeof out); /* 80 columns */
	assert_string_equal(out, "   accept queue 9 of backlog 8+1");
	st.accept_queue = 0;
	st.accept_backlog = 12345;
	servers_queue_line(&st, 35, out, sizeof out);
	assert_string_equal(out, "   accept queue 0 of backlog 12345");
}

/* SYNs dropped since the lab began, in the heading: nothing before any,
 * then the longest wording that fits, the number always whole. */
static void test_drops_text_fits(void **state)
{
	char out[128];

	(void)state;
	lab.drops_known = true;
	lab.overflows_base = lab.overflows_seen = 1000;
	assert_int_equal(servers_drops_text(&lab, 0, out, sizeof out), 0);
	assert_string_equal(out, "");
	lab.overflows_seen = 1001;
	servers_drops_text(&lab, 0, out, sizeof out);
	assert_string_equal(out, " 1 SYN dropped: accept queue full (whole netns) ");
	lab.overflows_seen = 1012;
	servers_drops_text(&lab, 0, out, sizeof out);
	assert_string_equal(out, " 12 SYNs dropped: accept queue full (whole netns) ");
	servers_drops_text(&lab, 34, out, sizeof out); /* 80 columns */
	assert_string_equal(out, " 12 SYN drops: queue full, netns ");
	servers_drops_text(&lab, 25, out, sizeof out);
	assert_string_equal(out, " 12 SYN drops (netns) ");
	lab.drops_known = false; /* no /proc/net/netstat: nothing claimed */
	assert_int_equal(servers_drops_text(&lab, 0, out, sizeof out), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_rates_from_real_counts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stop_keeps_the_others_rates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_queue_line_fits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_drops_text_fits, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
