/*
 * tui_sandbox_msg: the lab's sentences about the two-host sandbox. How to
 * add one: include/socklab/msg.h.
 */
#ifndef SOCKLAB_TUI_SANDBOX_MSG_H
#define SOCKLAB_TUI_SANDBOX_MSG_H

#include "socklab/msg.h"

#define MSG_TUI_SB_OFF N_("not in a sandbox: start the lab with socklab --sandbox")
#define MSG_TUI_SB_BAD_HOST N_("unknown host '%s' (expected a or b)")
#define MSG_TUI_SB_TITLE_FULL N_("%s from host %c  SANDBOX a %s %s  b %s %s")
#define MSG_TUI_SB_TITLE_V4 N_("%s from host %c  SANDBOX a %s  b %s")
#define MSG_TUI_SB_TITLE_SHORT N_("%s from host %c  SANDBOX")
#define MSG_TUI_SB_WHERE N_("  on %c")
#define MSG_TUI_SB_SERVERS_TITLE N_("%s on host %c")
#define MSG_TUI_SB_NOTE                                                                            \
	N_("SANDBOX: a private network of two hosts joined by a veth pair; nothing here reaches "  \
	   "the real network")
#define MSG_TUI_SB_NOTE_HOST N_("host %c  %s  %s/%u  %s/%u  %s%%%s (scope id %u)")
#define MSG_TUI_SB_NOTE_HOW                                                                        \
	N_("/on a|b: where servers start (form, presets); /from a|b: where the client dials from")
#define MSG_TUI_SB_SCOPE_1 N_("%-10s scope_id %u = the index of %s, the link of this address")
#define MSG_TUI_SB_SCOPE_2 N_("%-10s (fe80::/64 is on every link: the scope id says which)")
#define MSG_TUI_SB_CMD_ON N_("start servers (the form, the presets) on host a or b of the sandbox")
#define MSG_TUI_SB_CMD_FROM N_("dial from host a or b of the sandbox")
#define MSG_TUI_SB_ON_DONE N_("servers now start on host %c")
#define MSG_TUI_SB_FROM_DONE N_("the client now dials from host %c")

#endif
