/*
 * sandbox: a private network of two hosts, a and b, made of Linux
 * namespaces, without root.
 *
 * sandbox_create() moves the calling process into a new user namespace (its
 * uid and gid mapped to themselves; skipped as root, who needs none) and a
 * new network namespace: host a. Host b is a second network namespace,
 * owned by the same user namespace and held by a small child process (its
 * name is SANDBOX_HOLDER_COMM) that exits when the creator does. A veth pair
 * joins them: eth0 on each side, with fixed addresses from ranges reserved
 * for documentation (198.51.100.0/24, 2001:db8::/64) and a fixed link-local
 * address (fe80::a, fe80::b). Inside, the process holds every capability of
 * its namespace: CAP_NET_RAW for capture, CAP_NET_ADMIN for sock_diag.
 *
 * Both hosts are fresh namespaces made alike, so eth0 has the same index on
 * each: a scope id read on host a names host b's interface rightly too.
 *
 * Network namespaces are per thread: the process lives on host a, and
 * sandbox_run_on(SANDBOX_B, ...) runs a function in a short thread that has
 * entered host b. A socket made there stays on host b, and so does every
 * thread that thread starts (a server's).
 *
 * sandbox_find() and sandbox_join() are the other side: another process of
 * the same user finds a running sandbox through /proc (its holder) and
 * enters one of its hosts, as `socklab sandbox exec` does.
 *
 * Nothing here prints or exits; errors name the step and the cause.
 */
#ifndef SOCKLAB_SANDBOX_H
#define SOCKLAB_SANDBOX_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum sandbox_host { SANDBOX_A = 0, SANDBOX_B = 1, SANDBOX_HOSTS = 2 };

/* What sandbox_create returns. */
enum sandbox_status {
	SANDBOX_OK = 0,
	SANDBOX_FAILED = -1,  /* a step failed: err names it and its cause */
	SANDBOX_REFUSED = -2, /* the system forbids user namespaces: see blocker */
};

/* The comm (process name) of the process that holds host b. */
#define SANDBOX_HOLDER_COMM "socklab-hostb"
#define SANDBOX_ERR_MAX 256

struct sandbox_host_info {
	char name;			   /* 'a' or 'b' */
	char ifname[IF_NAMESIZE];	   /* the veth end: "eth0" */
	unsigned ifindex;		   /* its index: the scope id of fe80:: */
	char ipv4[INET_ADDRSTRLEN];	   /* 198.51.100.1 */
	unsigned ipv4_prefix;		   /* 24 */
	char ipv6[INET6_ADDRSTRLEN];	   /* 2001:db8::a */
	unsigned ipv6_prefix;		   /* 64 */
	char link_local[INET6_ADDRSTRLEN]; /* fe80::a */
};

struct sandbox_info {
	bool user_ns; /* false when made as root, without a user namespace */
	pid_t holder; /* the process holding host b */
	struct sandbox_host_info host[SANDBOX_HOSTS];
};

/* The setting that forbids unprivileged user namespaces, when one does. */
struct sandbox_blocker {
	char name[64];	/* "kernel.apparmor_restrict_unprivileged_userns" */
	char path[256]; /* where it was read */
	long value;	/* what it holds */
	long allow;	/* the value that allows them */
};

struct sandbox_options {
	/* Test-only fault seams (the CLI fills them from the environment). */
	const char *fault_refuse_sysctl_dir; /* act refused; read settings here */
	const char *fault_step;		     /* this step fails (see sandbox.c) */
};

/* Makes the sandbox and moves the process onto host a. Must run before the
 * process has a second thread. On SANDBOX_REFUSED, *blocker names the
 * setting (blocker->name empty when none was found). On failure nothing is
 * left: the holder of host b is gone, and host a ends with the process. */
int sandbox_create(const struct sandbox_options *opt, char *err, size_t cap,
		   struct sandbox_blocker *blocker);

/* The running sandbox of this process, NULL outside one. */
const struct sandbox_info *sandbox_get(void);

/* server_listen_drops of host a, plus host b's in a sandbox: the SYNs
 * and connections dropped on full accept queues on either host. Returns
 * 0, or -1 (errno set) when a host's counters cannot be read. */
int sandbox_listen_drops(uint64_t *overflows, uint64_t *drops);

/* Runs fn(arg) on host (a: in the calling thread, which lives there; b: in
 * a thread that enters host b first) and returns fn's result. Returns -1
 * with err set when host b cannot be entered. */
int sandbox_run_on(int host, int (*fn)(void *), void *arg, char *err, size_t cap);

struct spec;
struct server;
struct server_options;
struct event_queue;

/* server_start (socklab/server.h) on host: its sockets and its thread live
 * there. Returns server_start's result, or -1 with err set when host b
 * cannot be entered. */
int sandbox_server_start(int host, const struct spec *spec, unsigned id,
			 const struct server_options *opt, struct event_queue *q,
			 struct server **out, char *err, size_t cap);

/* Ends the sandbox of this process: the holder of host b exits and is
 * reaped. The process itself stays on host a until it exits. */
void sandbox_end(void);

/* "a" or "b" -> SANDBOX_A or SANDBOX_B; -1 otherwise. */
int sandbox_host_parse(const char *s);

/* ---- the other side: finding and entering a running sandbox ---- */

#define SANDBOX_FIND_MAX 16

struct sandbox_found {
	pid_t owner;  /* the lab's or serve's process: host a */
	pid_t holder; /* the process holding host b */
};

/* The running sandboxes of this user (from /proc), at most max. Returns
 * how many, -1 with err set when /proc cannot be read. */
int sandbox_find(struct sandbox_found *out, int max, char *err, size_t cap);

/* Enters host of the sandbox f: its user namespace (when it has one) and
 * that host's network namespace, and keeps CAP_NET_RAW, CAP_NET_ADMIN and
 * CAP_NET_BIND_SERVICE across the next execve. The caller must be single
 * threaded. Returns 0, or -1 with err naming the step and cause. */
int sandbox_join(const struct sandbox_found *f, int host, char *err, size_t cap);

#endif
