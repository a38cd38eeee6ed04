/*
 * test_tui_cmd: the client pane's command line: data lines, each command
 * with its arguments, prefixes, and the errors a person sees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tui/tui_cmd.h"

static void test_data_lines(void **state)
{
	struct tui_cmd c;

	(void)state;
	assert_int_equal(tui_cmd_parse("hola", &c), TUI_CMD_SEND);
	assert_string_equal(c.text, "hola");
	assert_int_equal(tui_cmd_parse("", &c), TUI_CMD_SEND);
	assert_string_equal(c.text, "");
	/* "//" escapes a leading slash. */
	assert_int_equal(tui_cmd_parse("//etc/passwd", &c), TUI_CMD_SEND);
	assert_string_equal(c.text, "/etc/passwd");
	assert_int_equal(tui_cmd_parse("  /connect x 1", &c), TUI_CMD_SEND);
}

static void test_connect(void **state)
{
	struct tui_cmd c;

	(void)state;
	assert_int_equal(tui_cmd_parse("/connect 127.0.0.1 9101", &c), TUI_CMD_CONNECT);
	assert_false(c.udp);
	assert_string_equal(c.host, "127.0.0.1");
	assert_string_equal(c.port, "9101");
	assert_int_equal(tui_cmd_parse("/connect udp ::1 9201", &c), TUI_CMD_CONNECT);
	assert_true(c.udp);
	assert_string_equal(c.host, "::1");
	assert_int_equal(tui_cmd_parse("/connect tcp [::1] 9301", &c), TUI_CMD_CONNECT);
	assert_false(c.udp);
	assert_string_equal(c.host, "::1");
	assert_int_equal(tui_cmd_parse("/connect\tlocalhost\t 9401 ", &c), TUI_CMD_CONNECT);
	assert_string_equal(c.host, "localhost");
	assert_string_equal(c.port, "9401");
	/* A prefix that names one command is enough. */
	assert_int_equal(tui_cmd_parse("/con 127.0.0.1 1", &c), TUI_CMD_CONNECT);
}

static void test_connect_errors(void **state)
{
	struct tui_cmd c;

	(void)state;
	assert_int_equal(tui_cmd_parse("/connect 127.0.0.1", &c), TUI_CMD_ERROR);
	assert_non_null(strstr(c.err, "/connect [tcp|udp] HOST PORT"));
	assert_int_equal(tui_cmd_parse("/connect udp 127.0.0.1", &c), TUI_CMD_ERROR);
	assert_int_equal(tui_cmd_parse("/connect h 70000", &c), TUI_CMD_ERROR);
	assert_non_null(strstr(c.err, "70000"));
	assert_int_equal(tui_cmd_parse("/connect h 0", &c), TUI_CMD_ERROR);
	assert_int_equal(tui_cmd_parse("/connect h 12x", &c), TUI_CMD_ERROR);
	assert_int_equal(tui_cmd_parse("/connect a b c d e f", &c), TUI_CMD_ERROR);
}

static void test_other_commands(void **state)
{
	struct tui_cmd c;

	(void)state;
	assert_int_equal(tui_cmd_parse("/close", &c), TUI_CMD_CLOSE);
	assert_int_equal(tui_cmd_parse("/shutdown", &c), TUI_CMD_SHUTDOWN);
	assert_int_equal(tui_cmd_parse("/sh", &c), TUI_CMD_SHUTDOWN);
	assert_int_equal(tui_cmd_parse("/help", &c), TUI_CMD_HELP);
	assert_int_equal(tui_cmd_parse("/quit", &c), TUI_CMD_QUIT);
	assert_int_equal(tui_cmd_parse("/q", &c), TUI_CMD_QUIT);
	assert_int_equal(tui_cmd_parse("/resolve example.org", &c), TUI_CMD_RESOLVE);
	assert_string_equal(c.host, "example.org");
	assert_string_equal(c.port, "");
	assert_int_equal(tui_cmd_parse("/resolve ::1 http", &c), TUI_CMD_RESOLVE);
	assert_string_equal(c.port, "http");
	assert_int_equal(tui_cmd_parse("/close now", &c), TUI_CMD_ERROR);
	assert_int_equal(tui_cmd_parse("/resolve", &c), TUI_CMD_ERROR);
}

static void test_unknown_and_ambiguous(void **state)
{
	struct tui_cmd c;

	(void)state;
	assert_int_equal(tui_cmd_parse("/frobnicate", &c), TUI_CMD_ERROR);
	assert_non_null(strstr(c.err, "/frobnicate"));
	/* /c could be /connect or /close. */
	assert_int_equal(tui_cmd_parse("/c", &c), TUI_CMD_ERROR);
	assert_non_null(strstr(c.err, "ambiguous"));
	assert_int_equal(tui_cmd_parse("/", &c), TUI_CMD_ERROR);
	assert_int_equal(tui_cmd_parse("/   ", &c), TUI_CMD_ERROR);
}

static void test_table_matches_parser(void **state)
{
	struct tui_cmd c;
	char line[64];

	(void)state;
	/* Every table entry with no argument parses to its own kind. */
	for (size_t i = 0; i < tui_cmd_count; i++) {
		const struct tui_cmd_entry *e = &tui_cmd_table[i];

		assert_non_null(e->help);
		assert_int_equal(e->usage[0], '/');
		if (strchr(e->usage, ' '))
			continue;
		snprintf(line, sizeof line, "/%s", e->name);
		assert_int_equal(tui_cmd_parse(line, &c), e->kind);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_data_lines),
	    cmocka_unit_test(test_connect),
	    cmocka_unit_test(test_connect_errors),
	    cmocka_unit_test(test_other_commands),
	    cmocka_unit_test(test_unknown_and_ambiguous),
	    cmocka_unit_test(test_table_matches_parser),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
