/*
 * pane: the pane table and the routing every pane shares (see pane.h).
 */
#include "tui/pane.h"

#include "tui/kernel.h"
#include "tui/tui_lab.h"

/* The Tab order. */
const struct pane *const pane_table[] = {
    &pane_client,
    &pane_servers,
    &pane_presets,
    &pane_log,
    /* The log's slot, in turn with F8: what the kernel does (kernel.h). */
    &pane_wire,
    &pane_trace,
    &pane_sockets,
    &pane_ladder,
    &pane_lesson,
};
const size_t pane_count = sizeof pane_table / sizeof pane_table[0];

static const struct tui_rect *slot_rect(const struct tui_layout *lay, enum pane_slot s)
{
	switch (s) {
	case PANE_SLOT_SERVERS:
		return &lay->servers;
	case PANE_SLOT_PRESETS:
		return &lay->presets;
	case PANE_SLOT_MAIN:
		return &lay->log;
	case PANE_SLOT_CLIENT:
	default:
		return &lay->client;
	}
}

const struct pane *pane_slot_shown(const struct lab *lab, enum pane_slot s)
{
	if (lab->slot_pane[s] != NULL)
		return lab->slot_pane[s];
	for (size_t i = 0; i < pane_count; i++)
		if (pane_table[i]->slot == s)
			return pane_table[i];
	return NULL;
}

struct tui_rect pane_rect(const struct lab *lab, const struct pane *p)
{
	const struct tui_layout *lay = &lab->lay;
	struct tui_rect none = {0, 0, 0, 0};

	if (lay->too_small || p == NULL)
		return none;
	if (lab->zoom && lab->focus != NULL) {
		if (p != lab->focus)
			return none;
		return (struct tui_rect){0, 0, lay->rows - 1, lay->cols};
	}
	if (pane_slot_shown(lab, p->slot) != p)
		return none;
	return *slot_rect(lay, p->slot);
}

bool pane_visible(const struct lab *lab, const struct pane *p)
{
	return pane_rect(lab, p).h > 0;
}

const struct pane *pane_at(const struct lab *lab, int y, int x)
{
	for (size_t i = 0; i < pane_count; i++) {
		struct tui_rect r = pane_rect(lab, pane_table[i]);

		if (tui_rect_contains(&r, y, x))
			return pane_table[i];
	}
	return NULL;
}

static size_t index_of(const struct pane *p)
{
	for (size_t i = 0; i < pane_count; i++)
		if (pane_table[i] == p)
			return i;
	return 0;
}

const struct pane *pane_step(const struct lab *lab, const struct pane *p, int dir)
{
	size_t i = index_of(p);

	for (size_t k = 0; k < pane_count; k++) {
		i = (i + pane_count + (size_t)(dir < 0 ? -1 : 1)) % pane_count;
		if (pane_visible(lab, pane_table[i]))
			return pane_table[i];
	}
	return p;
}

void pane_show(struct lab *lab, const struct pane *p)
{
	lab->slot_pane[p->slot] = p;
}

const struct pane *pane_slot_next(const struct lab *lab, const struct pane *p)
{
	size_t i = index_of(p);

	for (size_t k = 1; k < pane_count; k++) {
		const struct pane *q = pane_table[(i + k) % pane_count];

		if (q->slot == p->slot && (q->absent == NULL || !q->absent(lab)))
			return q;
	}
	return p;
}

const struct pane *pane_modal(const struct lab *lab)
{
	for (size_t i = 0; i < pane_count; i++)
		if (pane_table[i]->modal != NULL && pane_table[i]->modal(lab))
			return pane_table[i];
	return NULL;
}

enum pane_result pane_keys_run(const struct pane_key *keys, size_t n, struct lab *lab, int key)
{
	for (size_t i = 0; i < n; i++) {
		if (keys[i].run == NULL)
			continue;
		for (int k = 0; k < PANE_KEY_CODES && keys[i].codes[k] != 0; k++)
			if (keys[i].codes[k] == key)
				return keys[i].run(lab, key);
	}
	return PANE_IGNORED;
}
