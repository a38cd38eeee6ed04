/*
 * tui_cmd_run: what each line typed in the client pane does in the lab:
 * one handler per command kind (tui_cmd.c parses; this table runs).
 */
#include <stdio.h>
#include <string.h>

#include "tui/kernel.h"
#include "tui/tui_msg.h"
#include "tui/conn.h"
#include "tui/tui_cmd.h"
#include "tui/tui_lab.h"
#include "tui/tui_sandbox.h"
#include "tui/tui_sandbox_msg.h"

static void run_connect(struct lab *lab, const struct tui_cmd *cmd)
{
	conn_connect(lab, cmd->udp, cmd->host, cmd->port);
}

static void run_close(struct lab *lab, const struct tui_cmd *cmd)
{
	(void)cmd;
	conn_close_cmd(lab);
}

static void run_shutdown(struct lab *lab, const struct tui_cmd *cmd)
{
	(void)cmd;
	conn_shutdown(lab);
}

static void run_resolve(struct lab *lab, const struct tui_cmd *cmd)
{
	conn_resolve(lab, cmd->host, cmd->port);
}

static void run_help(struct lab *lab, const struct tui_cmd *cmd)
{
	(void)cmd;
	lab_open_help(lab);
}

static void run_quit(struct lab *lab, const struct tui_cmd *cmd)
{
	(void)cmd;
	lab_quit(lab);
}

/* /save: the live log's shown lines (or all kept) to a file. */
static void run_save(struct lab *lab, const struct tui_cmd *cmd)
{
	char err[600];
	size_t lines, n = strlen(cmd->path);
	uint64_t folded;

	/* FILE.pcap: the captured packets, for tcpdump and Wireshark. */
	if (n > 5 && strcmp(cmd->path + n - 5, ".pcap") == 0) {
		if (kernel_save_pcap(lab, cmd->path, &folded, err, sizeof err) < 0)
			lab_say(lab, TUI_LOG_ERROR, _(MSG_KERNEL_SAVE_FAILED), cmd->path, err);
		else
			lab_say(lab, TUI_LOG_INFO, P_(MSG_KERNEL_SAVED, folded),
				(unsigned long long)folded, cmd->path);
		return;
	}
	if (watch_save(&lab->watch, cmd->path, cmd->format, cmd->all, &lines, &folded, err,
		       sizeof err) < 0) {
		lab_say(lab, TUI_LOG_ERROR, "%s", err);
		return;
	}
	if (folded > 0)
		lab_say(lab, TUI_LOG_INFO, P_(MSG_WATCH_SAVED_FOLDED, lines), lines, cmd->path,
			export_format_name(cmd->format), (unsigned long long)folded);
	/* (folded: events written one each that the log showed folded) */
	else
		lab_say(lab, TUI_LOG_INFO, P_(MSG_WATCH_SAVED, lines), lines, cmd->path,
			export_format_name(cmd->format));
}

static void run_filter(struct lab *lab, const struct tui_cmd *cmd)
{
	char err[FILTER_ERR_MAX];

	if (watch_set_filter(&lab->watch, cmd->text, err, sizeof err) < 0)
		lab_say(lab, TUI_LOG_ERROR, "%s", err);
	else if (lab->watch.filter_text[0])
		lab_say(lab, TUI_LOG_INFO, _(MSG_TUI_FILTER_SET), lab->watch.filter_text);
	else
		lab_say(lab, TUI_LOG_INFO, _(MSG_TUI_FILTER_CLEARED));
}

static void run_send(struct lab *lab, const struct tui_cmd *cmd)
{
	conn_send_line(lab, cmd->text);
}

/* /on a|b and /from a|b: the sandbox's host for servers, for the client. */
static void run_host(struct lab *lab, const struct tui_cmd *cmd)
{
	bool on = cmd->kind == TUI_CMD_ON;
	char err[160];

	if ((on ? tui_sandbox_set_server_host : tui_sandbox_set_client_host)(cmd->host, err,
									     sizeof err) < 0)
		lab_say(lab, TUI_LOG_ERROR, "%s", err);
	else
		lab_say(lab, TUI_LOG_INFO, on ? _(MSG_TUI_SB_ON_DONE) : _(MSG_TUI_SB_FROM_DONE),
			"ab"[on ? tui_sandbox_server_host() : tui_sandbox_client_host()]);
}

static void run_error(struct lab *lab, const struct tui_cmd *cmd)
{
	lab_say(lab, TUI_LOG_ERROR, "%s", cmd->err);
}

static void (*const handlers[TUI_CMD_KIND_COUNT])(struct lab *, const struct tui_cmd *) = {
    [TUI_CMD_SEND] = run_send,	     [TUI_CMD_CONNECT] = run_connect,
    [TUI_CMD_CLOSE] = run_close,     [TUI_CMD_SHUTDOWN] = run_shutdown,
    [TUI_CMD_RESOLVE] = run_resolve, [TUI_CMD_HELP] = run_help,
    [TUI_CMD_QUIT] = run_quit,	     [TUI_CMD_SAVE] = run_save,
    [TUI_CMD_FILTER] = run_filter,   [TUI_CMD_ERROR] = run_error,
    [TUI_CMD_ON] = run_host,	     [TUI_CMD_FROM] = run_host,
};

void tui_cmd_run(struct lab *lab, const char *line)
{
	struct tui_cmd cmd;
	enum tui_cmd_kind k = tui_cmd_parse(line, &cmd);

	if (k < TUI_CMD_KIND_COUNT && handlers[k] != NULL)
		handlers[k](lab, &cmd);
	lab->dirty = true;
}
