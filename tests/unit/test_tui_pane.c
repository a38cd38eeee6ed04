/*
 * test_tui_pane: the pane table's routing, which every pane relies on:
 * each pane's rect is its slot's, zoom gives the focused pane the screen
 * above the status bar and hides the rest, Tab skips hidden panes (the
 * presets on a short terminal), clicks find the pane under them, and a
 * key table runs the entry that lists the key and ignores the others.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tui/tui_lab.h"

static struct lab lab;

static void at_size(int rows, int cols)
{
	memset(&lab, 0, sizeof lab);
	tui_layout_compute(rows, cols, &lab.lay);
	lab.focus = &pane_client;
}

static void test_rects_are_the_slots(void **state)
{
	struct tui_rect r;

	(void)state;
	at_size(24, 80);
	r = pane_rect(&lab, &pane_log);
	assert_memory_equal(&r, &lab.lay.log, sizeof r);
	r = pane_rect(&lab, &pane_client);
	assert_memory_equal(&r, &lab.lay.client, sizeof r);
	r = pane_rect(&lab, &pane_servers);
	assert_memory_equal(&r, &lab.lay.servers, sizeof r);
	assert_ptr_equal(pane_at(&lab, lab.lay.log.y + 1, lab.lay.log.x + 1), &pane_log);
	assert_ptr_equal(pane_at(&lab, lab.lay.client.y, 0), &pane_client);
	assert_null(pane_at(&lab, lab.lay.status.y, 0)); /* the status bar is no pane */
}

static void test_zoom(void **state)
{
	struct tui_rect r;

	(void)state;
	at_size(24, 80);
	lab.focus = &pane_log;
	lab.zoom = true;
	r = pane_rect(&lab, &pane_log);
	assert_int_equal(r.y, 0);
	assert_int_equal(r.x, 0);
	assert_int_equal(r.h, 23);
	assert_int_equal(r.w, 80);
	assert_false(pane_visible(&lab, &pane_client));
	assert_false(pane_visible(&lab, &pane_servers));
	assert_ptr_equal(pane_at(&lab, 22, 0), &pane_log);
	/* Tab while zoomed stays on the only pane shown. */
	assert_ptr_equal(pane_step(&lab, &pane_log, 1), &pane_log);
}

static void test_tab_skips_hidden_panes(void **state)
{
	(void)state;
	at_size(40, 120);
	assert_true(pane_visible(&lab, &pane_presets));
	assert_ptr_equal(pane_step(&lab, &pane_client, 1), &pane_servers);
	assert_ptr_equal(pane_step(&lab, &pane_servers, 1), &pane_presets);
	assert_ptr_equal(pane_step(&lab, &pane_presets, 1), &pane_log);
	assert_ptr_equal(pane_step(&lab, &pane_log, 1), &pane_client);
	assert_ptr_equal(pane_step(&lab, &pane_client, -1), &pane_log);
	at_size(18, 80); /* too short for the presets */
	assert_false(pane_visible(&lab, &pane_presets));
	assert_ptr_equal(pane_step(&lab, &pane_servers, 1), &pane_log);
	assert_ptr_equal(pane_step(&lab, &pane_log, -1), &pane_servers);
}

static int ran;

static enum pane_result run_a(struct lab *l, int key)
{
	(void)l;
	ran = key;
	return PANE_REDRAW;
}

static void test_key_table(void **state)
{
	static const struct pane_key keys[] = {
	    {{0}, "doc", "only documents", NULL},
	    {{'a', 'b'}, "a/b", "runs run_a", run_a},
	};

	(void)state;
	ran = 0;
	assert_int_equal(pane_keys_run(keys, 2, &lab, 'b'), PANE_REDRAW);
	assert_int_equal(ran, 'b');
	ran = 0;
	assert_int_equal(pane_keys_run(keys, 2, &lab, 'c'), PANE_IGNORED);
	assert_int_equal(pane_keys_run(keys, 2, &lab, 0), PANE_IGNORED);
	assert_int_equal(ran, 0);
}

/* Every key a pane binds is in help: each runnable entry's codes belong
 * to an entry with a name, or follow one (a pair such as Up/Down). */
static void test_every_bound_key_is_documented(void **state)
{
	(void)state;
	for (size_t p = 0; p < pane_count; p++) {
		const struct pane *pn = pane_table[p];

		assert_non_null(pn->name);
		assert_non_null(pn->title);
		assert_non_null(pn->draw);
		assert_true(pn->nkeys == 0 || pn->keys[0].name != NULL);
		for (size_t k = 0; k < pn->nkeys; k++)
			if (pn->keys[k].name != NULL)
				assert_non_null(pn->keys[k].help);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rects_are_the_slots),		  cmocka_unit_test(test_zoom),
	    cmocka_unit_test(test_tab_skips_hidden_panes),	  cmocka_unit_test(test_key_table),
	    cmocka_unit_test(test_every_bound_key_is_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
