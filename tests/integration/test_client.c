/*
 * test_client: resolving and dialling as the client pane and `socklab
 * client` do it: numeric getaddrinfo results described the way `socklab
 * resolve` prints them, addresses tried in order with each attempt
 * reported, and the non-blocking dialer the TUI polls. Only numeric
 * loopback hosts, so no test depends on DNS.
 */
#include <fcntl.h>
#include <netdb.h>

#include "socklab/client.h"
#include "testnet.h"

/* A port on 127.0.0.1 or ::1 that refuses connections: bound, never
 * listening, and held until closed so nobody else takes it. */
static int refusing(int family, uint16_t *port)
{
	struct sockaddr_storage ss = tn_addr(family, 0);
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, addr_len((struct sockaddr *)&ss)), 0);
	*port = tn_local_port(fd);
	return fd;
}

static struct addrinfo *resolve(const char *host, uint16_t port, int family, int type)
{
	struct addrinfo *res = NULL;
	char p[8], err[CLIENT_ERR_MAX];

	snprintf(p, sizeof p, "%u", port);
	if (client_resolve(host, p, family, type, false, &res, err, sizeof err) != 0)
		fail_msg("resolve %s: %s", host, err);
	assert_non_null(res);
	return res;
}

static void test_resolve_describe(void **state)
{
	struct addrinfo *res;
	char line[256];

	(void)state;
	res = resolve("127.0.0.1", 9101, AF_UNSPEC, SOCK_STREAM);
	assert_null(res->ai_next);
	client_describe_ai(res, line, sizeof line);
	assert_string_equal(line, "AF_INET  SOCK_STREAM IPPROTO_TCP ('127.0.0.1', 9101)");
	freeaddrinfo(res);
	res = resolve("::1", 9301, AF_UNSPEC, SOCK_DGRAM);
	client_describe_ai(res, line, sizeof line);
	assert_string_equal(line, "AF_INET6 SOCK_DGRAM  IPPROTO_UDP ('::1', 9301, 0, 0)");
	freeaddrinfo(res);
	/* A family that does not match a numeric host: an error, said so. */
	{
		struct addrinfo *none = (struct addrinfo *)&none;
		char err[CLIENT_ERR_MAX];

		assert_int_equal(client_resolve("127.0.0.1", "80", AF_INET6, SOCK_STREAM, false,
						&none, err, sizeof err),
				 -1);
		assert_null(none);
		assert_memory_equal(err, "127.0.0.1 port 80: ", 19);
	}
}

struct attempts {
	int n;
	int err[8];
	uint16_t port[8];
};

static void record(void *arg, const struct sockaddr *sa, int err)
{
	struct attempts *a = arg;

	if (a->n < 8) {
		a->err[a->n] = err;
		a->port[a->n] = addr_port(sa);
	}
	a->n++;
}

/* The tutorial's tip: try getaddrinfo's addresses in order. A refused one
 * is reported and the next one connects. */
static void test_dial_in_order(void **state)
{
	struct attempts at = {0};
	struct addrinfo *list, *second;
	struct server *srv;
	struct tn t;
	char err[CLIENT_ERR_MAX];
	uint16_t dead;
	int hold, fd;

	(void)state;
	tn_init(&t);
	srv = tn_start(&t, "tcp:echo:ipv4:0");
	hold = refusing(AF_INET, &dead);
	list = resolve("127.0.0.1", dead, AF_INET, SOCK_STREAM);
	second = resolve("127.0.0.1", server_port(srv), AF_INET, SOCK_STREAM);
	list->ai_next = second;
	fd = client_dial(list, 2000, record, &at, NULL, err, sizeof err);
	assert_true(fd >= 0);
	assert_int_equal(at.n, 2);
	assert_int_equal(at.err[0], ECONNREFUSED);
	assert_int_equal(at.port[0], dead);
	assert_int_equal(at.err[1], 0);
	assert_int_equal(at.port[1], server_port(srv));
	/* The fd it returns is blocking and connected. */
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	tn_timeouts(fd);
	tn_exchange(fd, "hola\n", "eco: hola\n");
	close(fd);
	freeaddrinfo(list);

	/* Nothing answers: -1, with the last address and cause. */
	at.n = 0;
	list = resolve("127.0.0.1", dead, AF_INET, SOCK_STREAM);
	assert_int_equal(client_dial(list, 2000, record, &at, NULL, err, sizeof err), -1);
	assert_int_equal(at.n, 1);
	{
		char want[128];

		snprintf(want, sizeof want, "connect 127.0.0.1:%u: Connection refused", dead);
		assert_string_equal(err, want);
	}
	freeaddrinfo(list);
	close(hold);
	server_stop(srv);
	tn_free(&t);
}

/* The non-blocking dialer, driven the way the TUI's loop drives it. */
static void test_dialer(void **state)
{
	struct addrinfo *list;
	struct dialer *d;
	struct server *srv;
	struct tn t;
	const struct sockaddr *sa;
	uint16_t dead;
	int hold, fd, e, fds0;

	(void)state;
	if (!tn_can_ipv6())
		skip();
	fds0 = tn_fd_count();
	tn_init(&t);
	srv = tn_start(&t, "tcp:echo:dual2:0@::1");
	hold = refusing(AF_INET6, &dead);
	list = resolve("::1", dead, AF_INET6, SOCK_STREAM);
	list->ai_next = resolve("127.0.0.1", server_port(srv), AF_INET, SOCK_STREAM);
	d = dialer_new(list);
	assert_non_null(d);

	fd = dialer_next(d, &sa, &e);
	assert_int_equal(sa->sa_family, AF_INET6);
	if (fd >= 0) {
		struct pollfd p = {.fd = fd, .events = POLLOUT};

		assert_int_equal(poll(&p, 1, TN_TIMEOUT_MS), 1);
		assert_int_equal(dialer_result(fd), ECONNREFUSED);
		close(fd);
	} else {
		assert_int_equal(fd, -2);
		assert_int_equal(e, ECONNREFUSED);
	}
	fd = dialer_next(d, &sa, &e);
	assert_true(fd >= 0);
	assert_int_equal(sa->sa_family, AF_INET);
	{
		struct pollfd p = {.fd = fd, .events = POLLOUT};

		assert_int_equal(poll(&p, 1, TN_TIMEOUT_MS), 1);
		assert_int_equal(dialer_result(fd), 0);
	}
	assert_int_equal(dialer_next(d, &sa, &e), -1);
	dialer_free(d);
	fcntl(fd, F_SETFL, 0);
	tn_timeouts(fd);
	tn_exchange(fd, "x\n", "eco: x\n");
	close(fd);
	close(hold);
	server_stop(srv);
	tn_free(&t);
	assert_int_equal(tn_fd_count(), fds0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_resolve_describe),
	    cmocka_unit_test(test_dial_in_order),
	    cmocka_unit_test(test_dialer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
