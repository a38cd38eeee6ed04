/*
 * test_spec: TRANSPORT:SERVICE:FAMILY:PORT[@HOST], every good form and every
 * bad one with the message a person reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "socklab/spec.h"

static void parse_ok(const char *text, enum transport t, enum service sv, enum family f,
		     uint16_t port, const char *host)
{
	struct spec s;
	char err[256] = "";

	spec_default(&s);
	if (spec_parse(text, &s, err, sizeof err) != 0)
		fail_msg("'%s' rejected: %s", text, err);
	assert_int_equal(s.transport, t);
	assert_int_equal(s.service, sv);
	assert_int_equal(s.family, f);
	assert_int_equal(s.port, port);
	assert_string_equal(s.host, host);
	/* Defaults are kept. */
	assert_int_equal(s.max_line, SPEC_DEFAULT_MAX_LINE);
	assert_int_equal(s.output_cap, SPEC_DEFAULT_OUTPUT_CAP);
	assert_false(s.sequential);
}

static void parse_bad(const char *text, const char *want)
{
	struct spec s;
	char err[256] = "";

	spec_default(&s);
	assert_int_equal(spec_parse(text, &s, err, sizeof err), -1);
	assert_string_equal(err, want);
}

static void test_tutorial_specs(void **state)
{
	(void)state;
	parse_ok("tcp:echo:ipv4:9101", TRANSPORT_TCP, SERVICE_ECHO, FAMILY_IPV4, 9101, "");
	parse_ok("tcp:echo-stdio:ipv4:9101", TRANSPORT_TCP, SERVICE_ECHO_STDIO, FAMILY_IPV4, 9101,
		 "");
	parse_ok("tcp:cmd:ipv4:9102", TRANSPORT_TCP, SERVICE_CMD, FAMILY_IPV4, 9102, "");
	parse_ok("udp:echo:ipv4:9201@0.0.0.0", TRANSPORT_UDP, SERVICE_ECHO, FAMILY_IPV4, 9201,
		 "0.0.0.0");
	parse_ok("tcp:raw:ipv6:9301", TRANSPORT_TCP, SERVICE_RAW, FAMILY_IPV6, 9301, "");
	parse_ok("tcp:hello:dual:9401", TRANSPORT_TCP, SERVICE_HELLO, FAMILY_DUAL, 9401, "");
}

static void test_hosts(void **state)
{
	(void)state;
	/* Hosts may contain colons: everything after the first '@' is the host. */
	parse_ok("tcp:echo:ipv6:0@::1", TRANSPORT_TCP, SERVICE_ECHO, FAMILY_IPV6, 0, "::1");
	parse_ok("tcp:echo:dual:0@::", TRANSPORT_TCP, SERVICE_ECHO, FAMILY_DUAL, 0, "::");
	parse_ok("tcp:echo:ipv6:0@[::1]", TRANSPORT_TCP, SERVICE_ECHO, FAMILY_IPV6, 0, "::1");
	parse_ok("udp:echo:dual2:65535@[::]", TRANSPORT_UDP, SERVICE_ECHO, FAMILY_DUAL2, 65535,
		 "::");
	parse_ok("tcp:raw:ipv6:80@fe80::1%lo", TRANSPORT_TCP, SERVICE_RAW, FAMILY_IPV6, 80,
		 "fe80::1%lo");
	parse_ok("tcp:cmd:ipv6:8080@2001:db8::1:2:3", TRANSPORT_TCP, SERVICE_CMD, FAMILY_IPV6, 8080,
		 "2001:db8::1:2:3");
	parse_ok("tcp:echo:ipv4:1@localhost", TRANSPORT_TCP, SERVICE_ECHO, FAMILY_IPV4, 1,
		 "localhost");
	parse_ok("tcp:echo:ipv4:1@127.0.0.1", TRANSPORT_TCP, SERVICE_ECHO, FAMILY_IPV4, 1,
		 "127.0.0.1");
	/* Each form prints back to text that parses to the same spec. */
	{
		static const char *const forms[] = {
		    "tcp:echo:ipv6:0@::1",
		    "tcp:echo:ipv6:0@[::1]",
		    "udp:echo:dual2:65535@[::]",
		    "tcp:raw:ipv6:80@fe80::1%lo",
		    "tcp:cmd:ipv6:8080@2001:db8::1:2:3",
		    "udp:echo:ipv4:9201@0.0.0.0",
		    "tcp:hello:dual:9401",
		    "tcp:echo:ipv4:1@localhost",
		};

		for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
			struct spec a, b;
			char err[256], text[300];

			spec_default(&a);
			spec_default(&b);
			assert_int_equal(spec_parse(forms[i], &a, err, sizeof err), 0);
			spec_format(&a, text, sizeof text);
			if (spec_parse(text, &b, err, sizeof err) != 0)
				fail_msg("'%s' printed as '%s', which does not parse: %s", forms[i],
					 text, err);
			assert_int_equal(a.transport, b.transport);
			assert_int_equal(a.service, b.service);
			assert_int_equal(a.family, b.family);
			assert_int_equal(a.port, b.port);
			assert_string_equal(spec_host(&a), spec_host(&b));
		}
	}
}

/* Every service over every family and both transports: the allowed ones
 * parse, and each prints back as the same text. */
static void test_every_combination(void **state)
{
	(void)state;
	for (int t = 0; t < TRANSPORT_COUNT; t++)
		for (int sv = 0; sv < SERVICE_COUNT; sv++)
			for (int f = 0; f < FAMILY_COUNT; f++) {
				char text[64], back[64], err[256];
				struct spec s;
				int rc;

				snprintf(text, sizeof text, "%s:%s:%s:%d",
					 transport_name((enum transport)t),
					 service_name((enum service)sv),
					 family_name((enum family)f), 1000 + t * 100 + sv * 10 + f);
				spec_default(&s);
				rc = spec_parse(text, &s, err, sizeof err);
				if (t == TRANSPORT_UDP && sv != SERVICE_ECHO) {
					assert_int_equal(rc, -1);
					continue;
				}
				if (rc != 0)
					fail_msg("'%s' rejected: %s", text, err);
				assert_int_equal(s.transport, t);
				assert_int_equal(s.service, sv);
				assert_int_equal(s.family, f);
				spec_format(&s, back, sizeof back);
				assert_string_equal(back, text);
			}
}

static void test_format(void **state)
{
	struct spec s;
	char err[256], out[300];

	(void)state;
	spec_default(&s);
	assert_int_equal(spec_parse("udp:echo:ipv4:9201@0.0.0.0", &s, err, sizeof err), 0);
	spec_format(&s, out, sizeof out);
	assert_string_equal(out, "udp:echo:ipv4:9201@0.0.0.0");
	/* The default host is left out. */
	assert_int_equal(spec_parse("tcp:raw:ipv6:9301@::1", &s, err, sizeof err), 0);
	spec_format(&s, out, sizeof out);
	assert_string_equal(out, "tcp:raw:ipv6:9301");
	assert_string_equal(spec_host(&s), "::1");
	/* A cut output is still terminated. */
	assert_int_equal(spec_format(&s, out, 5), 4);
	assert_string_equal(out, "tcp:");
}

static void test_defaults(void **state)
{
	struct spec s;

	(void)state;
	spec_default(&s);
	assert_int_equal(s.transport, TRANSPORT_TCP);
	assert_int_equal(s.service, SERVICE_ECHO);
	assert_int_equal(s.family, FAMILY_IPV4);
	assert_int_equal(s.port, 0);
	assert_string_equal(spec_default_host(FAMILY_IPV4), "127.0.0.1");
	assert_string_equal(spec_default_host(FAMILY_IPV6), "::1");
	assert_string_equal(spec_default_host(FAMILY_DUAL), "::");
	assert_string_equal(spec_default_host(FAMILY_DUAL2), "::");
	assert_int_equal(spec_backlog(&s), 4096);
	s.sequential = true;
	assert_int_equal(spec_backlog(&s), 8);
	s.backlog = 3;
	assert_int_equal(spec_backlog(&s), 3);
	assert_true(spec_service_allowed(TRANSPORT_UDP, SERVICE_ECHO));
	assert_false(spec_service_allowed(TRANSPORT_UDP, SERVICE_HELLO));
}

static void test_names(void **state)
{
	enum transport t;
	enum service sv;
	enum family f;

	(void)state;
	assert_int_equal(transport_from_name("udp", &t), 0);
	assert_int_equal(t, TRANSPORT_UDP);
	assert_int_equal(service_from_name("echo-stdio", &sv), 0);
	assert_int_equal(sv, SERVICE_ECHO_STDIO);
	assert_int_equal(family_from_name("dual2", &f), 0);
	assert_int_equal(f, FAMILY_DUAL2);
	assert_int_equal(transport_from_name("TCP", &t), -1);
	assert_int_equal(service_from_name("", &sv), -1);
	assert_int_equal(family_from_name("dual3", &f), -1);
	assert_string_equal(transport_name(TRANSPORT_COUNT), "?");
	assert_string_equal(service_name((enum service)99), "?");
	assert_string_equal(family_name((enum family) - 1), "?");
}

static void test_bad(void **state)
{
	char longhost[400], longspec[400];

	(void)state;
	parse_bad("", "bad spec '' (expected TRANSPORT:SERVICE:FAMILY:PORT[@HOST])");
	parse_bad("tcp:echo:ipv4",
		  "bad spec 'tcp:echo:ipv4' (expected TRANSPORT:SERVICE:FAMILY:PORT[@HOST])");
	parse_bad("tcp:echo:ipv4:1:2",
		  "bad spec 'tcp:echo:ipv4:1:2' (expected TRANSPORT:SERVICE:FAMILY:PORT[@HOST])");
	/* A host with colons needs its '@'. */
	parse_bad("tcp:echo:ipv6:::1",
		  "bad spec 'tcp:echo:ipv6:::1' (expected TRANSPORT:SERVICE:FAMILY:PORT[@HOST])");
	parse_bad("tcp:echo:ipv4:9101@", "empty host after '@' in 'tcp:echo:ipv4:9101@'");
	parse_bad("tcp:echo:ipv6:9101@[]", "empty host after '@' in 'tcp:echo:ipv6:9101@[]'");
	parse_bad("tcp:echo:ipv6:1@[::1", "bad host '[::1' in 'tcp:echo:ipv6:1@[::1'");
	parse_bad("tcp:echo:ipv6:1@::1]", "bad host '::1]' in 'tcp:echo:ipv6:1@::1]'");
	parse_bad("tcp:echo:ipv6:1@[[::1]]", "bad host '[::1]' in 'tcp:echo:ipv6:1@[[::1]]'");
	parse_bad("sctp:echo:ipv4:1", "unknown transport 'sctp' (expected tcp, udp)");
	parse_bad(":echo:ipv4:1", "unknown transport '' (expected tcp, udp)");
	parse_bad("tcp:ping:ipv4:1",
		  "unknown service 'ping' (expected echo, echo-stdio, cmd, raw, hello)");
	parse_bad("udp:cmd:ipv4:1", "service 'cmd' is TCP only (udp has: echo)");
	parse_bad("udp:hello:dual:1", "service 'hello' is TCP only (udp has: echo)");
	parse_bad("udp:raw:ipv4:1", "service 'raw' is TCP only (udp has: echo)");
	parse_bad("udp:echo-stdio:ipv4:1", "service 'echo-stdio' is TCP only (udp has: echo)");
	parse_bad("tcp:echo:ipv5:1", "unknown family 'ipv5' (expected ipv4, ipv6, dual, dual2)");
	parse_bad("tcp:echo:ipv4:65536", "bad port '65536' (expected 0..65535)");
	parse_bad("tcp:echo:ipv4:-1", "bad port '-1' (expected 0..65535)");
	parse_bad("tcp:echo:ipv4:", "bad port '' (expected 0..65535)");
	parse_bad("tcp:echo:ipv4:http", "bad port 'http' (expected 0..65535)");
	parse_bad("tcp:echo:ipv4: 80", "bad port ' 80' (expected 0..65535)");
	memset(longhost, 'h', sizeof longhost);
	snprintf(longspec, sizeof longspec, "tcp:echo:ipv4:1@%.*s", SPEC_HOST_MAX + 10, longhost);
	parse_bad(longspec, "host too long");
	memset(longspec, 'x', sizeof longspec - 1);
	longspec[sizeof longspec - 1] = '\0';
	parse_bad(longspec, "spec too long");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tutorial_specs),
	    cmocka_unit_test(test_hosts),
	    cmocka_unit_test(test_every_combination),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
