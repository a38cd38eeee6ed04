/*
 * test_tui_layout: pane geometry for terminal sizes from the minimum up,
 * text measured in display columns (UTF-8, wide characters), wrapping,
 * and where a bottom-aligned, scrolled list starts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <string.h>

#include <cmocka.h>

#include "tui/tui_layout.h"

static bool overlap(const struct tui_rect *a, const struct tui_rect *b)
{
	if (a->h <= 0 || b->h <= 0)
		return false;
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

static void check_layout(int rows, int cols)
{
	struct tui_layout l;
	const struct tui_rect *all[5];

	tui_layout_compute(rows, cols, &l);
	assert_false(l.too_small);
	all[0] = &l.servers, all[1] = &l.presets, all[2] = &l.log, all[3] = &l.client;
	all[4] = &l.status;
	for (int i = 0; i < 5; i++) {
		assert_true(all[i]->x >= 0 && all[i]->y >= 0);
		assert_true(all[i]->x + all[i]->w <= cols);
		assert_true(all[i]->y + all[i]->h <= rows);
		for (int j = i + 1; j < 5; j++)
			assert_false(overlap(all[i], all[j]));
	}
	/* Every row and column is used: the left column, the rule and the
	 * log span the width; top, client and status span the height. */
	assert_int_equal(l.servers.w + 1 + l.log.w, cols);
	assert_int_equal(l.rule_x, l.servers.w);
	assert_int_equal(l.log.h + l.client.h + l.status.h, rows);
	assert_int_equal(l.servers.h + l.presets.h, l.log.h);
	assert_int_equal(l.status.y, rows - 1);
	/* Room for the form, the prompt and at least a few lines. */
	assert_true(l.servers.h >= 6);
	assert_true(l.client.h >= 5);
	assert_true(l.log.w >= 28);
}

static void test_sizes(void **state)
{
	(void)state;
	check_layout(24, 80);
	check_layout(TUI_MIN_ROWS, TUI_MIN_COLS);
	check_layout(25, 81);
	check_layout(50, 200);
	check_layout(300, 1000);
	for (int r = TUI_MIN_ROWS; r < 60; r++)
		for (int c = TUI_MIN_COLS; c < 140; c += 7)
			check_layout(r, c);
}

static void test_presets_at_80x24(void **state)
{
	struct tui_layout l;

	(void)state;
	tui_layout_compute(24, 80, &l);
	/* A title and the six tutorial presets. */
	assert_int_equal(l.presets.h, 7);
	tui_layout_compute(TUI_MIN_ROWS, 80, &l);
	assert_int_equal(l.presets.h, 0);
}

static void test_too_small(void **state)
{
	struct tui_layout l;

	(void)state;
	tui_layout_compute(TUI_MIN_ROWS - 1, 80, &l);
	assert_true(l.too_small);
	tui_layout_compute(24, TUI_MIN_COLS - 1, &l);
	assert_true(l.too_small);
	tui_layout_compute(0, 0, &l);
	assert_true(l.too_small);
}

static void test_contains(void **state)
{
	struct tui_rect r = {2, 3, 4, 5};
	struct tui_rect empty = {0, 0, 0, 10};

	(void)state;
	assert_true(tui_rect_contains(&r, 2, 3));
	assert_true(tui_rect_contains(&r, 5, 7));
	assert_false(tui_rect_contains(&r, 6, 7));
	assert_false(tui_rect_contains(&r, 5, 8));
	assert_false(tui_rect_contains(&empty, 0, 0));
}

static void test_columns(void **state)
{
	(void)state;
	assert_int_equal(tui_text_cols(""), 0);
	assert_int_equal(tui_text_cols("hola"), 4);
	assert_int_equal(tui_text_cols("señor €"), 7);
	/* CJK is two columns wide. */
	assert_int_equal(tui_text_cols("\xe4\xb8\xad"), 2);
	/* An invalid byte counts as one column. */
	assert_int_equal(tui_text_cols("a\xff"
				       "b"),
			 3);
}

static void test_fit_and_rows(void **state)
{
	int cols;

	(void)state;
	assert_int_equal(tui_text_fit("abcdef", 4, &cols), 4);
	assert_int_equal(cols, 4);
	assert_int_equal(tui_text_fit("abc", 10, &cols), 3);
	assert_int_equal(cols, 3);
	/* Never splits a UTF-8 character. */
	assert_int_equal(tui_text_fit("ñññ", 2, &cols), 4);
	assert_int_equal(cols, 2);
	/* A wide character that does not fit waits for the next row... */
	assert_int_equal(tui_text_fit("a\xe4\xb8\xad", 2, &cols), 1);
	assert_int_equal(cols, 1);
	/* ...unless it is first: a row always takes something. */
	assert_int_equal(tui_text_fit("\xe4\xb8\xad", 1, &cols), 3);
	assert_int_equal(tui_text_rows("", 10), 1);
	assert_int_equal(tui_text_rows("abcdefghij", 10), 1);
	assert_int_equal(tui_text_rows("abcdefghijk", 10), 2);
	assert_int_equal(tui_text_rows("abcdefghijklmnopqrstu", 10), 3);
	assert_int_equal(tui_text_rows("abc", 0), 1);
}

static void test_word_wrap(void **state)
{
	(void)state;
	/* Breaks after a space rather than inside a word... */
	assert_int_equal(tui_wrap_row("aaaa bbbb cccc", 7), 5);
	assert_int_equal(tui_text_rows("aaaa bbbb cccc", 7), 3);
	assert_int_equal(tui_wrap_row("hello world foo", 12), 12);
	/* ...but not when the space is far back: the word is cut. */
	assert_int_equal(tui_wrap_row("a bcdefghijkl", 8), 8);
	assert_int_equal(tui_wrap_row("abcdefghijklmnop", 5), 5);
	/* Ends exactly at a space or at the end: no going back. */
	assert_int_equal(tui_wrap_row("abcde fgh", 5), 5);
	assert_int_equal(tui_wrap_row("abc", 5), 3);
	/* Continuation rows are indented when the pane is wide enough. */
	assert_int_equal(tui_wrap_width(40, 0), 40);
	assert_int_equal(tui_wrap_width(40, 1), 40 - TUI_WRAP_INDENT);
	assert_int_equal(tui_wrap_width(6, 3), 6);
	/* 30 columns then 28: a 58-character word takes two rows. */
	assert_int_equal(
	    tui_text_rows("0123456789012345678901234567890123456789012345678901234567", 30), 2);
	assert_int_equal(
	    tui_text_rows("01234567890123456789012345678901234567890123456789012345678", 30), 3);
	/* Trailing spaces do not make a row of their own. */
	assert_int_equal(tui_text_rows("abcde     ", 5), 1);
}

static int rows_table[] = {1, 3, 2, 1, 4};

static int rows_of(size_t i, void *arg)
{
	(void)arg;
	return rows_table[i];
}

static void test_first_line(void **state)
{
	int skip;

	(void)state;
	/* Everything fits: start at the top. */
	assert_int_equal(tui_layout_first_line(5, 0, 20, rows_of, NULL, &skip), 0);
	assert_int_equal(skip, 0);
	/* Height 5 from the newest: line 4 (4 rows) and the last row of line 3. */
	assert_int_equal(tui_layout_first_line(5, 0, 5, rows_of, NULL, &skip), 3);
	assert_int_equal(skip, 0);
	assert_int_equal(tui_layout_first_line(5, 0, 6, rows_of, NULL, &skip), 2);
	assert_int_equal(skip, 1);
	/* Scrolled back two lines: the newest shown is line 2. */
	assert_int_equal(tui_layout_first_line(5, 2, 4, rows_of, NULL, &skip), 1);
	assert_int_equal(skip, 1);
	/* A line taller than the pane shows its last rows. */
	assert_int_equal(tui_layout_first_line(5, 0, 2, rows_of, NULL, &skip), 4);
	assert_int_equal(skip, 2);
	/* Empty list, or no room. */
	assert_int_equal(tui_layout_first_line(0, 0, 5, rows_of, NULL, &skip), 0);
	assert_int_equal(tui_layout_first_line(5, 0, 0, rows_of, NULL, &skip), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sizes),     cmocka_unit_test(test_presets_at_80x24),
	    cmocka_unit_test(test_too_small), cmocka_unit_test(test_contains),
	    cmocka_unit_test(test_columns),   cmocka_unit_test(test_fit_and_rows),
	    cmocka_unit_test(test_word_wrap), cmocka_unit_test(test_first_line),
	};

	/* Widths come from the locale's wcwidth: any UTF-8 one will do. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
