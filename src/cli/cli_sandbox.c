/*
 * cli_sandbox: the command line's side of the two-host sandbox: making it
 * early (`socklab --sandbox`, `serve --sandbox`) and saying why when it
 * cannot be made, telling how to reach it, placing servers on host a or b
 * (`b/SPEC`), and `socklab sandbox exec a|b CMD...`.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_sandbox.h"
#include "cli/cli_sandbox_msg.h"
#include "socklab/sandbox.h"
#include "socklab/server.h"

int cli_sandbox_begin(void)
{
	struct sandbox_options opt = {
	    .fault_refuse_sysctl_dir = getenv("SOCKLAB_FAULT_USERNS"),
	    .fault_step = getenv("SOCKLAB_FAULT_SANDBOX"),
	};
	struct sandbox_blocker bl;
	char err[SANDBOX_ERR_MAX];
	int rc;

	if (opt.fault_refuse_sysctl_dir != NULL && opt.fault_refuse_sysctl_dir[0] == '\0')
		opt.fault_refuse_sysctl_dir = NULL;
	if (opt.fault_step != NULL && opt.fault_step[0] == '\0')
		opt.fault_step = NULL;
	rc = sandbox_create(&opt, err, sizeof err, &bl);
	if (rc == SANDBOX_OK) {
		atexit(sandbox_end);
		return 0;
	}
	if (rc == SANDBOX_REFUSED && bl.name[0] != '\0') {
		cli_warnx(_(MSG_SB_REFUSED), bl.name, bl.value, bl.path);
		cli_warnx(_(MSG_SB_REFUSED_FIX), bl.name, bl.allow);
		return 2;
	}
	if (rc == SANDBOX_REFUSED) {
		cli_warnx(_(MSG_SB_REFUSED_NONE), err);
		return 2;
	}
	cli_warnx(_(MSG_SB_FAILED), err);
	cli_warnx("%s", _(MSG_SB_FAILED_HINT));
	return 1;
}

int cli_sandbox_early(int *argc, char **argv)
{
	int found = 0;

	/* Only the lab's options (no subcommand) are looked at here. */
	if (*argc < 2 || argv[1][0] != '-')
		return 0;
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--sandbox") != 0)
			continue;
		found = 1;
		memmove(&argv[i], &argv[i + 1], (size_t)(*argc - i) * sizeof argv[0]);
		(*argc)--;
		i--;
	}
	return found ? cli_sandbox_begin() : 0;
}

int cli_sandbox_spec_host(char **spec)
{
	char *s = *spec;

	if ((s[0] == 'a' || s[0] == 'b') && s[1] == '/') {
		*spec = s + 2;
		return s[0] == 'a' ? SANDBOX_A : SANDBOX_B;
	}
	return SANDBOX_A;
}

void cli_sandbox_print_reach(const int *hosts, int n)
{
	const struct sandbox_info *sb = sandbox_get();

	if (sb == NULL)
		return;
	cli_warnx("%s", _(MSG_SB_BANNER));
	for (int h = 0; h < SANDBOX_HOSTS; h++) {
		const struct sandbox_host_info *hi = &sb->host[h];
		char ids[128] = "";
		size_t len = 0;

		cli_warnx(_(MSG_SB_HOST), hi->name, hi->ifname, hi->ipv4, hi->ipv4_prefix, hi->ipv6,
			  hi->ipv6_prefix, hi->link_local, hi->ifname, hi->ifindex);
		for (int i = 0; i < n && len < sizeof ids - 8; i++) {
			if (hosts[i] == h)
				len += (size_t)snprintf(ids + len, sizeof ids - len, " #%d", i + 1);
		}
		if (len > 0)
			cli_warnx(_(MSG_SB_SERVERS), hi->name, ids);
	}
	cli_warnx(_(MSG_SB_EXEC_HINT), (int)getpid());
	cli_warnx(_(MSG_SB_EXEC_EXAMPLE), sb->host[SANDBOX_A].ipv4);
}

/* `socklab sandbox exec [--pid PID] a|b CMD [ARG...]` */
static int sandbox_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"pid", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct sandbox_found found[SANDBOX_FIND_MAX];
	const struct sandbox_found *pick = NULL;
	char err[SANDBOX_ERR_MAX];
	long want = 0;
	int c, n, host;

	opterr = 0;
	optind = 1;
	/* "+": options stop at the host, so CMD's own options stay CMD's. */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (num_parse_long(optarg, 2, 4194304, &want) != NUM_OK)
				return cli_usage_error(_(MSG_SB_BAD_PID), cli_arg(optarg));
			break;
		case 'h':
			puts(_(MSG_SB_EXEC_USAGE));
			return 0;
		default:
			return cli_usage_error(_(MSG_SB_BAD_OPTION), cli_arg(argv[optind - 1]));
		}
	}
	if (argc - optind < 2)
		return cli_usage_error("%s", _(MSG_SB_EXEC_USAGE));
	host = sandbox_host_parse(argv[optind]);
	if (host < 0)
		return cli_usage_error(_(MSG_SB_BAD_HOST), cli_arg(argv[optind]));
	n = sandbox_find(found, SANDBOX_FIND_MAX, err, sizeof err);
	if (n < 0) {
		cli_warnx(_(MSG_SB_EXEC_FAILED), err);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		if (want == 0 || found[i].owner == (pid_t)want)
			pick = pick == NULL ? &found[i] : pick;
	}
	if (pick == NULL) {
		if (want != 0)
			cli_warnx(_(MSG_SB_NONE_PID), (int)want);
		else
			cli_warnx("%s", _(MSG_SB_NONE));
		return 1;
	}
	if (want == 0 && n > 1) {
		char pids[128] = "";
		size_t len = 0;

		for (int i = 0; i < n && len < sizeof pids - 12; i++)
			len += (size_t)snprintf(pids + len, sizeof pids - len, " %d",
						(int)found[i].owner);
		cli_warnx(P_(MSG_SB_MANY, (unsigned long)n), n, pids);
		return 1;
	}
	if (sandbox_join(pick, host, err, sizeof err) < 0) {
		cli_warnx(_(MSG_SB_EXEC_FAILED), err);
		return 1;
	}
	execvp(argv[optind + 1], &argv[optind + 1]);
	cli_warnx(_(MSG_SB_EXEC_CMD), argv[optind + 1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

int cli_sandbox(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "exec") == 0)
		return sandbox_exec(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		puts(_(MSG_SB_EXEC_USAGE));
		return 0;
	}
	return cli_usage_error("%s", _(MSG_SB_EXEC_USAGE));
}
