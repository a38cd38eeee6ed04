/*
 * tui_log: the bounded scrollback ring (see tui_log.h).
 */
#include "tui/tui_log.h"

#include <stdlib.h>
#include <string.h>

int tui_log_init(struct tui_log *log, size_t cap)
{
	memset(log, 0, sizeof *log);
	if (cap == 0)
		cap = 1;
	log->slots = calloc(cap, sizeof *log->slots);
	if (log->slots == NULL)
		return -1;
	log->cap = cap;
	return 0;
}

void tui_log_clear(struct tui_log *log)
{
	for (size_t i = 0; i < log->count; i++) {
		struct tui_log_line *l = &log->slots[(log->head + i) % log->cap];

		free(l->text);
		l->text = NULL;
	}
	log->head = log->count = 0;
	log->scroll = 0;
}

void tui_log_free(struct tui_log *log)
{
	if (log->slots == NULL)
		return;
	tui_log_clear(log);
	free(log->slots);
	log->slots = NULL;
}

/* Length of text cut to max bytes without splitting a UTF-8 sequence. */
static size_t cut_utf8(const char *text, size_t max)
{
	size_t n = strlen(text);

	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
		n--;
	return n;
}

bool tui_log_push(struct tui_log *log, const char *text, unsigned flags)
{
	size_t n = cut_utf8(text, TUI_LOG_LINE_MAX);
	char *copy = malloc(n + 1);
	struct tui_log_line *slot;

	log->total++;
	if (copy == NULL) {
		log->evicted++;
		return false;
	}
	memcpy(copy, text, n);
	copy[n] = '\0';
	if (log->count == log->cap) {
		slot = &log->slots[log->head];
		free(slot->text);
		log->head = (log->head + 1) % log->cap;
		log->count--;
		log->evicted++;
	}
	slot = &log->slots[(log->head + log->count) % log->cap];
	slot->text = copy;
	slot->flags = flags;
	log->count++;
	/* A user reading old lines keeps them in view as new ones arrive. */
	if (log->scroll > 0 && log->scroll + 1 < log->count)
		log->scroll++;
	else if (log->scroll > 0)
		log->scroll = log->count - 1;
	return true;
}

const struct tui_log_line *tui_log_get(const struct tui_log *log, size_t i)
{
	if (i >= log->count)
		return NULL;
	return &log->slots[(log->head + i) % log->cap];
}

void tui_log_scroll(struct tui_log *log, long delta)
{
	long s = (long)log->scroll + delta;
	long max = log->count > 0 ? (long)log->count - 1 : 0;

	if (s < 0)
		s = 0;
	if (s > max)
		s = max;
	log->scroll = (size_t)s;
}
