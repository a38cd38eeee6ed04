/*
 * test_tui_cmd_watch: the client pane's commands for the live log: /save
 * with its format from a word or the file name and "all", /filter with
 * the rest of the line as typed, and their mistakes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tui/tui_cmd.h"

static void test_save(void **state)
{
	struct tui_cmd c;

	(void)state;
	assert_int_equal(tui_cmd_parse("/save log.csv", &c), TUI_CMD_SAVE);
	assert_string_equal(c.path, "log.csv");
	assert_int_equal(c.format, EXPORT_CSV);
	assert_false(c.all);
	assert_int_equal(tui_cmd_parse("/save log.txt", &c), TUI_CMD_SAVE);
	assert_int_equal(c.format, EXPORT_JSONL);
	assert_int_equal(tui_cmd_parse("/save out csv all", &c), TUI_CMD_SAVE);
	assert_int_equal(c.format, EXPORT_CSV);
	assert_true(c.all);
	assert_int_equal(tui_cmd_parse("/sa x.csv jsonl", &c), TUI_CMD_SAVE);
	assert_int_equal(c.format, EXPORT_JSONL);
	assert_int_equal(tui_cmd_parse("/save", &c), TUI_CMD_ERROR);
	assert_non_null(strstr(c.err, "/save FILE [csv|jsonl] [all]"));
	assert_int_equal(tui_cmd_parse("/save x xml", &c), TUI_CMD_ERROR);
	assert_string_equal(c.err, "unknown format 'xml' (csv or jsonl)");
	assert_int_equal(tui_cmd_parse("/save a csv all more", &c), TUI_CMD_ERROR);
	/* /s is now /save or /shutdown; /sh still picks one. */
	assert_int_equal(tui_cmd_parse("/s x", &c), TUI_CMD_ERROR);
	assert_non_null(strstr(c.err, "ambiguous"));
	assert_int_equal(tui_cmd_parse("/sh", &c), TUI_CMD_SHUTDOWN);
}

static void test_filter(void **state)
{
	static const char line[] = "/filter server=2  kind=recv text=\"a b c d e f\" port=1";
	struct tui_cmd c;

	(void)state;
	/* More words than any other command takes: the rest, as typed. */
	assert_int_equal(tui_cmd_parse(line, &c), TUI_CMD_FILTER);
	assert_ptr_equal(c.text, line + 8);
	assert_int_equal(tui_cmd_parse("/f", &c), TUI_CMD_FILTER);
	assert_string_equal(c.text, "");
	assert_int_equal(tui_cmd_parse("/filter   \t", &c), TUI_CMD_FILTER);
	assert_string_equal(c.text, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_save),
	    cmocka_unit_test(test_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
