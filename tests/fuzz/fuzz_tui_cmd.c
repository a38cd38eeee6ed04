/*
 * fuzz_tui_cmd: the client pane's command parser (src/tui/tui_cmd.c).
 *
 * Input: the line as typed (a NUL ends it early, as in the pane). Every
 * line gets a kind; data lines point into the line itself ("//x" sends
 * "/x"); an error has a message; a /connect has a non-empty host without
 * blanks and a port from 1 to 65535; a /resolve has a non-empty host; the
 * other commands are exactly one word of the table.
 */
#include <string.h>

#include "fuzz_util.h"
#include "socklab/addr.h"
#include "tui/tui_cmd.h"

static void check_word(const char *w, size_t cap, bool may_be_empty)
{
	size_t n = strnlen(w, cap);

	FUZZ_CHECK(n < cap);
	FUZZ_CHECK(may_be_empty || n > 0);
	FUZZ_CHECK(strpbrk(w, " \t") == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_strndup(data, size);
	struct tui_cmd *cmd = malloc(sizeof *cmd);
	enum tui_cmd_kind k;
	uint16_t port;

	if (cmd == NULL)
		abort();
	k = tui_cmd_parse(line, cmd);
	FUZZ_CHECK(k == cmd->kind);
	switch (k) {
	case TUI_CMD_SEND:
		if (line[0] == '/') {
			FUZZ_CHECK(line[1] == '/' && cmd->text == line + 1);
		} else {
			FUZZ_CHECK(cmd->text == line);
		}
		break;
	case TUI_CMD_ERROR:
		FUZZ_CHECK(line[0] == '/' && line[1] != '/');
		FUZZ_CHECK(cmd->err[0] != '\0' && memchr(cmd->err, '\0', sizeof cmd->err) != NULL);
		break;
	case TUI_CMD_CONNECT:
		check_word(cmd->host, sizeof cmd->host, false);
		check_word(cmd->port, sizeof cmd->port, false);
		FUZZ_CHECK(addr_parse_port(cmd->port, &port) == 0 && port != 0);
		break;
	case TUI_CMD_RESOLVE:
		check_word(cmd->host, sizeof cmd->host, false);
		check_word(cmd->port, sizeof cmd->port, true);
		break;
	case TUI_CMD_SAVE:
		check_word(cmd->path, sizeof cmd->path, false);
		FUZZ_CHECK(cmd->format == EXPORT_CSV || cmd->format == EXPORT_JSONL);
		break;
	case TUI_CMD_FILTER:
		/* The rest of the line, as typed, after the command word. */
		FUZZ_CHECK(line[0] == '/' && cmd->text > line && cmd->text <= line + strlen(line));
		FUZZ_CHECK(cmd->text[0] != ' ' && cmd->text[0] != '\t');
		break;
	case TUI_CMD_ON:
	case TUI_CMD_FROM:
		/* One word (which host it names is checked where it is
		 * run), after the command's whole name: /on and /from are
		 * never abbreviated. */
		check_word(cmd->host, sizeof cmd->host, false);
		{
			const char *w = line + 1 + strspn(line + 1, " \t");
			const char *name = k == TUI_CMD_ON ? "on" : "from";

			FUZZ_CHECK(strncmp(w, name, strlen(name)) == 0 &&
				   strchr(" \t", w[strlen(name)]) != NULL &&
				   w[strlen(name)] != '\0');
		}
		break;
	case TUI_CMD_CLOSE:
	case TUI_CMD_SHUTDOWN:
	case TUI_CMD_HELP:
	case TUI_CMD_QUIT: {
		/* One word, a prefix of the command's name. */
		const char *w = line + 1 + strspn(line + 1, " \t");
		size_t wl = strcspn(w, " \t");
		bool found = false;

		FUZZ_CHECK(line[0] == '/' && w[wl + strspn(w + wl, " \t")] == '\0');
		for (size_t i = 0; i < tui_cmd_count; i++)
			if (tui_cmd_table[i].kind == k &&
			    strncmp(tui_cmd_table[i].name, w, wl) == 0)
				found = true;
		FUZZ_CHECK(found && wl > 0);
		break;
	}
	default:
		FUZZ_CHECK(!"a known kind");
	}
	free(cmd);
	free(line);
	return 0;
}
