/*
 * tui_cmd: the client pane's command parser and command table.
 */
#include "tui/tui_cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "socklab/addr.h"
#include "tui/tui_msg.h"
#include "tui/tui_sandbox_msg.h"

const struct tui_cmd_entry tui_cmd_table[] = {
    {"connect", "/connect [tcp|udp] HOST PORT", MSG_TUI_CMD_CONNECT, TUI_CMD_CONNECT},
    {"close", "/close", MSG_TUI_CMD_CLOSE, TUI_CMD_CLOSE},
    {"shutdown", "/shutdown", MSG_TUI_CMD_SHUTDOWN, TUI_CMD_SHUTDOWN},
    {"resolve", "/resolve HOST [PORT]", MSG_TUI_CMD_RESOLVE, TUI_CMD_RESOLVE},
    {"help", "/help", MSG_TUI_CMD_HELP, TUI_CMD_HELP},
    {"quit", "/quit", MSG_TUI_CMD_QUIT, TUI_CMD_QUIT},
    {"save", "/save FILE [csv|jsonl] [all]", MSG_TUI_CMD_SAVE, TUI_CMD_SAVE},
    {"filter", "/filter [EXPRESSION]", MSG_TUI_CMD_FILTER, TUI_CMD_FILTER},
    {"on", "/on a|b", MSG_TUI_SB_CMD_ON, TUI_CMD_ON},
    {"from", "/from a|b", MSG_TUI_SB_CMD_FROM, TUI_CMD_FROM},
};
const size_t tui_cmd_count = sizeof tui_cmd_table / sizeof tui_cmd_table[0];

#define MAX_WORDS 5

/* The sandbox's /on and /from take their whole names only, so that "/f"
 * stays /filter and "/o" means nothing. */
static bool abbreviable(const struct tui_cmd_entry *e)
{
	return e->kind != TUI_CMD_ON && e->kind != TUI_CMD_FROM;
}

/* Splits s (modified) on blanks into at most MAX_WORDS words; returns how
 * many, or MAX_WORDS + 1 when there are more. */
static int split(char *s, char **w)
{
	int n = 0;

	for (char *p = strtok(s, " \t"); p; p = strtok(NULL, " \t")) {
		if (n == MAX_WORDS)
			return MAX_WORDS + 1;
		w[n++] = p;
	}
	return n;
}

static enum tui_cmd_kind error(struct tui_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum tui_cmd_kind error(struct tui_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	cmd->kind = TUI_CMD_ERROR;
	va_start(ap, fmt);
	vsnprintf(cmd->err, sizeof cmd->err, fmt, ap);
	va_end(ap);
	return cmd->kind;
}

static bool copy_word(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

/* Host with optional brackets ("[::1]" is accepted as "::1"). */
static bool copy_host(struct tui_cmd *cmd, const char *h)
{
	size_t n = strlen(h);

	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		if (n == 2 || n - 2 >= sizeof cmd->host)
			return false; /* "[]" is no host */
		memcpy(cmd->host, h + 1, n - 2);
		cmd->host[n - 2] = '\0';
		return true;
	}
	return copy_word(cmd->host, sizeof cmd->host, h);
}

/* A port to dial: 1..65535, however it is spelt ("00" is port 0 too). */
static bool valid_port(const char *p)
{
	uint16_t port;

	return addr_parse_port(p, &port) == 0 && port != 0;
}

enum tui_cmd_kind tui_cmd_parse(const char *line, struct tui_cmd *cmd)
{
	char buf[512], *w[MAX_WORDS];
	const struct tui_cmd_entry *e = NULL;
	size_t nlen;
	int n;

	memset(cmd, 0, sizeof *cmd);
	if (line[0] != '/' || line[1] == '/') {
		cmd->kind = TUI_CMD_SEND;
		cmd->text = line[0] == '/' ? line + 1 : line;
		return cmd->kind;
	}
	if (strlen(line) >= sizeof buf)
		return error(cmd, _(MSG_TUI_CMD_TOO_LONG), "");
	strcpy(buf, line + 1);
	n = split(buf, w);
	if (n == 0)
		return error(cmd, _(MSG_TUI_CMD_UNKNOWN), "/");
	nlen = strlen(w[0]);
	for (size_t i = 0; i < tui_cmd_count; i++) {
		/* Exact names, or an unambiguous prefix ("/c" is ambiguous). */
		if (strcmp(tui_cmd_table[i].name, w[0]) == 0) {
			e = &tui_cmd_table[i];
			break;
		}
		if (abbreviable(&tui_cmd_table[i]) &&
		    strncmp(tui_cmd_table[i].name, w[0], nlen) == 0) {
			if (e != NULL)
				return error(cmd, _(MSG_TUI_CMD_AMBIGUOUS), w[0]);
			e = &tui_cmd_table[i];
		}
	}
	if (e == NULL)
		return error(cmd, _(MSG_TUI_CMD_UNKNOWN), w[0]);

	switch (e->kind) {
	case TUI_CMD_CONNECT: {
		int a = 1;

		if (n >= 2 && (strcmp(w[1], "tcp") == 0 || strcmp(w[1], "udp") == 0)) {
			cmd->udp = w[1][0] == 'u';
			a = 2;
		}
		if (n - a != 2)
			return error(cmd, _(MSG_TUI_CMD_USAGE), e->usage);
		if (!copy_host(cmd, w[a]))
			return error(cmd, _(MSG_TUI_CMD_BAD_HOST), w[a]);
		/* "0000...09" is a valid port too long to keep: refuse it. */
		if (!valid_port(w[a + 1]) || !copy_word(cmd->port, sizeof cmd->port, w[a + 1]))
			return error(cmd, _(MSG_TUI_CMD_BAD_PORT), w[a + 1]);
		break;
	}
	case TUI_CMD_SAVE:
		if (n < 2 || n > 4)
			return error(cmd, _(MSG_TUI_CMD_USAGE), e->usage);
		if (!copy_word(cmd->path, sizeof cmd->path, w[1]))
			return error(cmd, _(MSG_TUI_CMD_BAD_PATH), w[1]);
		cmd->format = strlen(w[1]) > 4 && strcmp(w[1] + strlen(w[1]) - 4, ".csv") == 0
				  ? EXPORT_CSV
				  : EXPORT_JSONL;
		for (int i = 2; i < n; i++) {
			if (strcmp(w[i], "all") == 0)
				cmd->all = true;
			else if (export_format_from_name(w[i], &cmd->format) < 0)
				return error(cmd, _(MSG_EXPORT_BAD_FORMAT), w[i]);
		}
		break;
	case TUI_CMD_FILTER: {
		/* The rest of the line as typed: an expression has blanks. */
		const char *p = line + 1 + strspn(line + 1, " 	");

		p += strcspn(p, " 	");
		cmd->text = p + strspn(p, " 	");
		break;
	}
	case TUI_CMD_ON:
	case TUI_CMD_FROM:
		if (n != 2 || !copy_word(cmd->host, sizeof cmd->host, w[1]))
			return error(cmd, _(MSG_TUI_CMD_USAGE), e->usage);
		break;
	case TUI_CMD_RESOLVE:
		if (n < 2 || n > 3)
			return error(cmd, _(MSG_TUI_CMD_USAGE), e->usage);
		if (!copy_host(cmd, w[1]))
			return error(cmd, _(MSG_TUI_CMD_BAD_HOST), w[1]);
		if (n == 3 && !copy_word(cmd->port, sizeof cmd->port, w[2]))
			return error(cmd, _(MSG_TUI_CMD_BAD_PORT), w[2]);
		break;
	default:
		if (n != 1)
			return error(cmd, _(MSG_TUI_CMD_USAGE), e->usage);
		break;
	}
	cmd->kind = e->kind;
	cmd->entry = e;
	return cmd->kind;
}
