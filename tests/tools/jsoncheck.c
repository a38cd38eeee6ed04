/*
 * jsoncheck: the shell tests' JSON checker, on the tests' one strict
 * reader (tests/lib/json_check.h).
 *
 *   jsoncheck lines FILE              every line one valid JSON value
 *   jsoncheck events FILE [--now S]   every line an event of the
 *                                     `serve --json` contract (doc/socklab.1),
 *                                     packet events of --wire included
 *
 * Prints one line per problem and exits 1 if there was any (2: usage).
 * --now EPOCH: every event's time must be within two minutes of it (UTC).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json_check.h"

#define LINE_MAX_BYTES (1 << 20)

static int problems;

static void problem(long n, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(long n, const char *kind, const char *fmt, ...)
{
	va_list ap;

	printf("line %ld (%s): ", n, kind);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	problems++;
}

static bool has(const char *o, size_t n, const char *key)
{
	return json_member(o, n, key) != JSON_NONE;
}

static bool is_hex(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return i % 2 == 0;
}

static void check_addr(long ln, const char *kind, const char *key, const char *v, size_t vn)
{
	char addr[128], mapped[64], want[INET_ADDRSTRLEN];
	long long port;
	unsigned char bin[16];
	bool six;

	if (json_type(v, vn) != JSON_OBJECT) {
		problem(ln, kind, "%s: not an object", key);
		return;
	}
	if (!json_get_str(v, vn, "addr", addr, sizeof addr) ||
	    !json_get_int(v, vn, "port", &port)) {
		problem(ln, kind, "%s: needs addr (string) and port (integer)", key);
		return;
	}
	six = inet_pton(AF_INET6, addr, bin) == 1;
	if (!six && inet_pton(AF_INET, addr, bin) != 1) {
		problem(ln, kind, "addr '%s' is not an IP address", addr);
		return;
	}
	if (port < 0 || port > 65535)
		problem(ln, kind, "%s: port out of range", key);
	if (!six) {
		if (has(v, vn, "flowinfo") || has(v, vn, "scope_id") || has(v, vn, "mapped_ipv4"))
			problem(ln, kind, "%s: IPv4 address with an IPv6 field", key);
		return;
	}
	if (json_member(v, vn, "flowinfo") != JSON_INTEGER ||
	    json_member(v, vn, "scope_id") != JSON_INTEGER)
		problem(ln, kind, "%s: IPv6 address without integer flowinfo and scope_id", key);
	if (memcmp(bin, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
		inet_ntop(AF_INET, bin + 12, want, sizeof want);
		if (!json_get_str(v, vn, "mapped_ipv4", mapped, sizeof mapped) ||
		    strcmp(mapped, want) != 0)
			problem(ln, kind, "mapped peer needs mapped_ipv4=%s", want);
	} else if (has(v, vn, "mapped_ipv4")) {
		problem(ln, kind, "%s: mapped_ipv4 on an unmapped address", key);
	}
}

/* An IP header of a packet event: family, src and dst of that family,
 * a proto, ports in range. */
static void check_ip(long ln, const char *kind, const char *where, const char *p, size_t n)
{
	static const char *const ends[] = {"src", "dst"};
	char fam[16], a[128];
	unsigned char bin[16];
	long long port;

	if (!json_get_str(p, n, "family", fam, sizeof fam) ||
	    (strcmp(fam, "ipv4") != 0 && strcmp(fam, "ipv6") != 0)) {
		problem(ln, kind, "%s: family missing or not ipv4/ipv6", where);
		return;
	}
	for (int i = 0; i < 2; i++) {
		int af = strcmp(fam, "ipv4") == 0 ? AF_INET : AF_INET6;

		if (!json_get_str(p, n, ends[i], a, sizeof a) || inet_pton(af, a, bin) != 1)
			problem(ln, kind, "%s: %s is not an %s address", where, ends[i], fam);
	}
	if (json_member(p, n, "proto") != JSON_STRING && json_member(p, n, "proto") != JSON_INTEGER)
		problem(ln, kind, "%s: no proto", where);
	for (int i = 0; i < 2; i++) {
		const char *k = i ? "dport" : "sport";

		if (json_member(p, n, k) != JSON_NONE &&
		    (!json_get_int(p, n, k, &port) || port < 0 || port > 65535))
			problem(ln, kind, "%s: %s out of range", where, k);
	}
}

static bool flag_known(const char *f, size_t n)
{
	static const char *const flags[] = {"SYN", "FIN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};

	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		if (strlen(flags[i]) == n && memcmp(flags[i], f, n) == 0)
			return true;
	return false;
}

/* A packet event (serve --wire): the frame decoded into "packet". */
static void check_packet(long ln, const char *kind, const char *o, size_t n)
{
	const char *p, *v;
	size_t pn, vn;
	long long wirelen, bytes, x;

	if (!json_get(o, n, "packet", &p, &pn) || json_type(p, pn) != JSON_OBJECT) {
		problem(ln, kind, "no packet object");
		return;
	}
	if (json_member(o, n, "ifname") != JSON_STRING)
		problem(ln, kind, "no ifname");
	for (int i = 0; i < 3; i++) {
		static const char *const k[] = {"caplen", "wirelen", "ethertype"};

		if (json_member(p, pn, k[i]) != JSON_INTEGER)
			problem(ln, kind, "packet.%s missing", k[i]);
	}
	if (!json_get_int(p, pn, "wirelen", &wirelen) || !json_get_int(o, n, "bytes", &bytes) ||
	    wirelen != bytes)
		problem(ln, kind, "bytes is not the frame's length on the wire");
	if (json_member(p, pn, "link") != JSON_STRING)
		problem(ln, kind, "packet.link missing");
	if (json_member(p, pn, "family") != JSON_NONE)
		check_ip(ln, kind, "packet", p, pn);
	if (json_get(p, pn, "flags", &v, &vn)) {
		bool ack = false;

		/* An array of known flag names, ACK exactly when "ack" is there. */
		if (json_type(v, vn) != JSON_ARRAY) {
			problem(ln, kind, "bad TCP flags");
		} else {
			for (size_t i = 1; i + 1 < vn;) {
				size_t j;

				while (i < vn - 1 && (v[i] == ',' || v[i] == ' '))
					i++;
				if (i >= vn - 1)
					break;
				if (v[i] != '"') {
					problem(ln, kind, "bad TCP flags");
					break;
				}
				for (j = i + 1; j < vn - 1 && v[j] != '"'; j++)
					;
				if (!flag_known(v + i + 1, j - i - 1))
					problem(ln, kind, "unknown TCP flag %.*s", (int)(j - i - 1),
						v + i + 1);
				ack |= j - i - 1 == 3 && memcmp(v + i + 1, "ACK", 3) == 0;
				i = j + 1;
			}
		}
		for (int i = 0; i < 4; i++) {
			static const char *const k[] = {"seq", "seq_raw", "win", "len"};

			if (!json_get_int(p, pn, k[i], &x) || x < 0)
				problem(ln, kind, "TCP without %s", k[i]);
		}
		if (ack != (json_member(p, pn, "ack") != JSON_NONE))
			problem(ln, kind, "ack present without the ACK flag or missing with it");
	}
	if (json_get(p, pn, "inner", &v, &vn))
		check_ip(ln, kind, "packet.inner", v, vn);
	if (json_get(p, pn, "note", &v, &vn) && (json_type(v, vn) != JSON_STRING || vn <= 2))
		problem(ln, kind, "empty note");
}

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(s, *set) == 0)
			return true;
	return false;
}

static void check_time(long ln, const char *kind, const char *t, long long now)
{
	struct tm tm;
	const char *end;
	int ms;

	memset(&tm, 0, sizeof tm);
	end = strptime(t, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL || strlen(t) != 24 || end != t + 19 || end[0] != '.' ||
	    sscanf(end + 1, "%3d", &ms) != 1 || end[4] != 'Z') {
		problem(ln, kind, "time '%s' is not UTC ISO 8601 with ms", t);
		return;
	}
	if (now >= 0 && llabs((long long)timegm(&tm) - now) > 120)
		problem(ln, kind, "time %s is not UTC now", t);
}

static void check_event(long ln, const char *o, size_t n, long long now)
{
	static const char *const conn[] = {"accept", "recv", "readline", "send", "close", NULL};
	static const char *const dgram[] = {"dgram-in", "dgram-out", NULL};
	static const char *const data[] = {"recv",     "readline",  "send",
					   "dgram-in", "dgram-out", NULL};
	char kind[32] = "?", t[64], s[64], hex[2 * 4096 + 1];
	const char *v;
	size_t vn;
	bool six = false;

	if (json_type(o, n) != JSON_OBJECT) {
		problem(ln, kind, "not an object");
		return;
	}
	if (!json_get_str(o, n, "event", kind, sizeof kind))
		problem(ln, kind, "field %s missing or not a string", "event");
	if (!json_get_str(o, n, "time", t, sizeof t))
		problem(ln, kind, "field %s missing or not a string", "time");
	else
		check_time(ln, kind, t, now);
	if (json_member(o, n, "server") != JSON_INTEGER)
		problem(ln, kind, "field %s missing or not an integer", "server");
	if (json_member(o, n, "bytes") != JSON_INTEGER)
		problem(ln, kind, "field %s missing or not an integer", "bytes");
	if (strcmp(kind, "packet") == 0) {
		check_packet(ln, kind, o, n);
		return;
	}
	if (strcmp(kind, "dropped") != 0) {
		static const char *const f[] = {"transport", "service", "family"};

		for (int i = 0; i < 3; i++)
			if (!json_get_str(o, n, f[i], s, sizeof s))
				problem(ln, kind, "field %s missing", f[i]);
	}
	if (strcmp(kind, "listen") == 0 && !has(o, n, "local"))
		problem(ln, kind, "listen without local");
	if (one_of(kind, conn) || one_of(kind, dgram)) {
		if (!has(o, n, "local"))
			problem(ln, kind, "no %s", "local");
		if (!has(o, n, "peer"))
			problem(ln, kind, "no %s", "peer");
	}
	if (json_get(o, n, "local", &v, &vn)) {
		char a[128];

		check_addr(ln, kind, "local", v, vn);
		six = json_type(v, vn) == JSON_OBJECT && json_get_str(v, vn, "addr", a, sizeof a) &&
		      strchr(a, ':') != NULL;
	}
	if (json_get(o, n, "peer", &v, &vn))
		check_addr(ln, kind, "peer", v, vn);
	if (one_of(kind, data) && json_member(o, n, "data") != JSON_STRING)
		problem(ln, kind, "no data string");
	/* Lossless bytes: where there is data, hex holds them. */
	if (has(o, n, "data") && (!json_get_str(o, n, "hex", hex, sizeof hex) || !is_hex(hex)))
		problem(ln, kind, "data without a lowercase %s field of whole bytes", "hex");
	if (strcmp(kind, "listen") == 0 && six && json_member(o, n, "v6only") != JSON_BOOL)
		problem(ln, kind, "IPv6 listen without boolean v6only");
	if (strcmp(kind, "listen") == 0 && !six && has(o, n, "v6only"))
		problem(ln, kind, "IPv4 listen with v6only");
	if (strcmp(kind, "warning") == 0 || strcmp(kind, "error") == 0) {
		if (!json_get(o, n, "message", &v, &vn) || json_type(v, vn) != JSON_STRING ||
		    vn <= 2)
			problem(ln, kind, "no message");
		if (json_member(o, n, "errno") != JSON_INTEGER)
			problem(ln, kind, "no integer %s", "errno");
	}
}

int main(int argc, char **argv)
{
	long long now = -1;
	bool events;
	char *line;
	FILE *f;
	long ln = 0;

	if (argc < 3 || (strcmp(argv[1], "lines") != 0 && strcmp(argv[1], "events") != 0)) {
		fputs("usage: jsoncheck lines|events FILE [--now EPOCH]\n", stderr);
		return 2;
	}
	events = strcmp(argv[1], "events") == 0;
	if (argc == 5 && strcmp(argv[3], "--now") == 0)
		now = atoll(argv[4]);
	f = fopen(argv[2], "rb");
	line = malloc(LINE_MAX_BYTES);
	if (f == NULL || line == NULL) {
		perror(argv[2]);
		return 2;
	}
	while (fgets(line, LINE_MAX_BYTES, f) != NULL) {
		size_t n = strlen(line);
		char why[128];

		ln++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(f))
			problem(ln, "?", "longer than %s bytes", "1 MiB");
		if (!json_check(line, n, why, sizeof why)) {
			problem(ln, "?", "not JSON: %s", why);
			continue;
		}
		if (events)
			check_event(ln, line, n, now);
	}
	fclose(f);
	free(line);
	return problems ? 1 : 0;
}
