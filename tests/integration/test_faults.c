/*
 * test_faults: steps that fail as the system can make them fail (through
 * the server's test seams) are reported with their own cause and never
 * leave a connection that is neither served nor closed: a failed epoll_ctl
 * ADD closes the connection and says so; a reply that cannot be allocated
 * closes it with the reason; echo-stdio's missing worker thread is an
 * error of the server naming the thread, and the client is not left
 * hanging. Other clients go on being served.
 */
#include "testnet.h"

/* A connection accepted under fault closes with why, err and a message
 * starting with msg; the client sees the end of the stream. */
static void closed_by_fault(const char *spec, unsigned fault, const char *send_line,
			    enum close_reason why, int err, const char *msg)
{
	struct spec s = tn_spec(spec);
	struct server_options opt = {.faults = fault};
	const struct tn_ev *e;
	struct server *srv;
	struct tn t;
	char buf[64];
	int fd;

	tn_init(&t);
	srv = tn_start_opt(&t, &s, &opt);
	fd = tn_connect(AF_INET, server_port(srv));
	if (send_line != NULL)
		tn_send_str(fd, send_line);
	e = tn_wait_peer(&t, EV_CLOSE, tn_local_port(fd));
	assert_int_equal(e->reason, why);
	assert_int_equal(e->err, err);
	if (strncmp(e->message, msg, strlen(msg)) != 0)
		fail_msg("close message '%s', expected '%s...'", e->message, msg);
	/* Closed for real: the client reads the end, nothing else. */
	assert_true(tn_readable(fd, TN_TIMEOUT_MS));
	assert_true(recv(fd, buf, sizeof buf, 0) <= 0);
	close(fd);
	server_stop(srv);
	tn_free(&t);
}

static void test_epoll_add_fails(void **state)
{
	(void)state;
	closed_by_fault("tcp:echo:ipv4:0", SERVER_FAULT_EPOLL_ADD, NULL, CLOSE_ERROR, ENOSPC,
			"epoll_ctl ADD");
}

static void test_epoll_add_fails_hello(void **state)
{
	(void)state;
	/* No greeting is queued for a connection that cannot be watched. */
	closed_by_fault("tcp:hello:ipv4:0", SERVER_FAULT_EPOLL_ADD, NULL, CLOSE_ERROR, ENOSPC,
			"epoll_ctl ADD");
}

static void test_reply_nomem(void **state)
{
	(void)state;
	closed_by_fault("tcp:echo:ipv4:0", SERVER_FAULT_REPLY_NOMEM, "hola\n", CLOSE_ERROR, ENOMEM,
			"out of memory for a reply of 10 bytes");
	closed_by_fault("tcp:cmd:ipv4:0", SERVER_FAULT_REPLY_NOMEM, "PING\n", CLOSE_ERROR, ENOMEM,
			"out of memory for a reply of 44 bytes");
}

static void test_no_worker_thread(void **state)
{
	struct spec s = tn_spec("tcp:echo-stdio:ipv4:0");
	struct server_options opt = {.faults = SERVER_FAULT_THREAD};
	const struct tn_ev *e;
	struct server *srv;
	struct tn t;
	int fd;

	(void)state;
	tn_init(&t);
	srv = tn_start_opt(&t, &s, &opt);
	fd = tn_connect(AF_INET, server_port(srv));
	e = tn_wait_peer(&t, EV_CLOSE, tn_local_port(fd));
	/* The close says what happened, with no errno of its own... */
	assert_int_equal(e->reason, CLOSE_NO_THREAD);
	assert_int_equal(e->err, 0);
	assert_string_equal(event_close_reason_name(e->reason), "no-thread");
	/* ... and the error before it names the thread and the real cause. */
	e = tn_find(&t, EV_ERROR);
	if (e == NULL) {
		fail_msg("no error event");
		return;
	}
	assert_int_equal(e->err, EAGAIN);
	if (strstr(e->message, "cannot create a thread") == NULL)
		fail_msg("error message '%s'", e->message);
	tn_expect_eof(fd);
	close(fd);
	server_stop(srv);
	tn_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_epoll_add_fails),
	    cmocka_unit_test(test_epoll_add_fails_hello),
	    cmocka_unit_test(test_reply_nomem),
	    cmocka_unit_test(test_no_worker_thread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
