/*
 * sandbox: the two-host private network (see include/socklab/sandbox.h).
 *
 * The making, in order (each a named step, so a failure says where):
 *   user namespace   unshare(CLONE_NEWUSER), then setgroups/uid_map/gid_map
 *                    mapping the caller to itself (skipped as root)
 *   host a           unshare(CLONE_NEWNET): the process's own namespace
 *   host b           a child (the holder) unshares a second one and waits
 *                    on a pipe; its end is EOF when the creator goes
 *   netlink          one rtnetlink socket per host (libmnl)
 *   loopback         lo up on both
 *   veth pair        eth0 on a, its peer made directly on b as eth0
 *   link-local mode  no kernel-made fe80:: address (addr_gen_mode none), so
 *                    each host gets a fixed one, easy to type in class
 *   link up          eth0 up on both (veth has carrier once both ends are)
 *   addresses        IPv4 /24, IPv6 /64 and fe80::/64, IFA_F_NODAD so that
 *                    they are usable at once, without duplicate detection
 *   ready            a bounded wait until no IPv6 address is tentative
 * The connected routes come with the addresses' prefixes.
 *
 * State: one sandbox per process (a process is on one host a), kept in
 * `current`: the info, the namespace descriptors and the holder's pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/capability.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "socklab/sandbox.h"
#include "socklab/msg.h"
#include "socklab/server.h"
#include "socklab/util.h"

#define READY_TIMEOUT_MS 3000
#define HOLDER_EXIT_MS 2000
#define NL_BUF 8192 /* a netlink message or a dump's part */

static const struct sandbox_host_info host_plan[SANDBOX_HOSTS] = {
    {'a', "eth0", 0, "198.51.100.1", 24, "2001:db8::a", 64, "fe80::a"},
    {'b', "eth0", 0, "198.51.100.2", 24, "2001:db8::b", 64, "fe80::b"},
};

static struct {
	bool active;
	struct sandbox_info info;
	int netns[SANDBOX_HOSTS]; /* descriptors of the two network namespaces */
	int holder_pipe;	  /* write end: the holder exits on its EOF */
} current = {.netns = {-1, -1}, .holder_pipe = -1};

/* The making's working state. */
struct build {
	const struct sandbox_options *opt;
	char *err;
	size_t cap;
	struct mnl_socket *nl[SANDBOX_HOSTS];
	unsigned seq;
};

static int fail(struct build *b, const char *step, int e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* "STEP: DETAIL: strerror(e)" into the caller's buffer; returns -1. */
static int fail(struct build *b, const char *step, int e, const char *fmt, ...)
{
	char detail[160] = "";
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(detail, sizeof detail, msg_tr(fmt), ap);
		va_end(ap);
	}
	/* step and fmt are marked N_() where fail() is called. */
	snprintf(b->err, b->cap, "%s%s%s: %s", msg_tr(step), detail[0] ? " " : "", detail,
		 e == ECANCELED && b->opt->fault_step != NULL
		     ? msg_tr("fault injected by SOCKLAB_FAULT_SANDBOX")
		     : strerror(e));
	return -1;
}

/* True when the test-only seam asks this step to fail: "STEP" (its first
 * time), or "STEP@a" / "STEP@b" (on that host). */
static bool fault_on(const struct build *b, const char *step, int host)
{
	const char *f = b->opt->fault_step;
	size_t n = strlen(step);

	if (f == NULL || strncmp(f, step, n) != 0)
		return false;
	if (f[n] != '\0' &&
	    !(host >= 0 && f[n] == '@' && f[n + 1] == "ab"[host] && f[n + 2] == '\0'))
		return false;
	errno = ECANCELED;
	return true;
}

static bool fault(const struct build *b, const char *step)
{
	return fault_on(b, step, -1);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n, len = (ssize_t)strlen(text);
	int e;

	if (fd < 0)
		return -1;
	n = write(fd, text, (size_t)len);
	e = errno;
	close(fd);
	if (n != len) {
		errno = n < 0 ? e : EIO;
		return -1;
	}
	return 0;
}

static long read_long(const char *path, bool *found)
{
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*found = false;
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	*found = true;
	return strtol(buf, NULL, 10);
}

/* The first setting under dir that forbids unprivileged user (or network)
 * namespaces; false when none does. */
static bool find_blocker(const char *dir, struct sandbox_blocker *bl)
{
	static const struct {
		const char *name, *file;
		long blocks; /* the value that blocks; -1: "0 blocks, allow 1+" */
		long allow;
	} rows[] = {
	    {"kernel.apparmor_restrict_unprivileged_userns",
	     "kernel/apparmor_restrict_unprivileged_userns", 1, 0},
	    {"kernel.unprivileged_userns_clone", "kernel/unprivileged_userns_clone", 0, 1},
	    {"user.max_user_namespaces", "user/max_user_namespaces", 0, 10000},
	    {"user.max_net_namespaces", "user/max_net_namespaces", 0, 10000},
	};

	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		char path[256];
		bool found;
		long v;

		snprintf(path, sizeof path, "%s/%s", dir, rows[i].file);
		v = read_long(path, &found);
		if (!found || v != rows[i].blocks)
			continue;
		snprintf(bl->name, sizeof bl->name, "%s", rows[i].name);
		snprintf(bl->path, sizeof bl->path, "%s", path);
		bl->value = v;
		bl->allow = rows[i].allow;
		return true;
	}
	return false;
}

/* ---- rtnetlink through libmnl ---- */

/* Sends the request nlh on host's socket and runs cb (NULL: none) over
 * the replies until the kernel's acknowledgement or the dump's end. */
static int nl_exchange(struct build *b, int host, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[NL_BUF];
	struct mnl_socket *nl = b->nl[host];
	unsigned portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int rc;

	nlh->nlmsg_seq = ++b->seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof buf);
		if (n < 0)
			return -1;
		rc = mnl_cb_run(buf, (size_t)n, b->seq, portid, cb, data);
	} while (rc == MNL_CB_OK);
	return rc == MNL_CB_ERROR ? -1 : 0;
}

/* Sends the request on host's socket and waits for its acknowledgement. */
static int nl_talk(struct build *b, int host, struct nlmsghdr *nlh)
{
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	return nl_exchange(b, host, nlh, NULL, NULL);
}

static struct nlmsghdr *link_msg(char *buf, uint16_t type, uint16_t flags, unsigned ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	return nlh;
}

static int link_up(struct build *b, int host, unsigned ifindex)
{
	char buf[NL_BUF] = {0}; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, ifindex);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	return nl_talk(b, host, nlh);
}

/* eth0 on host a, its peer eth0 made directly on host b. */
static int make_veth(struct build *b)
{
	char buf[NL_BUF] = {0}; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct nlattr *info, *data, *peer;
	struct ifinfomsg *pifm;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, host_plan[SANDBOX_A].ifname);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow an ifinfomsg of their own. */
	pifm = mnl_nlmsg_get_payload_tail(nlh);
	memset(pifm, 0, sizeof *pifm);
	pifm->ifi_family = AF_UNSPEC;
	nlh->nlmsg_len += MNL_ALIGN(sizeof *pifm);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, host_plan[SANDBOX_B].ifname);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)current.netns[SANDBOX_B]);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nl_talk(b, SANDBOX_A, nlh);
}

/* No link-local address made by the kernel: each host gets a fixed one. */
static int no_auto_link_local(struct build *b, int host, unsigned ifindex)
{
	char buf[NL_BUF] = {0}; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, ifindex);
	struct nlattr *spec, *inet6;

	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	inet6 = mnl_attr_nest_start(nlh, AF_INET6);
	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, inet6);
	mnl_attr_nest_end(nlh, spec);
	return nl_talk(b, host, nlh);
}

static int add_addr(struct build *b, int host, unsigned ifindex, int family, const char *text,
		    unsigned prefix)
{
	char buf[NL_BUF] = {0}; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	unsigned char addr[sizeof(struct in6_addr)];
	size_t len = family == AF_INET ? sizeof(struct in_addr) : sizeof(struct in6_addr);

	if (inet_pton(family, text, addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
	ifa->ifa_family = (unsigned char)family;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_index = ifindex;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	if (family == AF_INET6 && addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80)
		ifa->ifa_scope = RT_SCOPE_LINK;
	mnl_attr_put(nlh, IFA_LOCAL, len, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, len, addr);
	if (family == AF_INET6)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return nl_talk(b, host, nlh);
}

struct addr_count {
	unsigned ifindex;
	int total, tentative;
};

static int count_addr(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_count *c = data;
	const struct nlattr *attr;
	uint32_t flags = ifa->ifa_flags;

	if (ifa->ifa_index != c->ifindex)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof *ifa)
	{
		if (mnl_attr_get_type(attr) == IFA_FLAGS &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			flags = mnl_attr_get_u32(attr);
	}
	c->total++;
	if (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))
		c->tentative++;
	return MNL_CB_OK;
}

/* The IPv6 addresses of ifindex on host: how many, how many not usable. */
static int count_v6(struct build *b, int host, unsigned ifindex, struct addr_count *c)
{
	char buf[NL_BUF] = {0}; /* no uninitialised padding on the wire */
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof *g);
	g->rtgen_family = AF_INET6;
	*c = (struct addr_count){.ifindex = ifindex};
	return nl_exchange(b, host, nlh, count_addr, c);
}

static long now_ms(void)
{
	return (long)util_mono_ms();
}

/* Waits (bounded) until both hosts' two IPv6 addresses are usable. */
static int wait_ready(struct build *b)
{
	long deadline = now_ms() + READY_TIMEOUT_MS;

	for (int h = 0; h < SANDBOX_HOSTS; h++) {
		struct addr_count c;

		for (;;) {
			if (count_v6(b, h, current.info.host[h].ifindex, &c) < 0)
				return fail(b, N_("ready:"), errno,
					    N_("reading the addresses of host %c"),
					    host_plan[h].name);
			if (c.total >= 2 && c.tentative == 0)
				break;
			if (now_ms() >= deadline)
				return fail(
				    b, "ready:", ETIMEDOUT,
				    N_("host %c's IPv6 addresses still tentative after %d ms"),
				    host_plan[h].name, READY_TIMEOUT_MS);
			poll(NULL, 0, 5); /* the kernel's DAD work runs shortly */
		}
	}
	return 0;
}

/* lo up, the link-local mode and the ifindex of eth0, on one host. The
 * calling thread must be on that host (for if_nametoindex). */
static int host_prepare(struct build *b, int h)
{
	struct sandbox_host_info *hi = &current.info.host[h];

	if (fault_on(b, "loopback", h) || link_up(b, h, 1) < 0)
		return fail(b, N_("loopback:"), errno, N_("lo up on host %c"), hi->name);
	hi->ifindex = if_nametoindex(hi->ifname);
	if (hi->ifindex == 0)
		return fail(b, N_("veth pair:"), errno, N_("finding %s on host %c"), hi->ifname,
			    hi->name);
	if (fault_on(b, "link-local mode", h) || no_auto_link_local(b, h, hi->ifindex) < 0)
		return fail(b, N_("link-local mode:"), errno,
			    N_("addr_gen_mode none on %s of host %c"), hi->ifname, hi->name);
	return 0;
}

static int host_addresses(struct build *b, int h)
{
	const struct sandbox_host_info *hi = &current.info.host[h];
	const struct {
		int family;
		const char *text;
		unsigned prefix;
	} addrs[] = {
	    {AF_INET, hi->ipv4, hi->ipv4_prefix},
	    {AF_INET6, hi->ipv6, hi->ipv6_prefix},
	    {AF_INET6, hi->link_local, 64},
	};

	for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
		if (fault_on(b, "address", h) || add_addr(b, h, hi->ifindex, addrs[i].family,
							  addrs[i].text, addrs[i].prefix) < 0)
			return fail(b, N_("address:"), errno, N_("%s/%u on %s of host %c"),
				    addrs[i].text, addrs[i].prefix, hi->ifname, hi->name);
	}
	return 0;
}

/* ---- namespaces ---- */

/* The holder of host b: a child in its own network namespace that reports
 * how unshare went on `report`, then waits for EOF on `ctl`. */
static void holder_main(int report, int ctl, pid_t parent)
{
	int e = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	prctl(PR_SET_NAME, SANDBOX_HOLDER_COMM);
	/* Out of the terminal's process group: Ctrl+C there is the lab's. */
	setsid();
	if (unshare(CLONE_NEWNET) < 0)
		e = errno;
	if (write(report, &e, sizeof e) != (ssize_t)sizeof e || e != 0)
		_exit(1);
	/* Only the control pipe stays open, as fd 0. */
	if (dup2(ctl, 0) < 0)
		_exit(1);
	syscall(SYS_close_range, 1U, ~0U, 0U);
	for (;;) {
		char c;
		ssize_t n = read(0, &c, 1);

		if (n == 0 || (n < 0 && errno != EINTR))
			_exit(0);
	}
}

/* Reaps the holder, SIGKILL after a bounded wait. */
static void holder_reap(pid_t pid)
{
	long deadline = now_ms() + HOLDER_EXIT_MS;

	while (waitpid(pid, NULL, WNOHANG) == 0) {
		if (now_ms() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return;
		}
		poll(NULL, 0, 2);
	}
}

static int start_holder(struct build *b)
{
	int report[2], ctl[2], e = 0;
	pid_t parent = getpid(), pid;
	char path[64];
	ssize_t n;

	if (fault(b, "host b"))
		return fail(b, N_("host b:"), errno, N_("its network namespace"));
	if (pipe2(report, O_CLOEXEC) < 0)
		return fail(b, N_("host b:"), errno, N_("a pipe"));
	if (pipe2(ctl, O_CLOEXEC) < 0) {
		e = errno;
		close(report[0]);
		close(report[1]);
		return fail(b, N_("host b:"), e, N_("a pipe"));
	}
	pid = fork();
	if (pid == 0) {
		close(report[0]);
		close(ctl[1]);
		holder_main(report[1], ctl[0], parent);
	}
	e = errno;
	close(report[1]);
	close(ctl[0]);
	if (pid < 0) {
		close(report[0]);
		close(ctl[1]);
		return fail(b, N_("host b:"), e, N_("fork"));
	}
	current.info.holder = pid;
	current.holder_pipe = ctl[1];
	do
		n = read(report[0], &e, sizeof e);
	while (n < 0 && errno == EINTR);
	close(report[0]);
	if (n != (ssize_t)sizeof e)
		return fail(b, N_("host b:"), ECHILD, N_("its holder process ended"));
	if (e != 0)
		return fail(b, N_("host b:"), e, N_("unshare(CLONE_NEWNET)"));
	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
	current.netns[SANDBOX_B] = open(path, O_RDONLY | O_CLOEXEC);
	if (current.netns[SANDBOX_B] < 0)
		return fail(b, N_("host b:"), errno, N_("opening %s"), path);
	return 0;
}

/* The user namespace and host a. Sets *refused when the system forbids it. */
static int enter_namespaces(struct build *b, struct sandbox_blocker *bl, bool *refused)
{
	const char *sysctl_dir = b->opt->fault_refuse_sysctl_dir;
	bool as_root = geteuid() == 0 && sysctl_dir == NULL;
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	*refused = false;
	/* As root, no user namespace is needed; where root may not (a
	 * container), try as anyone would. */
	if (as_root && unshare(CLONE_NEWNET) == 0) {
		current.info.user_ns = false;
		return 0;
	}
	current.info.user_ns = true;
	if (sysctl_dir != NULL) {
		errno = EPERM;
	} else if (unshare(CLONE_NEWUSER) == 0) {
		snprintf(map, sizeof map, "%u %u 1", (unsigned)uid, (unsigned)uid);
		if (write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
			goto refused;
		if (write_file("/proc/self/uid_map", map) < 0)
			goto refused;
		snprintf(map, sizeof map, "%u %u 1", (unsigned)gid, (unsigned)gid);
		if (write_file("/proc/self/gid_map", map) < 0)
			goto refused;
		if (unshare(CLONE_NEWNET) == 0)
			return 0;
	}
refused : {
	int e = errno;

	/* AppArmor lets unshare succeed and refuses what follows. */
	*refused = find_blocker(sysctl_dir ? sysctl_dir : "/proc/sys", bl);
	if (!*refused && (e == EPERM || e == EACCES || e == ENOSPC || e == EUSERS))
		*refused = true; /* refused, by no setting we know */
	return fail(b, N_("user namespace:"), e, N_("unshare(CLONE_NEWUSER) and its uid/gid maps"));
}
}

static void undo(struct build *b)
{
	for (int h = 0; h < SANDBOX_HOSTS; h++) {
		if (b->nl[h] != NULL)
			mnl_socket_close(b->nl[h]);
		b->nl[h] = NULL;
	}
	if (current.holder_pipe >= 0)
		close(current.holder_pipe);
	current.holder_pipe = -1;
	if (current.info.holder > 0)
		holder_reap(current.info.holder);
	current.info.holder = 0;
	for (int h = 0; h < SANDBOX_HOSTS; h++) {
		if (current.netns[h] >= 0)
			close(current.netns[h]);
		current.netns[h] = -1;
	}
}

static struct mnl_socket *nl_open(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);

	if (nl != NULL && mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		mnl_socket_close(nl);
		errno = e;
		return NULL;
	}
	return nl;
}

/* The calling thread onto host h; -1 with errno. */
static int enter_host(int h)
{
	return setns(current.netns[h], CLONE_NEWNET);
}

/* Everything after the namespaces exist. */
static int build_network(struct build *b)
{
	if (fault(b, "netlink") || (b->nl[SANDBOX_A] = nl_open()) == NULL)
		return fail(b, N_("netlink:"), errno, N_("an rtnetlink socket on host a"));
	if (fault(b, "veth pair") || make_veth(b) < 0)
		return fail(b, N_("veth pair:"), errno, N_("%s on host a, %s on host b"),
			    host_plan[SANDBOX_A].ifname, host_plan[SANDBOX_B].ifname);
	if (host_prepare(b, SANDBOX_A) < 0)
		return -1;
	/* Host b's socket and names from host b: the process goes there for
	 * a moment (it has one thread yet) and comes back. */
	if (enter_host(SANDBOX_B) < 0)
		return fail(b, N_("host b:"), errno, N_("entering it (setns)"));
	b->nl[SANDBOX_B] = nl_open();
	if (b->nl[SANDBOX_B] == NULL || host_prepare(b, SANDBOX_B) < 0) {
		int e = errno;

		if (enter_host(SANDBOX_A) < 0)
			abort(); /* on neither host: nothing sound is left to do */
		return b->nl[SANDBOX_B] == NULL
			   ? fail(b, N_("netlink:"), e, N_("an rtnetlink socket on host b"))
			   : -1;
	}
	if (enter_host(SANDBOX_A) < 0)
		abort();
	for (int h = 0; h < SANDBOX_HOSTS; h++) {
		if (fault_on(b, "link up", h) || link_up(b, h, current.info.host[h].ifindex) < 0)
			return fail(b, N_("link up:"), errno, N_("%s on host %c"),
				    current.info.host[h].ifname, current.info.host[h].name);
	}
	for (int h = 0; h < SANDBOX_HOSTS; h++) {
		if (host_addresses(b, h) < 0)
			return -1;
	}
	if (fault(b, "ready"))
		return fail(b, N_("ready:"), errno, N_("waiting for the addresses"));
	return wait_ready(b);
}

int sandbox_create(const struct sandbox_options *opt, char *err, size_t cap,
		   struct sandbox_blocker *blocker)
{
	static const struct sandbox_options none = {0};
	struct build b = {.opt = opt ? opt : &none, .err = err, .cap = cap};
	bool refused;

	memset(blocker, 0, sizeof *blocker);
	if (current.active) {
		snprintf(err, cap, "%s", msg_tr("sandbox: this process is in one already"));
		return SANDBOX_FAILED;
	}
	memcpy(current.info.host, host_plan, sizeof host_plan);
	if (enter_namespaces(&b, blocker, &refused) < 0)
		return refused ? SANDBOX_REFUSED : SANDBOX_FAILED;
	current.netns[SANDBOX_A] = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (current.netns[SANDBOX_A] < 0) {
		fail(&b, N_("host a:"), errno, N_("opening /proc/thread-self/ns/net"));
		undo(&b);
		return SANDBOX_FAILED;
	}
	if (start_holder(&b) < 0 || build_network(&b) < 0) {
		undo(&b);
		return SANDBOX_FAILED;
	}
	for (int h = 0; h < SANDBOX_HOSTS; h++)
		mnl_socket_close(b.nl[h]);
	current.active = true;
	return SANDBOX_OK;
}

const struct sandbox_info *sandbox_get(void)
{
	return current.active ? &current.info : NULL;
}

int sandbox_host_parse(const char *s)
{
	if (s != NULL && s[0] != '\0' && s[1] == '\0') {
		if (s[0] == 'a' || s[0] == 'A')
			return SANDBOX_A;
		if (s[0] == 'b' || s[0] == 'B')
			return SANDBOX_B;
	}
	return -1;
}

struct run_on {
	int (*fn)(void *);
	void *arg;
	int rc, setns_errno;
};

static void *run_on_thread(void *p)
{
	struct run_on *r = p;

	if (enter_host(SANDBOX_B) < 0) {
		r->setns_errno = errno;
		return NULL;
	}
	r->rc = r->fn(r->arg);
	return NULL;
}

int sandbox_run_on(int host, int (*fn)(void *), void *arg, char *err, size_t cap)
{
	struct run_on r = {.fn = fn, .arg = arg};
	pthread_t t;
	int e;

	if (host == SANDBOX_A || !current.active)
		return fn(arg);
	e = pthread_create(&t, NULL, run_on_thread, &r);
	if (e != 0) {
		snprintf(err, cap, msg_tr("host b: a thread to enter it: %s"), strerror(e));
		return -1;
	}
	pthread_join(t, NULL);
	if (r.setns_errno != 0) {
		snprintf(err, cap, msg_tr("host b: entering it (setns): %s"),
			 strerror(r.setns_errno));
		return -1;
	}
	return r.rc;
}

struct drops {
	uint64_t overflows, drops;
	int err;
};

static int drops_here(void *p)
{
	struct drops *d = p;
	int rc = server_listen_drops(&d->overflows, &d->drops);

	d->err = rc < 0 ? errno : 0;
	return rc;
}

int sandbox_listen_drops(uint64_t *overflows, uint64_t *drops)
{
	struct drops b = {0};
	char err[128];

	if (server_listen_drops(overflows, drops) < 0)
		return -1;
	if (!current.active)
		return 0;
	if (sandbox_run_on(SANDBOX_B, drops_here, &b, err, sizeof err) < 0) {
		errno = b.err != 0 ? b.err : EAGAIN;
		return -1;
	}
	*overflows += b.overflows;
	*drops += b.drops;
	return 0;
}

struct start_args {
	const struct spec *spec;
	unsigned id;
	const struct server_options *opt;
	struct event_queue *q;
	struct server **out;
	char *err;
	size_t cap;
};

static int start_here(void *p)
{
	struct start_args *a = p;

	return server_start(a->spec, a->id, a->opt, a->q, a->out, a->err, a->cap);
}

int sandbox_server_start(int host, const struct spec *spec, unsigned id,
			 const struct server_options *opt, struct event_queue *q,
			 struct server **out, char *err, size_t cap)
{
	struct start_args a = {spec, id, opt, q, out, err, cap};

	return sandbox_run_on(host, start_here, &a, err, cap);
}

void sandbox_end(void)
{
	struct build b = {.opt = NULL};

	if (!current.active)
		return;
	undo(&b);
	current.active = false;
}

/* ---- finding and entering a running sandbox ---- */

/* One "Key:\tvalue" line of /proc/PID/status, as a number. */
static long status_field(const char *status, const char *key)
{
	const char *p = strstr(status, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

int sandbox_find(struct sandbox_found *out, int max, char *err, size_t cap)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	if (d == NULL) {
		snprintf(err, cap, "/proc: %s", strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL && n < max) {
		char path[300], buf[2048];
		ssize_t len;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/status", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		/* Name first, then the real uid: this user's holders only. */
		if (strncmp(buf, "Name:\t" SANDBOX_HOLDER_COMM "\n",
			    strlen("Name:\t" SANDBOX_HOLDER_COMM "\n")) != 0 ||
		    status_field(buf, "\nUid:\t") != (long)getuid())
			continue;
		out[n].holder = (pid_t)strtol(de->d_name, NULL, 10);
		out[n].owner = (pid_t)status_field(buf, "\nPPid:\t");
		if (out[n].owner > 1)
			n++;
	}
	closedir(d);
	return n;
}

/* Keeps the network capabilities across execve as ambient ones. */
static int keep_net_caps(void)
{
	static const int caps[] = {CAP_NET_RAW, CAP_NET_ADMIN, CAP_NET_BIND_SERVICE};
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &h, data) < 0)
		return -1;
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
		data[caps[i] / 32].inheritable |= 1U << (caps[i] % 32);
	if (syscall(SYS_capset, &h, data) < 0)
		return -1;
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, caps[i], 0, 0) < 0)
			return -1;
	}
	return 0;
}

int sandbox_join(const struct sandbox_found *f, int host, char *err, size_t cap)
{
	char path[64];
	struct stat mine, theirs;
	int userfd, netfd;
	pid_t netpid = host == SANDBOX_B ? f->holder : f->owner;

	snprintf(path, sizeof path, "/proc/%d/ns/user", (int)f->holder);
	userfd = open(path, O_RDONLY | O_CLOEXEC);
	if (userfd < 0) {
		snprintf(err, cap, "opening %s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)netpid);
	netfd = open(path, O_RDONLY | O_CLOEXEC);
	if (netfd < 0) {
		snprintf(err, cap, "opening %s: %s", path, strerror(errno));
		close(userfd);
		return -1;
	}
	/* The owner must still be the holder's: a holder whose owner has just
	 * died (it follows at once) has a new parent that is no sandbox. */
	snprintf(path, sizeof path, "/proc/%d/ns/user", (int)f->owner);
	if (stat(path, &mine) < 0 || fstat(userfd, &theirs) < 0 || mine.st_ino != theirs.st_ino ||
	    mine.st_dev != theirs.st_dev) {
		snprintf(err, cap, msg_tr("process %d no longer holds that sandbox"),
			 (int)f->owner);
		goto fail;
	}
	/* Made as root, the sandbox has no user namespace of its own. */
	if (stat("/proc/self/ns/user", &mine) == 0 &&
	    (mine.st_ino != theirs.st_ino || mine.st_dev != theirs.st_dev)) {
		if (setns(userfd, CLONE_NEWUSER) < 0) {
			snprintf(err, cap, msg_tr("entering the sandbox's user namespace: %s"),
				 strerror(errno));
			goto fail;
		}
		if (keep_net_caps() < 0) {
			snprintf(err, cap, msg_tr("keeping CAP_NET_RAW and CAP_NET_ADMIN: %s"),
				 strerror(errno));
			goto fail;
		}
	}
	if (setns(netfd, CLONE_NEWNET) < 0) {
		snprintf(err, cap, msg_tr("entering host %c: %s"), host == SANDBOX_B ? 'b' : 'a',
			 strerror(errno));
		goto fail;
	}
	close(userfd);
	close(netfd);
	return 0;
fail:
	close(userfd);
	close(netfd);
	return -1;
}
