/*
 * fuzz_packet: the frame decoder (packet_decode), relative sequence
 * numbers (packet_flows_track) and both renderings.
 *
 * Input: 1 byte picking the link type (0 null, 1 ethernet, 2 raw, 3 sll,
 * 4 sll2, anything else an unknown type), then the frame, copied to a heap
 * buffer of exactly its size so that ASan sees any read past it. Checks:
 * the record never points past the frame (payload_off <= caplen), lengths
 * agree with each other, a false return always carries a note, the text
 * is one line of printable ASCII shorter than PACKET_FORMAT_MAX, the JSON
 * is one strict JSON object. The frame is then fed to a flows table a
 * second time with its SYN flag flipped, which must give bases for TCP
 * and none for anything else.
 */
#include <string.h>
#include <sys/socket.h>

#include "fuzz_util.h"
#include "json_check.h"
#include "socklab/packet.h"

static struct packet_flows flows;

static const int links[5] = {PACKET_LINK_NULL, PACKET_LINK_ETHERNET, PACKET_LINK_RAW,
			     PACKET_LINK_SLL, PACKET_LINK_SLL2};

static void check_text(const char *s, size_t n)
{
	FUZZ_CHECK(n < PACKET_FORMAT_MAX - 1);
	FUZZ_CHECK(strlen(s) == n);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(s[i] >= 0x20 && s[i] < 0x7f);
}

static void render(const struct packet *p, const struct packet_rel *rel)
{
	char text[PACKET_FORMAT_MAX], json[PACKET_FORMAT_MAX], why[128];
	size_t n;

	n = packet_format_text(p, rel, text, sizeof text);
	check_text(text, n);
	n = packet_format_json(p, rel, json, sizeof json);
	FUZZ_CHECK(n < sizeof json - 1 && strlen(json) == n);
	if (!json_check(json, n, why, sizeof why)) {
		fprintf(stderr, "%s\n%s\n", why, json);
		abort();
	}
	FUZZ_CHECK(json[0] == '{');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct packet p;
	struct packet_rel rel;
	uint8_t *frame;
	size_t n;
	int link;
	bool ok;

	if (size == 0)
		return 0;
	link = data[0] < 5 ? links[data[0]] : data[0];
	n = size - 1;
	frame = malloc(n ? n : 1);
	if (frame == NULL)
		abort();
	memcpy(frame, data + 1, n);
	ok = packet_decode(link, frame, n, n + (data[0] & 0x80 ? 100 : 0), &p);
	FUZZ_CHECK(ok == (p.note[0] == '\0'));
	FUZZ_CHECK(memchr(p.note, '\0', sizeof p.note) != NULL);
	FUZZ_CHECK(p.caplen == n && p.wirelen >= p.caplen);
	FUZZ_CHECK(p.payload_off <= n);
	if (p.has_tcp || p.ip.has_ports || p.has_icmp)
		FUZZ_CHECK(p.ip.family == AF_INET || p.ip.family == AF_INET6);
	if (p.has_payload && p.ip.family)
		FUZZ_CHECK(p.payload_len <= p.ip.len);
	if (p.has_tcp)
		FUZZ_CHECK(p.ip.proto == 6);
	if (p.has_inner)
		FUZZ_CHECK(p.has_icmp && p.inner.family == p.ip.family);
	render(&p, NULL);
	FUZZ_CHECK(packet_flows_track(&flows, &p, &rel) == p.has_tcp);
	render(&p, &rel);
	if (p.has_tcp) {
		p.flags ^= PACKET_TCP_SYN;
		FUZZ_CHECK(packet_flows_track(&flows, &p, &rel));
		FUZZ_CHECK(rel.has_seq_base);
		FUZZ_CHECK(rel.has_ack_base == ((p.flags & PACKET_TCP_ACK) != 0));
		render(&p, &rel);
	}
	free(frame);
	return 0;
}
