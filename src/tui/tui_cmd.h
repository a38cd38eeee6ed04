/*
 * tui_cmd: the client pane's command line, parsed. Pure: no I/O.
 *
 * A line that starts with '/' is a command; any other line is data to
 * send. "//text" sends "/text", so a slash can still start a message.
 * The command table holds each command's name, usage and help line (the
 * help overlay lists them from it); tui_cmd_run.c's table, indexed by
 * kind, holds what each does in the lab. Adding a command is one entry in
 * each. The parser links on its own (the fuzzer uses it so).
 */
#ifndef SOCKLAB_TUI_CMD_H
#define SOCKLAB_TUI_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "socklab/export.h"

enum tui_cmd_kind {
	TUI_CMD_SEND,	 /* data: text (the whole line, or after "//" the rest) */
	TUI_CMD_CONNECT, /* udp, host, port */
	TUI_CMD_CLOSE,
	TUI_CMD_SHUTDOWN,
	TUI_CMD_RESOLVE, /* host, port ("" when not given) */
	TUI_CMD_HELP,
	TUI_CMD_QUIT,
	TUI_CMD_SAVE,	/* path, format, all: the live log to a file */
	TUI_CMD_FILTER, /* text: the filter expression ("" clears it) */
	TUI_CMD_ON,	/* host: "a" or "b", where the sandbox's servers start */
	TUI_CMD_FROM,	/* host: "a" or "b", where the client dials from */
	TUI_CMD_ERROR,	/* err says what is wrong */
	TUI_CMD_KIND_COUNT
};

#define TUI_CMD_HOST_MAX 256
#define TUI_CMD_PORT_MAX 32
#define TUI_CMD_PATH_MAX 256

struct tui_cmd_entry;
struct lab;

struct tui_cmd {
	enum tui_cmd_kind kind;
	const struct tui_cmd_entry *entry; /* the command's entry; NULL for SEND and ERROR */
	bool udp;
	const char *text; /* TUI_CMD_SEND: points into the parsed line */
	char host[TUI_CMD_HOST_MAX];
	char port[TUI_CMD_PORT_MAX];
	char path[TUI_CMD_PATH_MAX]; /* TUI_CMD_SAVE */
	enum export_format format;   /* TUI_CMD_SAVE: from a word, else the name's .csv */
	bool all;		     /* TUI_CMD_SAVE: every kept event, not the shown */
	char err[160];
};

struct tui_cmd_entry {
	const char *name;  /* "connect" */
	const char *usage; /* "/connect [tcp|udp] HOST PORT" */
	const char *help;  /* one line */
	enum tui_cmd_kind kind;
};

extern const struct tui_cmd_entry tui_cmd_table[];
extern const size_t tui_cmd_count;

/* Parses one line typed in the client pane into cmd. Always returns
 * cmd->kind; on TUI_CMD_ERROR, cmd->err holds a message for a person. */
enum tui_cmd_kind tui_cmd_parse(const char *line, struct tui_cmd *cmd);

/* Runs one typed line in the lab: sent as data, or the command's exec,
 * or its error shown (tui_cmd_run.c). */
void tui_cmd_run(struct lab *lab, const char *line);

#endif
