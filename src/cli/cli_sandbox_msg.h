/*
 * cli_sandbox_msg: the command line's sentences about the two-host sandbox
 * (`--sandbox`, `serve --sandbox`, `sandbox exec`). How to add one:
 * include/socklab/msg.h.
 */
#ifndef SOCKLAB_CLI_SANDBOX_MSG_H
#define SOCKLAB_CLI_SANDBOX_MSG_H

#include "socklab/msg.h"

#define MSG_SB_FAILED N_("sandbox: %s")
#define MSG_SB_FAILED_HINT N_("sandbox: nothing was left behind; the step above names what failed")
#define MSG_SB_REFUSED                                                                             \
	N_("sandbox: unprivileged user namespaces are disabled here by %s = %ld (read from %s)")
#define MSG_SB_REFUSED_FIX                                                                         \
	N_("sandbox: to allow them, the machine's administrator runs\n"                            \
	   "    sudo sysctl -w %s=%ld\n"                                                           \
	   "  (and puts that line in /etc/sysctl.d/ to keep it), or run socklab as root,\n"        \
	   "  where the same sandbox is made without a user namespace")
#define MSG_SB_REFUSED_NONE                                                                        \
	N_("sandbox: the system refused a user namespace (%s), and no setting socklab knows\n"     \
	   "  blocks it (kernel.apparmor_restrict_unprivileged_userns, "                           \
	   "kernel.unprivileged_userns_clone,\n"                                                   \
	   "  user.max_user_namespaces): a container or a security module may; run socklab as "    \
	   "root there")
#define MSG_SB_BANNER                                                                              \
	N_("sandbox: a private network of two hosts, joined by a veth pair; nothing in it "        \
	   "reaches the real network")
#define MSG_SB_HOST N_("sandbox:   host %c  %s  %s/%u  %s/%u  %s%%%s (scope id %u)")
#define MSG_SB_SERVERS N_("sandbox:   servers on host %c:%s")
#define MSG_SB_EXEC_HINT                                                                           \
	N_("sandbox: run a program on a host: socklab sandbox exec a|b CMD...  (pid %d)")
#define MSG_SB_EXEC_EXAMPLE N_("sandbox:   e.g. socklab sandbox exec b socklab client %s PORT")
#define MSG_SB_EXEC_USAGE N_("usage: socklab sandbox exec [--pid PID] a|b CMD [ARG...]")
#define MSG_SB_BAD_HOST N_("sandbox exec: unknown host '%s' (expected a or b)")
#define MSG_SB_BAD_PID N_("bad process id '%s'")
#define MSG_SB_BAD_OPTION N_("sandbox exec: unknown option '%s'")
#define MSG_SB_NONE                                                                                \
	N_("no sandbox of yours is running: start one with socklab --sandbox or socklab serve "    \
	   "--sandbox SPEC")
#define MSG_SB_NONE_PID N_("no sandbox of yours runs in process %d")
#define MSG_SB_MANY                                                                                \
	NN_("%d sandbox of yours is running (process%s): pick one with --pid PID",                 \
	    "%d sandboxes of yours are running (processes%s): pick one with --pid PID")
#define MSG_SB_EXEC_FAILED N_("sandbox exec: %s")
#define MSG_SB_EXEC_CMD N_("sandbox exec: %s: %s")

#endif
