/*
 * test_tui_cmd_sandbox: the client pane's sandbox commands: /on a|b and
 * /from a|b take one host, by their whole names only, so the older
 * abbreviations keep their meaning ("/f" is /filter).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tui/tui_cmd.h"

static void test_on_from(void **state)
{
	struct tui_cmd c;

	(void)state;
	assert_int_equal(tui_cmd_parse("/on b", &c), TUI_CMD_ON);
	assert_string_equal(c.host, "b");
	assert_int_equal(tui_cmd_parse("/from a", &c), TUI_CMD_FROM);
	assert_string_equal(c.host, "a");
	/* The host is checked where it is used (the lab says a or b). */
	assert_int_equal(tui_cmd_parse("/from c", &c), TUI_CMD_FROM);
	assert_string_equal(c.host, "c");
}

static void test_usage(void **state)
{
	struct tui_cmd c;

	(void)state;
	assert_int_equal(tui_cmd_parse("/on", &c), TUI_CMD_ERROR);
	assert_non_null(strstr(c.err, "/on a|b"));
	assert_int_equal(tui_cmd_parse("/from a b", &c), TUI_CMD_ERROR);
	assert_non_null(strstr(c.err, "/from a|b"));
}

static void test_whole_names(void **state)
{
	struct tui_cmd c;

	(void)state;
	assert_int_equal(tui_cmd_parse("/f", &c), TUI_CMD_FILTER);
	assert_int_equal(tui_cmd_parse("/fr b", &c), TUI_CMD_ERROR);
	assert_non_null(strstr(c.err, "/fr"));
	assert_int_equal(tui_cmd_parse("/o b", &c), TUI_CMD_ERROR);
	assert_non_null(strstr(c.err, "/o"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_on_from),
	    cmocka_unit_test(test_usage),
	    cmocka_unit_test(test_whole_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
