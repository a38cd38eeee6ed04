/*
 * test_addr: socket addresses as the tutorial prints them, IPv4-mapped
 * detection, scope ids with interface names, and the numeric parsers.
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
#include <net/if.h>

#include "socklab/addr.h"

static struct sockaddr_storage v4(const char *host, uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (void *)&ss;

	memset(&ss, 0, sizeof ss);
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, host, &s4->sin_addr), 1);
	return ss;
}

static struct sockaddr_storage v6(const char *host, uint16_t port, uint32_t flow, uint32_t scope)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (void *)&ss;

	memset(&ss, 0, sizeof ss);
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	s6->sin6_flowinfo = htonl(flow);
	s6->sin6_scope_id = scope;
	assert_int_equal(inet_pton(AF_INET6, host, &s6->sin6_addr), 1);
	return ss;
}

static const char *tuple(const struct sockaddr_storage *ss)
{
	static char buf[ADDR_TEXT_MAX];
	size_t n = addr_tuple((const void *)ss, buf, sizeof buf);

	assert_int_equal(n, strlen(buf));
	return buf;
}

static void test_tuple_ipv4(void **state)
{
	struct sockaddr_storage ss = v4("127.0.0.1", 58538);

	(void)state;
	assert_string_equal(tuple(&ss), "('127.0.0.1', 58538)");
	ss = v4("0.0.0.0", 0);
	assert_string_equal(tuple(&ss), "('0.0.0.0', 0)");
	ss = v4("255.255.255.255", 65535);
	assert_string_equal(tuple(&ss), "('255.255.255.255', 65535)");
}

static void test_tuple_ipv6(void **state)
{
	struct sockaddr_storage ss = v6("::1", 35740, 0, 0);

	(void)state;
	assert_string_equal(tuple(&ss), "('::1', 35740, 0, 0)");
	ss = v6("::", 9401, 0, 0);
	assert_string_equal(tuple(&ss), "('::', 9401, 0, 0)");
	/* flowinfo is in network order in the sockaddr, shown in host order. */
	ss = v6("2001:db8::5", 80, 0x12345, 0);
	assert_string_equal(tuple(&ss), "('2001:db8::5', 80, 74565, 0)");
}

static void test_tuple_mapped(void **state)
{
	struct sockaddr_storage ss = v6("::ffff:127.0.0.1", 38574, 0, 0);
	char v4text[INET_ADDRSTRLEN];

	(void)state;
	assert_string_equal(tuple(&ss), "('::ffff:127.0.0.1', 38574, 0, 0)");
	memset(v4text, 'x', sizeof v4text);
	assert_true(addr_is_mapped((const void *)&ss, v4text, sizeof v4text));
	assert_string_equal(v4text, "127.0.0.1");
	assert_true(addr_is_mapped((const void *)&ss, NULL, 0));
	ss = v6("::ffff:10.1.2.3", 1, 0, 0);
	assert_true(addr_is_mapped((const void *)&ss, v4text, sizeof v4text));
	assert_string_equal(v4text, "10.1.2.3");

	/* Not mapped: real IPv6, the old IPv4-compatible form, plain IPv4. */
	ss = v6("::1", 1, 0, 0);
	assert_false(addr_is_mapped((const void *)&ss, v4text, sizeof v4text));
	ss = v6("::127.0.0.1", 1, 0, 0);
	assert_false(addr_is_mapped((const void *)&ss, v4text, sizeof v4text));
	ss = v6("::fffe:127.0.0.1", 1, 0, 0);
	assert_false(addr_is_mapped((const void *)&ss, v4text, sizeof v4text));
	ss = v4("127.0.0.1", 1);
	assert_false(addr_is_mapped((const void *)&ss, v4text, sizeof v4text));
}

static void test_tuple_scope(void **state)
{
	unsigned lo = if_nametoindex("lo");
	struct sockaddr_storage ss;
	char want[ADDR_TEXT_MAX];

	(void)state;
	if (lo == 0)
		skip();
	ss = v6("fe80::1", 80, 0, lo);
	snprintf(want, sizeof want, "('fe80::1', 80, 0, %u) %%lo", lo);
	assert_string_equal(tuple(&ss), want);
	/* An index with no interface: the number alone. */
	ss = v6("fe80::1", 80, 0, 999999);
	assert_string_equal(tuple(&ss), "('fe80::1', 80, 0, 999999)");
}

static void test_tuple_small_cap(void **state)
{
	struct sockaddr_storage ss = v6("::ffff:127.0.0.1", 38574, 0, 0);
	char buf[10];

	(void)state;
	assert_int_equal(addr_tuple((const void *)&ss, buf, sizeof buf), 9);
	assert_string_equal(buf, "('::ffff:");
	assert_int_equal(addr_tuple((const void *)&ss, buf, 1), 0);
	assert_string_equal(buf, "");
}

static void test_unknown_family(void **state)
{
	struct sockaddr_storage ss;
	char buf[32];

	(void)state;
	memset(&ss, 0, sizeof ss);
	ss.ss_family = AF_UNIX;
	assert_int_equal(addr_len((const void *)&ss), 0);
	assert_int_equal(addr_port((const void *)&ss), 0);
	addr_tuple((const void *)&ss, buf, sizeof buf);
	assert_string_equal(buf, "(?)");
	addr_host((const void *)&ss, buf, sizeof buf);
	assert_string_equal(buf, "?");
}

static void test_hostport(void **state)
{
	struct sockaddr_storage ss = v4("127.0.0.1", 9101);
	char buf[ADDR_TEXT_MAX];

	(void)state;
	addr_hostport((const void *)&ss, buf, sizeof buf);
	assert_string_equal(buf, "127.0.0.1:9101");
	assert_int_equal(addr_len((const void *)&ss), sizeof(struct sockaddr_in));
	ss = v6("::", 9401, 0, 0);
	addr_hostport((const void *)&ss, buf, sizeof buf);
	assert_string_equal(buf, "[::]:9401");
	assert_int_equal(addr_port((const void *)&ss), 9401);
	assert_int_equal(addr_len((const void *)&ss), sizeof(struct sockaddr_in6));
	addr_host((const void *)&ss, buf, sizeof buf);
	assert_string_equal(buf, "::");
	/* A link-local address keeps its interface (lo is index 1 here; an
	 * index with no interface is kept as a number). */
	ss = v6("fe80::1", 9101, 0, if_nametoindex("lo"));
	addr_hostport((const void *)&ss, buf, sizeof buf);
	assert_string_equal(buf, "[fe80::1%lo]:9101");
	ss = v6("fe80::1", 9101, 0, 999999);
	addr_hostport((const void *)&ss, buf, sizeof buf);
	assert_string_equal(buf, "[fe80::1%999999]:9101");
}

static void test_parse_port(void **state)
{
	static const char *const bad[] = {
	    "",	    "-1",  "+1",   " 1", "1 ", "65536", "99999999999999999999",
	    "0x10", "1e3", "port", "12a"};
	uint16_t p = 7;

	(void)state;
	assert_int_equal(addr_parse_port("0", &p), 0);
	assert_int_equal(p, 0);
	assert_int_equal(addr_parse_port("9101", &p), 0);
	assert_int_equal(p, 9101);
	assert_int_equal(addr_parse_port("65535", &p), 0);
	assert_int_equal(p, 65535);
	assert_int_equal(addr_parse_port("080", &p), 0);
	assert_int_equal(p, 80);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		p = 4242;
		assert_int_equal(addr_parse_port(bad[i], &p), -1);
		assert_int_equal(p, 4242);
	}
	assert_int_equal(addr_parse_port(NULL, &p), -1);
}

static void test_parse_numeric_good(void **state)
{
	struct sockaddr_storage ss;
	const struct sockaddr_in6 *s6 = (const void *)&ss;
	char err[128] = "";
	unsigned lo = if_nametoindex("lo");

	(void)state;
	assert_int_equal(addr_parse_numeric("127.0.0.1", 9101, AF_INET, &ss, err, sizeof err), 0);
	assert_string_equal(tuple(&ss), "('127.0.0.1', 9101)");
	assert_int_equal(addr_parse_numeric("127.0.0.1", 1, AF_UNSPEC, &ss, err, sizeof err), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(addr_parse_numeric("::1", 9301, AF_INET6, &ss, err, sizeof err), 0);
	assert_string_equal(tuple(&ss), "('::1', 9301, 0, 0)");
	assert_int_equal(addr_parse_numeric("::", 0, AF_UNSPEC, &ss, err, sizeof err), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(addr_parse_numeric("::ffff:127.0.0.1", 5, AF_INET6, &ss, err, sizeof err),
			 0);
	assert_true(addr_is_mapped((const void *)&ss, NULL, 0));
	/* Scope by number and by interface name. */
	assert_int_equal(addr_parse_numeric("fe80::1%7", 80, AF_INET6, &ss, err, sizeof err), 0);
	assert_int_equal(s6->sin6_scope_id, 7);
	if (lo != 0) {
		assert_int_equal(
		    addr_parse_numeric("fe80::1%lo", 80, AF_UNSPEC, &ss, err, sizeof err), 0);
		assert_int_equal(s6->sin6_scope_id, lo);
		assert_int_equal(addr_port((const void *)&ss), 80);
	}
}

static void test_parse_numeric_bad(void **state)
{
	struct sockaddr_storage ss;
	char err[256], host[200];

	(void)state;
	assert_int_equal(addr_parse_numeric("::1", 1, AF_INET, &ss, err, sizeof err), -1);
	assert_string_equal(err, "'::1' is not a numeric IPv4 address");
	assert_int_equal(addr_parse_numeric("127.0.0.1", 1, AF_INET6, &ss, err, sizeof err), -1);
	assert_string_equal(err, "'127.0.0.1' is not a numeric IPv6 address");
	assert_int_equal(addr_parse_numeric("localhost", 1, AF_UNSPEC, &ss, err, sizeof err), -1);
	assert_string_equal(err, "'localhost' is not a numeric IP address");
	assert_int_equal(addr_parse_numeric("1.2.3", 1, AF_UNSPEC, &ss, err, sizeof err), -1);
	assert_int_equal(addr_parse_numeric("1.2.3.256", 1, AF_UNSPEC, &ss, err, sizeof err), -1);
	assert_int_equal(addr_parse_numeric("", 1, AF_UNSPEC, &ss, err, sizeof err), -1);
	assert_int_equal(addr_parse_numeric("127.0.0.1%lo", 1, AF_UNSPEC, &ss, err, sizeof err),
			 -1);
	assert_int_equal(addr_parse_numeric("fe80::1%nosuchif0", 1, AF_INET6, &ss, err, sizeof err),
			 -1);
	assert_string_equal(err, "'fe80::1%nosuchif0': no interface named 'nosuchif0'");
	assert_int_equal(addr_parse_numeric("fe80::1%", 1, AF_INET6, &ss, err, sizeof err), -1);
	assert_int_equal(addr_parse_numeric("fe80::1%0", 1, AF_INET6, &ss, err, sizeof err), -1);
	/* A scope number is digits only, as strtoul alone would not insist. */
	assert_int_equal(addr_parse_numeric("fe80::1%+5", 1, AF_INET6, &ss, err, sizeof err), -1);
	assert_int_equal(addr_parse_numeric("fe80::1% 5", 1, AF_INET6, &ss, err, sizeof err), -1);
	assert_int_equal(addr_parse_numeric("fe80::1%5", 1, AF_INET6, &ss, err, sizeof err), 0);
	assert_int_equal(
	    addr_parse_numeric("fe80::1%4294967296", 1, AF_INET6, &ss, err, sizeof err), -1);
	/* A host too long to be an address must not be cut into one: here the
	 * first 63 bytes alone would read as ::1 with scope 1. */
	snprintf(host, sizeof host, "::1%%%058d1junk", 0);
	assert_int_equal(addr_parse_numeric(host, 1, AF_INET6, &ss, err, sizeof err), -1);
	memset(host, 0, sizeof host);
	strcpy(host, "::1");
	memset(host + 3, ' ', 150);
	assert_int_equal(addr_parse_numeric(host, 1, AF_UNSPEC, &ss, err, sizeof err), -1);
}

static void test_errno_name(void **state)
{
	(void)state;
	assert_string_equal(addr_errno_name(EADDRINUSE), "EADDRINUSE");
	assert_string_equal(addr_errno_name(ECONNREFUSED), "ECONNREFUSED");
	assert_string_equal(addr_errno_name(EPERM), "EPERM");
	assert_string_equal(addr_errno_name(0), "0");
	assert_string_equal(addr_errno_name(-5), "E?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tuple_ipv4),	       cmocka_unit_test(test_tuple_ipv6),
	    cmocka_unit_test(test_tuple_mapped),       cmocka_unit_test(test_tuple_scope),
	    cmocka_unit_test(test_tuple_small_cap),    cmocka_unit_test(test_unknown_family),
	    cmocka_unit_test(test_hostport),	       cmocka_unit_test(test_parse_port),
	    cmocka_unit_test(test_parse_numeric_good), cmocka_unit_test(test_parse_numeric_bad),
	    cmocka_unit_test(test_errno_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
