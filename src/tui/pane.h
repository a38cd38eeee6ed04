/*
 * pane: the lab's panes behind one interface, and the table that lists
 * them.
 *
 * A pane owns its drawing, its keys and its mouse. The lab (tui.c) only
 * asks the table: which pane is where (pane_rect), which has the focus,
 * who takes this key. A key goes first to the focused pane's key table
 * (struct pane_key: the codes, the name and help line the help overlay
 * shows, the handler), then to its .key function (text fields, readline),
 * and only when both ignore it to the lab's own keys (lab_keys in tui.c).
 * A handler says what happened (enum pane_result); it never quits or
 * moves the focus itself.
 *
 * Adding a pane (trace, wire, sockets, lessons, ...):
 *   1. Write src/tui/pane_NAME.c defining
 *        const struct pane pane_NAME = {
 *            .name = "NAME", .title = MSG_..., .slot = PANE_SLOT_MAIN,
 *            .status = MSG_... (its keys, for the status bar),
 *            .keys = NAME_keys, .nkeys = ..., .draw = NAME_draw, ...
 *        };
 *      Draw only inside the rect you are given, with paint.h's helpers
 *      (they clip, ellipsise and use the lab's colours); keep your state
 *      in your file or in a struct you add to struct lab; list every key
 *      you bind in .keys (that is what F1 shows, so help cannot lie);
 *      put geometry that both drawing and clicks need in one function.
 *   2. Declare it below (extern const struct pane pane_NAME;) and add
 *      &pane_NAME to pane_table[] in pane.c: the table's order is the
 *      Tab order. Panes that share a slot take turns in it (F8 shows the
 *      slot's next pane); F9 zooms the focused pane to the whole screen.
 *   3. A tmux test in tests/tui/ and, for pure parts, a cmocka test.
 * Nothing else changes: focus, help, status bar, zoom and the mouse's
 * routing all come from the table.
 */
#ifndef SOCKLAB_TUI_PANE_H
#define SOCKLAB_TUI_PANE_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/tui_layout.h"

struct lab;

/* What a key or click did. */
enum pane_result {
	PANE_IGNORED,	 /* not this pane's: the lab's own keys get it */
	PANE_HANDLED,	 /* used; nothing to redraw */
	PANE_REDRAW,	 /* used; the screen changed */
	PANE_FOCUS_NEXT, /* used; focus moves to the next pane */
	PANE_FOCUS_PREV,
	PANE_QUIT, /* the user asks to quit (the lab may ask to confirm) */
};

/* Where a pane sits in the layout (tui_layout.h's picture). */
enum pane_slot {
	PANE_SLOT_SERVERS, /* left column, top */
	PANE_SLOT_PRESETS, /* left column, bottom (hidden on short terminals) */
	PANE_SLOT_MAIN,	   /* the right column */
	PANE_SLOT_CLIENT,  /* the full-width bottom pane */
	PANE_SLOT_COUNT
};

#define PANE_KEY_CODES 8

/* One binding: up to PANE_KEY_CODES curses codes (0 ends the list) that
 * run the handler. An entry with no codes and no handler only documents
 * keys that .key or readline handle (shown in help all the same). */
struct pane_key {
	int codes[PANE_KEY_CODES];
	const char *name; /* as help shows the keys: "Up/Down" */
	const char *help; /* what they do, one line */
	enum pane_result (*run)(struct lab *lab, int key);
};

struct pane {
	const char *name;  /* short and stable: "client", "log" */
	const char *title; /* the title bar's name, and help's heading */
	enum pane_slot slot;
	const char *status; /* the status bar while focused */
	const struct pane_key *keys;
	size_t nkeys;
	/* Paints the pane inside r (r->h > 0). */
	void (*draw)(struct lab *lab, const struct tui_rect *r, bool focused);
	/* Keys its table does not bind; NULL: none. */
	enum pane_result (*key)(struct lab *lab, int key);
	/* A press of button 1 at (y, x) inside r, or the wheel (wheel -1:
	 * up, 1: down, 0: a press). NULL: a click only focuses it. */
	enum pane_result (*mouse)(struct lab *lab, const struct tui_rect *r, int y, int x,
				  int wheel);
	/* Optional: true while the pane takes every key but F10 (a prompt,
	 * its overlay), focused or not: keys go to .key, not its table. */
	bool (*modal)(const struct lab *lab);
	/* Optional: painted over the whole screen after every pane (a
	 * detail view); it decides itself whether there is anything to show. */
	void (*overlay)(struct lab *lab);
	/* Optional: the status bar's text when it is not .status. */
	const char *(*status_text)(const struct lab *lab);
	/* Optional: where the terminal cursor goes while focused (false:
	 * hidden). Called after draw. */
	bool (*cursor)(const struct lab *lab, int *y, int *x);
	/* Optional: Ctrl-C while focused (or modal): what it stops in the
	 * pane (the typed line, a prompt). PANE_IGNORED: nothing to stop, so
	 * Ctrl-C asks to quit. */
	enum pane_result (*interrupt)(struct lab *lab);
	/* Optional: true while the pane has nothing to show (the lessons
	 * pane without --lesson): F8 leaves it out of its slot's turns. */
	bool (*absent)(const struct lab *lab);
	/* Optional: after the terminal has started, and at the end. */
	int (*init)(struct lab *lab);
	void (*fini)(struct lab *lab);
};

extern const struct pane pane_client, pane_servers, pane_presets, pane_log, pane_lesson;

extern const struct pane *const pane_table[];
extern const size_t pane_count;

/* The pane's rect now (h == 0: not shown: its slot is hidden, another
 * pane has the slot, or another pane is zoomed). */
struct tui_rect pane_rect(const struct lab *lab, const struct pane *p);
bool pane_visible(const struct lab *lab, const struct pane *p);
/* The shown pane at screen (y, x), or NULL. */
const struct pane *pane_at(const struct lab *lab, int y, int x);
/* The next (dir 1) or previous (-1) shown pane after p in Tab order. */
const struct pane *pane_step(const struct lab *lab, const struct pane *p, int dir);
/* Makes p the pane its slot shows. */
void pane_show(struct lab *lab, const struct pane *p);
/* The pane slot s shows: the one chosen with F8, else its first. */
const struct pane *pane_slot_shown(const struct lab *lab, enum pane_slot s);
/* The next pane of p's slot (F8), or p when it is alone there. */
const struct pane *pane_slot_next(const struct lab *lab, const struct pane *p);

/* The pane that takes every key now (see .modal), or NULL. */
const struct pane *pane_modal(const struct lab *lab);

/* Runs key through a key table; PANE_IGNORED when no entry has it. */
enum pane_result pane_keys_run(const struct pane_key *keys, size_t n, struct lab *lab, int key);

#endif
