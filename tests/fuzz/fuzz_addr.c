/*
 * fuzz_addr: the address parser and formatters.
 *
 * Input: 1 mode byte, then either
 *  - a host text (with 2 port bytes and a family choice before it):
 *    what addr_parse_numeric accepts has the family asked for and the
 *    port given, and its addr_host text (with "%scope") parses back to
 *    the very same address; what it rejects gets a message;
 *  - raw sockaddr bytes (the family forced to AF_INET or AF_INET6 most of
 *    the time): addr_tuple, addr_hostport, addr_host and addr_is_mapped
 *    never write past the cap (exact-size buffers), return the length
 *    written, and print what the bytes hold.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <string.h>

#include "fuzz_util.h"
#include "socklab/addr.h"

static const int families[3] = {AF_INET, AF_INET6, AF_UNSPEC};

static void fuzz_parse(struct fuzz_in *in)
{
	uint16_t port = fuzz_u16(in);
	int family = families[fuzz_u8(in) % 3];
	size_t errcap = fuzz_u8(in) % 128 + 1;
	char *host = fuzz_strndup(in->p, in->n);
	char *err = malloc(errcap);
	struct sockaddr_storage ss, again;
	const struct sockaddr *sa = (const void *)&ss;
	char text[ADDR_TEXT_MAX + 16], err2[256];
	size_t n;

	if (err == NULL)
		abort();
	if (addr_parse_numeric(host, port, family, &ss, err, errcap) < 0) {
		FUZZ_CHECK(memchr(err, '\0', errcap) != NULL);
		goto done;
	}
	FUZZ_CHECK(ss.ss_family == AF_INET || ss.ss_family == AF_INET6);
	FUZZ_CHECK(family == AF_UNSPEC || ss.ss_family == family);
	FUZZ_CHECK(addr_port(sa) == port);
	FUZZ_CHECK(addr_len(sa) > 0);
	/* The text form is what the address is, whatever the input spelt. */
	n = addr_host(sa, text, sizeof text);
	FUZZ_CHECK(n > 0 && n == strlen(text) && strcmp(text, "?") != 0);
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)&ss;

		if (s6->sin6_scope_id != 0)
			snprintf(text + n, sizeof text - n, "%%%u", s6->sin6_scope_id);
		FUZZ_CHECK(s6->sin6_flowinfo == 0);
	}
	if (addr_parse_numeric(text, port, ss.ss_family, &again, err2, sizeof err2) < 0) {
		fprintf(stderr, "'%s' parsed, its text '%s' does not: %s\n", host, text, err2);
		FUZZ_CHECK(!"addr_host text parses back");
	}
	FUZZ_CHECK(memcmp(&ss, &again, addr_len(sa)) == 0);
done:
	free(err);
	free(host);
}

/* out[0..n) is NUL-terminated printable ASCII, shorter than cap. */
static void check_out(const char *out, size_t n, size_t cap)
{
	FUZZ_CHECK(n < cap);
	FUZZ_CHECK(strlen(out) == n);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(out[i] >= 0x20 && out[i] < 0x7f);
}

static void fuzz_format(struct fuzz_in *in, uint8_t mode)
{
	struct sockaddr_storage ss;
	const struct sockaddr *sa = (const void *)&ss;
	size_t cap = mode & 0x40 ? fuzz_u8(in) % (ADDR_TEXT_MAX + 1) + 1 : ADDR_TEXT_MAX;
	char *out = malloc(cap), v4[INET_ADDRSTRLEN], full[ADDR_TEXT_MAX], host[ADDR_TEXT_MAX];
	bool mapped;
	size_t n;

	if (out == NULL)
		abort();
	fuzz_bytes(in, &ss, sizeof ss);
	if ((mode & 3) == 0)
		ss.ss_family = AF_INET;
	else if ((mode & 3) != 3)
		ss.ss_family = AF_INET6;

	n = addr_tuple(sa, out, cap);
	check_out(out, n, cap);
	addr_tuple(sa, full, sizeof full);
	FUZZ_CHECK(strncmp(out, full, n) == 0);
	n = addr_hostport(sa, out, cap);
	check_out(out, n, cap);
	n = addr_host(sa, out, cap);
	check_out(out, n, cap);
	addr_host(sa, host, sizeof host);

	if (sa->sa_family == AF_INET || sa->sa_family == AF_INET6) {
		char want[ADDR_TEXT_MAX];
		unsigned char bin[16];

		/* The host text is the bytes of the address, nothing else. */
		FUZZ_CHECK(inet_pton(sa->sa_family, host, bin) == 1);
		FUZZ_CHECK(
		    memcmp(bin,
			   sa->sa_family == AF_INET
			       ? (const void *)&((const struct sockaddr_in *)(const void *)sa)
				     ->sin_addr
			       : (const void *)&((const struct sockaddr_in6 *)(const void *)sa)
				     ->sin6_addr,
			   sa->sa_family == AF_INET ? 4 : 16) == 0);
		if (sa->sa_family == AF_INET) {
			snprintf(want, sizeof want, "%s:%u", host, addr_port(sa));
		} else {
			/* A scoped address keeps its zone: its interface's name,
			 * or the index when it has none. */
			uint32_t scope =
			    ((const struct sockaddr_in6 *)(const void *)sa)->sin6_scope_id;
			char ifname[IF_NAMESIZE], zone[IF_NAMESIZE + 12] = "";

			if (scope != 0 && if_indextoname(scope, ifname) != NULL)
				snprintf(zone, sizeof zone, "%%%s", ifname);
			else if (scope != 0)
				snprintf(zone, sizeof zone, "%%%u", scope);
			snprintf(want, sizeof want, "[%s%s]:%u", host, zone, addr_port(sa));
		}
		addr_hostport(sa, full, sizeof full);
		FUZZ_CHECK(strcmp(full, want) == 0);
		snprintf(want, sizeof want, "('%s', %u", host, addr_port(sa));
		addr_tuple(sa, full, sizeof full);
		FUZZ_CHECK(strncmp(full, want, strlen(want)) == 0);
	} else {
		FUZZ_CHECK(addr_len(sa) == 0 && addr_port(sa) == 0);
	}

	mapped = addr_is_mapped(sa, (mode & 0x80) ? NULL : v4, sizeof v4);
	if (sa->sa_family == AF_INET6) {
		const uint8_t *b =
		    ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
		static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

		FUZZ_CHECK(mapped == (memcmp(b, prefix, 12) == 0));
		if (mapped && !(mode & 0x80)) {
			unsigned char bin[4];

			FUZZ_CHECK(inet_pton(AF_INET, v4, bin) == 1 && memcmp(bin, b + 12, 4) == 0);
		}
	} else {
		FUZZ_CHECK(!mapped);
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	uint8_t mode = fuzz_u8(&in);

	if (mode & 0x20)
		fuzz_parse(&in);
	else
		fuzz_format(&in, mode);
	return 0;
}
