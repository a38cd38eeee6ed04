/*
 * test_tui_log: the lab's scrollback ring: order, eviction when full,
 * the scroll position kept while new lines arrive, and long lines cut at
 * a UTF-8 boundary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui/tui_log.h"

static void test_order_and_eviction(void **state)
{
	struct tui_log log;
	char buf[32];

	(void)state;
	assert_int_equal(tui_log_init(&log, 3), 0);
	assert_null(tui_log_get(&log, 0));
	for (int i = 1; i <= 5; i++) {
		snprintf(buf, sizeof buf, "line %d", i);
		assert_true(tui_log_push(&log, buf, (unsigned)i));
	}
	assert_int_equal(log.count, 3);
	assert_int_equal(log.total, 5);
	assert_int_equal(log.evicted, 2);
	assert_string_equal(tui_log_get(&log, 0)->text, "line 3");
	assert_int_equal(tui_log_get(&log, 0)->flags, 3);
	assert_string_equal(tui_log_get(&log, 2)->text, "line 5");
	assert_null(tui_log_get(&log, 3));
	tui_log_free(&log);
}

static void test_copies_text(void **state)
{
	struct tui_log log;
	char buf[16] = "mutable";

	(void)state;
	assert_int_equal(tui_log_init(&log, 2), 0);
	tui_log_push(&log, buf, 0);
	strcpy(buf, "changed");
	assert_string_equal(tui_log_get(&log, 0)->text, "mutable");
	tui_log_free(&log);
}

static void test_scroll_follows_or_holds(void **state)
{
	struct tui_log log;

	(void)state;
	assert_int_equal(tui_log_init(&log, 100), 0);
	for (int i = 0; i < 10; i++)
		tui_log_push(&log, "x", 0);
	/* Following: new lines keep the view at the bottom. */
	assert_int_equal(log.scroll, 0);
	tui_log_push(&log, "y", 0);
	assert_int_equal(log.scroll, 0);
	/* Scrolled back: the same lines stay in view. */
	tui_log_scroll(&log, 4);
	assert_int_equal(log.scroll, 4);
	tui_log_push(&log, "z", 0);
	assert_int_equal(log.scroll, 5);
	/* Clamped at both ends. */
	tui_log_scroll(&log, 1000);
	assert_int_equal(log.scroll, log.count - 1);
	tui_log_scroll(&log, -5000);
	assert_int_equal(log.scroll, 0);
	tui_log_free(&log);
}

static void test_scroll_in_full_ring(void **state)
{
	struct tui_log log;

	(void)state;
	assert_int_equal(tui_log_init(&log, 4), 0);
	for (int i = 0; i < 4; i++)
		tui_log_push(&log, "x", 0);
	tui_log_scroll(&log, 3);
	/* Evicting lines cannot push the scroll past what is kept. */
	for (int i = 0; i < 10; i++)
		tui_log_push(&log, "y", 0);
	assert_true(log.scroll <= log.count - 1);
	tui_log_clear(&log);
	assert_int_equal(log.count, 0);
	assert_int_equal(log.scroll, 0);
	tui_log_free(&log);
}

static void test_long_line_cut_on_utf8_boundary(void **state)
{
	struct tui_log log;
	size_t n = TUI_LOG_LINE_MAX + 10;
	char *big = malloc(n + 1);
	const char *kept;

	(void)state;
	assert_non_null(big);
	/* "€" is 3 bytes; TUI_LOG_LINE_MAX is not a multiple of 3. */
	for (size_t i = 0; i + 3 <= n; i += 3)
		memcpy(big + i, "\xe2\x82\xac", 3);
	big[n - n % 3] = '\0';
	assert_int_equal(tui_log_init(&log, 1), 0);
	tui_log_push(&log, big, 0);
	kept = tui_log_get(&log, 0)->text;
	assert_true(strlen(kept) <= TUI_LOG_LINE_MAX);
	assert_int_equal(strlen(kept) % 3, 0);
	/* Exactly the whole characters that fit: not empty, not one short. */
	assert_int_equal(strlen(kept), TUI_LOG_LINE_MAX / 3 * 3);
	assert_memory_equal(kept, big, TUI_LOG_LINE_MAX / 3 * 3);
	tui_log_free(&log);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_and_eviction),
	    cmocka_unit_test(test_copies_text),
	    cmocka_unit_test(test_scroll_follows_or_holds),
	    cmocka_unit_test(test_scroll_in_full_ring),
	    cmocka_unit_test(test_long_line_cut_on_utf8_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
