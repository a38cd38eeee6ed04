/*
 * test_services: every service in every family, over real sockets on
 * 127.0.0.1 and ::1 with port 0, answering exactly what the tutorial's
 * Python servers answer; and each peer as the server saw it (a dual-stack
 * socket sees an IPv4 client as ::ffff:127.0.0.1, two sockets do not).
 *
 * dual binds :: (its default): one socket that takes IPv4-mapped peers
 * cannot be had on a loopback address alone. dual2 binds ::1, which pairs
 * with 127.0.0.1. Only loopback addresses are ever connected to.
 */
#include "testnet.h"

struct kase {
	enum transport transport;
	enum service service;
	enum family family;
	char name[48];
};

static const char *family_host(enum family f)
{
	return f == FAMILY_DUAL2 ? "@::1" : "";
}

/* The tutorial's client for the service, against fd; checks the reply. */
static void talk(enum service sv, int fd)
{
	char buf[8192];
	size_t n;

	switch (sv) {
	case SERVICE_ECHO:
	case SERVICE_ECHO_STDIO:
		/* client_tcp_ipv4.py */
		tn_send_str(fd, "hola\nmundo\nfin\n");
		shutdown(fd, SHUT_WR);
		tn_recv_all(fd, buf, sizeof buf);
		assert_string_equal(buf, "eco: hola\neco: mundo\neco: fin\n");
		break;
	case SERVICE_CMD: {
		/* client_tcp_cmd.py */
		struct tm tm;
		time_t t, now;

		tn_send_str(fd, "PING\nECHO hola\nTIME\nFOO\n");
		shutdown(fd, SHUT_WR);
		n = tn_recv_all(fd, buf, sizeof buf);
		now = time(NULL);
		assert_int_equal(n, strlen("PONG\nhola\n") + 20 + strlen("ERR\n"));
		assert_memory_equal(buf, "PONG\nhola\n", 10);
		assert_string_equal(buf + 30, "ERR\n");
		/* YYYY-mm-dd HH:MM:SS, local time, now. */
		memset(&tm, 0, sizeof tm);
		assert_non_null(strptime(buf + 10, "%Y-%m-%d %H:%M:%S\n", &tm));
		assert_int_equal(buf[29], '\n');
		tm.tm_isdst = -1;
		t = mktime(&tm);
		assert_true(t <= now && now - t <= 5);
		break;
	}
	case SERVICE_RAW: {
		/* client_tcp_ipv6.py, then every byte value. */
		char all[256 + 10];

		tn_exchange(fd, "hola ipv6\n", "hola ipv6\n");
		memcpy(all, "hola ipv6\n", 10);
		for (int i = 0; i < 256; i++)
			all[10 + i] = (char)i;
		tn_send_all(fd, all + 10, 256);
		shutdown(fd, SHUT_WR);
		n = tn_recv_all(fd, buf, sizeof buf);
		assert_int_equal(n, 256);
		assert_memory_equal(buf, all + 10, 256);
		break;
	}
	case SERVICE_HELLO:
		/* client_dualstack.py: connect and read. */
		tn_recv_all(fd, buf, sizeof buf);
		assert_string_equal(buf, "hola dual\n");
		break;
	default:
		fail();
	}
}

/* The peer (and local address) the server reported for a client whose
 * own address family is cfam, connecting to a server of family f. */
static void check_peer(const struct tn_ev *e, enum family f, int cfam, uint16_t cport)
{
	/* The local address is the one the client reached: a connection's
	 * by getsockname, a datagram's by IP_PKTINFO / IPV6_PKTINFO (the
	 * dual server is bound to ::, and says where each datagram went). */
	char tuple[ADDR_TEXT_MAX], want[ADDR_TEXT_MAX], v4[INET_ADDRSTRLEN];

	assert_true(e->has_peer);
	assert_true(e->has_local);
	addr_tuple((const void *)&e->peer, tuple, sizeof tuple);
	if (cfam == AF_INET6) {
		assert_int_equal(e->peer.ss_family, AF_INET6);
		snprintf(want, sizeof want, "('::1', %u, 0, 0)", cport);
		assert_string_equal(tuple, want);
		assert_string_equal(tn_host(&e->local), "::1");
	} else if (f == FAMILY_DUAL) {
		/* One AF_INET6 socket with V6ONLY=0: the IPv4 client is mapped. */
		assert_int_equal(e->peer.ss_family, AF_INET6);
		snprintf(want, sizeof want, "('::ffff:127.0.0.1', %u, 0, 0)", cport);
		assert_string_equal(tuple, want);
		assert_true(addr_is_mapped((const void *)&e->peer, v4, sizeof v4));
		assert_string_equal(v4, "127.0.0.1");
		assert_string_equal(tn_host(&e->local), "::ffff:127.0.0.1");
	} else {
		/* ipv4, and dual2's own AF_INET socket: a plain IPv4 peer. */
		assert_int_equal(e->peer.ss_family, AF_INET);
		snprintf(want, sizeof want, "('127.0.0.1', %u)", cport);
		assert_string_equal(tuple, want);
		assert_false(addr_is_mapped((const void *)&e->peer, NULL, 0));
		assert_string_equal(tn_host(&e->local), "127.0.0.1");
	}
}

static void check_listen(struct tn *t, struct server *srv, enum family f)
{
	int want_n = f == FAMILY_DUAL2 ? 2 : 1;
	const struct tn_ev *listen;

	assert_int_equal(server_nsockets(srv), want_n);
	tn_wait_count(t, EV_LISTEN, want_n);
	switch (f) {
	case FAMILY_IPV4:
		assert_int_equal(server_local(srv, 0)->ss_family, AF_INET);
		assert_int_equal(server_v6only(srv, 0), -1);
		break;
	case FAMILY_IPV6:
		assert_int_equal(server_local(srv, 0)->ss_family, AF_INET6);
		assert_int_equal(server_v6only(srv, 0), 1);
		break;
	case FAMILY_DUAL:
		assert_int_equal(server_local(srv, 0)->ss_family, AF_INET6);
		assert_int_equal(server_v6only(srv, 0), 0);
		assert_string_equal(tn_host(server_local(srv, 0)), "::");
		listen = tn_find(t, EV_LISTEN);
		assert_true(listen != NULL && listen->v6only == 0);
		break;
	case FAMILY_DUAL2:
		assert_int_equal(server_local(srv, 0)->ss_family, AF_INET6);
		assert_int_equal(server_v6only(srv, 0), 1);
		assert_int_equal(server_local(srv, 1)->ss_family, AF_INET);
		/* Both on the one port the kernel picked for the first. */
		assert_int_equal(addr_port((const void *)server_local(srv, 1)), server_port(srv));
		assert_string_equal(tn_host(server_local(srv, 1)), "127.0.0.1");
		break;
	default:
		fail();
	}
	assert_int_equal(tn_find(t, EV_WARNING), NULL);
}

static void run_case(void **state)
{
	const struct kase *k = *state;
	int fams[2], nfam = 0;
	char text[64];
	struct server *srv;
	struct tn t;
	int fds0;

	if (k->family != FAMILY_IPV4)
		TN_NEED_IPV6();
	if (k->family != FAMILY_IPV6)
		fams[nfam++] = AF_INET;
	if (k->family != FAMILY_IPV4)
		fams[nfam++] = AF_INET6;

	fds0 = tn_fd_count();
	tn_init(&t);
	snprintf(text, sizeof text, "%s:%s:%s:0%s", transport_name(k->transport),
		 service_name(k->service), family_name(k->family), family_host(k->family));
	srv = tn_start(&t, text);
	check_listen(&t, srv, k->family);

	for (int i = 0; i < nfam; i++) {
		const struct tn_ev *e;
		uint16_t cport;
		int fd;

		if (k->transport == TRANSPORT_UDP) {
			char reply[64];
			size_t n;

			fd = tn_udp(fams[i]);
			n = tn_udp_echo(fd, fams[i], server_port(srv), "ping", 4, reply,
					sizeof reply);
			assert_int_equal(n, 4);
			assert_memory_equal(reply, "ping", 4);
			cport = tn_local_port(fd);
			e = tn_wait_peer(&t, EV_DGRAM_IN, cport);
			check_peer(e, k->family, fams[i], cport);
			assert_int_equal(e->bytes, 4);
			e = tn_wait_peer(&t, EV_DGRAM_OUT, cport);
			assert_int_equal(e->bytes, 4);
			close(fd);
			continue;
		}
		fd = tn_connect(fams[i], server_port(srv));
		cport = tn_local_port(fd);
		talk(k->service, fd);
		e = tn_wait_peer(&t, EV_ACCEPT, cport);
		check_peer(e, k->family, fams[i], cport);
		e = tn_wait_peer(&t, EV_CLOSE, cport);
		assert_int_equal(e->reason,
				 k->service == SERVICE_HELLO ? CLOSE_SERVER : CLOSE_PEER_EOF);
		close(fd);
	}

	server_stop(srv);
	assert_int_equal(tn_count(&t, EV_STOP), 1);
	assert_int_equal(tn_count(&t, EV_ERROR), 0);
	assert_int_equal(tn_count(&t, EV_DROPPED), 0);
	tn_free(&t);
	assert_int_equal(tn_fd_count(), fds0);
}

int main(void)
{
	static struct kase cases[(SERVICE_COUNT + 1) * FAMILY_COUNT];
	static struct CMUnitTest tests[(SERVICE_COUNT + 1) * FAMILY_COUNT];
	int n = 0;

	for (int f = 0; f < FAMILY_COUNT; f++)
		for (int sv = 0; sv <= SERVICE_COUNT; sv++) {
			struct kase *k = &cases[n];

			k->transport = sv == SERVICE_COUNT ? TRANSPORT_UDP : TRANSPORT_TCP;
			k->service = sv == SERVICE_COUNT ? SERVICE_ECHO : (enum service)sv;
			k->family = (enum family)f;
			snprintf(k->name, sizeof k->name, "%s:%s:%s", transport_name(k->transport),
				 service_name(k->service), family_name(k->family));
			tests[n] = (struct CMUnitTest){
			    .name = k->name, .test_func = run_case, .initial_state = k};
			n++;
		}
	return _cmocka_run_group_tests("services", tests, (size_t)n, NULL, NULL);
}
