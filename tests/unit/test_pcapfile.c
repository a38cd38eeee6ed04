/*
 * test_pcapfile: the pcap file writer (read back field by field here, and
 * by tcpdump in tests/cli/wire.sh), its error reporting, the capture's BPF
 * filter text, and packet events in the two event formats.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include <cmocka.h>

#include "socklab/capture.h"
#include "socklab/event.h"
#include "socklab/packet.h"
#include "socklab/pcapfile.h"
#include "json_check.h"

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void test_write_and_read_back(void **state)
{
	char path[] = "/tmp/socklab-pcapfile-XXXXXX";
	int fd = mkstemp(path);
	struct pcapfile pf;
	struct timespec ts = {1700000000, 123456789};
	uint8_t buf[256];
	FILE *f;
	size_t n;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pcapfile_open(&pf, path, PACKET_LINK_ETHERNET, 64), 0);
	assert_int_equal(pcapfile_write(&pf, &ts, "abcdef", 6, 6), 0);
	/* Longer than the snap length: cut, the real length kept. */
	memset(buf, 'z', 100);
	assert_int_equal(pcapfile_write(&pf, &ts, buf, 100, 1500), 0);
	assert_int_equal(pf.frames, 2);
	assert_int_equal(pcapfile_close(&pf), 0);

	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	unlink(path);
	assert_int_equal(n, 24 + 16 + 6 + 16 + 64);
	assert_int_equal(get32(buf), 0xa1b2c3d4u);
	assert_int_equal(buf[4] | buf[5] << 8, 2);
	assert_int_equal(get32(buf + 16), 64);
	assert_int_equal(get32(buf + 20), 1);
	assert_int_equal(get32(buf + 24), 1700000000u);
	assert_int_equal(get32(buf + 28), 123456);
	assert_int_equal(get32(buf + 32), 6);
	assert_int_equal(get32(buf + 36), 6);
	assert_memory_equal(buf + 40, "abcdef", 6);
	assert_int_equal(get32(buf + 46 + 8), 64);
	assert_int_equal(get32(buf + 46 + 12), 1500);
}

static void test_errors_are_kept(void **state)
{
	struct pcapfile pf;
	struct timespec ts = {0, 0};
	static uint8_t big[65536];

	(void)state;
	/* The header does not fit on a full device: open says so. */
	assert_int_equal(pcapfile_open(&pf, "/dev/full", PACKET_LINK_ETHERNET, 65536), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(pcapfile_open(&pf, "/nonexistent/x.pcap", PACKET_LINK_ETHERNET, 65536),
			 -1);
	assert_int_equal(errno, ENOENT);
	/* A file that fills up later: the error comes out of flush or close. */
	pf = (struct pcapfile){0};
	pf.f = fopen("/dev/full", "wb");
	assert_non_null(pf.f);
	pf.snaplen = sizeof big;
	for (int i = 0; i < 4 && pcapfile_write(&pf, &ts, big, sizeof big, sizeof big) == 0; i++)
		;
	assert_int_equal(pcapfile_close(&pf), ENOSPC);
}

static void test_filter_text(void **state)
{
	uint16_t ports[2] = {9101, 9201};
	char t[2048];

	(void)state;
	capture_filter_text(ports, 0, t, sizeof t);
	assert_string_equal(t, "less 0");
	capture_filter_text(ports, 1, t, sizeof t);
	assert_string_equal(
	    t, "tcp port 9101 or udp port 9101"
	       " or (icmp and icmp[0] = 3 and (icmp[28:2] = 9101 or icmp[30:2] = 9101))"
	       " or (icmp6 and ip6[40] = 1 and (ip6[88:2] = 9101 or ip6[90:2] = 9101))");
	capture_filter_text(ports, 2, t, sizeof t);
	assert_non_null(strstr(t, ")) or tcp port 9201 or udp port 9201"));
}

/* A captured SYN as an EV_PACKET: decoded when formatted. */
static void test_packet_event(void **state)
{
	static const uint8_t syn[] = {0,  0,	0,    0,    0,	  0,	0,  0,	  0,	0,    0,
				      0,  0x08, 0x00, 0x45, 0,	  0,	40, 0,	  0,	0x40, 0,
				      64, 6,	0,    0,    127,  0,	0,  1,	  127,	0,    0,
				      1,  0xe4, 0xaa, 0x23, 0x8d, 0,	0,  0x03, 0xe8, 0,    0,
				      0,  0,	0x50, 0x02, 0xff, 0xd7, 0,  0,	  0,	0};
	struct event ev;
	char out[EVENT_FORMAT_MAX], v[256];
	size_t n;

	(void)state;
	event_init(&ev, EV_PACKET);
	event_set_data(&ev, syn, sizeof syn);
	ev.pkt.link = PACKET_LINK_ETHERNET;
	strcpy(ev.pkt.ifname, "lo");
	ev.pkt.rel.has_seq_base = true;
	ev.pkt.rel.seq_base = 1000;
	ev.pkt.rel.wscale = -1;
	n = event_format_text(&ev, out, sizeof out);
	assert_int_equal(n, strlen(out));
	assert_non_null(strstr(out, " PACKET lo IPv4 TCP 127.0.0.1:58538 > 127.0.0.1:9101 [SYN] "
				    "Seq=0 Win=65495 Len=0"));
	n = event_format_json(&ev, out, sizeof out);
	assert_true(json_valid(out, n));
	assert_true(json_get_str(out, n, "event", v, sizeof v));
	assert_string_equal(v, "packet");
	assert_true(json_get_str(out, n, "ifname", v, sizeof v));
	assert_string_equal(v, "lo");
	assert_true(json_get_raw(out, n, "bytes", v, sizeof v));
	assert_string_equal(v, "54");
	assert_true(json_get_raw(out, n, "packet", v, sizeof v));
	assert_non_null(strstr(v, "\"seq\":0,\"seq_raw\":1000"));

	/* A cut frame still formats, with its note. */
	ev.preview_len = 30;
	event_format_text(&ev, out, sizeof out);
	assert_non_null(strstr(out, "[truncated IPv4 header: 16 of 20 bytes]"));
	n = event_format_json(&ev, out, sizeof out);
	assert_true(json_valid(out, n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_write_and_read_back),
	    cmocka_unit_test(test_errors_are_kept),
	    cmocka_unit_test(test_filter_text),
	    cmocka_unit_test(test_packet_event),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
