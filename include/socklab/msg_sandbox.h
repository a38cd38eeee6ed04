/*
 * msg_sandbox: the sentences of the two-host sandbox (`--sandbox`,
 * `serve --sandbox`, `sandbox exec`), kept apart from msg.h so a
 * translation finds them in one place.
 */
#ifndef SOCKLAB_MSG_SANDBOX_H
#define SOCKLAB_MSG_SANDBOX_H

#define MSG_SB_FAILED        "sandbox: %s"
#define MSG_SB_FAILED_HINT   "sandbox: nothing was left behind; the step above names what failed"
#define MSG_SB_REFUSED       "sandbox: unprivileged user namespaces are disabled here by %s = %ld (read from %s)"
#define MSG_SB_REFUSED_FIX   "sandbox: to allow them, the machine's administrator runs\n" \
			     "    sudo sysctl -w %s=%ld\n" \
			     "  (and puts that line in /etc/sysctl.d/ to keep it), or run socklab as root,\n" \
			     "  where the same sandbox is made without a user namespace"
#define MSG_SB_REFUSED_NONE  "sandbox: the system refused a user namespace (%s), and no setting socklab knows\n" \
			     "  blocks it (kernel.apparmor_restrict_unprivileged_userns, kernel.unprivileged_userns_clone,\n" \
			     "  user.max_user_namespaces): a container or a security module may; run socklab as root there"
#define MSG_SB_BANNER        "sandbox: a private network of two hosts, joined by a veth pair; nothing in it reaches the real network"
#define MSG_SB_HOST          "sandbox:   host %c  %s  %s/%u  %s/%u  %s%%%s (scope id %u)"
#define MSG_SB_SERVERS       "sandbox:   servers on host %c:%s"
#define MSG_SB_EXEC_HINT     "sandbox: run a program on a host: socklab sandbox exec a|b CMD...  (pid %d)"
#define MSG_SB_EXEC_EXAMPLE  "sandbox:   e.g. socklab sandbox exec b socklab client %s PORT"
#define MSG_SB_BAD_PLACEMENT "bad host in '%s' (expected a/SPEC or b/SPEC)"
#define MSG_SB_PLACEMENT_OFF "'%s': a sandbox host (a/, b/) needs --sandbox"
#define MSG_SB_EXEC_USAGE    "usage: socklab sandbox exec [--pid PID] a|b CMD [ARG...]"
#define MSG_SB_NONE          "no sandbox of yours is running: start one with socklab --sandbox or socklab serve --sandbox SPEC"
#define MSG_SB_NONE_PID      "no sandbox of yours runs in process %d"
#define MSG_SB_MANY          "%d sandboxes of yours are running (processes%s): pick one with --pid PID"
#define MSG_SB_EXEC_FAILED   "sandbox exec: %s"
#define MSG_SB_EXEC_CMD      "sandbox exec: %s: %s"

#endif
