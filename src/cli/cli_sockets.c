/*
 * cli_sockets: the sock_diag table on the command line (see
 * cli_sockets.h). Exit 0 with the table (possibly empty), 1 when the
 * kernel cannot be asked, 2 for bad usage.
 */
#include "cli/cli_sockets.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "socklab/msg.h"
#include "socklab/sockdiag.h"

#define SOCKETS_MAX 4096
#define PORTS_MAX 64

#define MSG_SOCKETS_USAGE                                                                          \
	N_("usage: socklab sockets [--json] [PORT...]   TCP and UDP sockets on those ports, as "   \
	   "the kernel sees them")
#define MSG_SOCKETS_BAD_PORT N_("bad port '%s' (expected 1..65535)")
#define MSG_SOCKETS_MORE N_("%zu more sockets not shown")

int cli_sockets(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	uint16_t ports[PORTS_MAX];
	size_t np = 0, n, total;
	struct sockdiag_entry *e;
	char err[SOCKDIAG_ERR_MAX], line[SOCKDIAG_FORMAT_MAX];
	bool json = false;
	int c, status = 0;
	long v;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			puts(_(MSG_SOCKETS_USAGE));
			return 0;
		default:
			return cli_usage_error(_("sockets: unknown option '%s'"),
					       cli_arg(argv[optind - 1]));
		}
	}
	for (int i = optind; i < argc; i++) {
		if (np == PORTS_MAX)
			return cli_usage_error(_("sockets: at most %d ports"), PORTS_MAX);
		if (num_parse_long(argv[i], 1, 65535, &v) != NUM_OK)
			return cli_usage_error(_(MSG_SOCKETS_BAD_PORT), cli_arg(argv[i]));
		ports[np++] = (uint16_t)v;
	}
	e = calloc(SOCKETS_MAX, sizeof *e);
	if (e == NULL) {
		cli_warnx("out of memory");
		return 1;
	}
	if (sockdiag_query(ports, np, e, SOCKETS_MAX, &n, &total, err, sizeof err) < 0) {
		cli_warnx("%s", err);
		free(e);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (json)
			sockdiag_format_json(&e[i], line, sizeof line);
		else
			sockdiag_format_text(&e[i], line, sizeof line);
		puts(line);
	}
	if (total > n)
		cli_warnx(_(MSG_SOCKETS_MORE), total - n);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warnx("%s", _("stdout: write failed"));
		status = 1;
	}
	free(e);
	return status;
}
