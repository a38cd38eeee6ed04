/*
 * pane_lesson: the lesson the lab runs and its pane (pane_lesson.c).
 */
#ifndef SOCKLAB_TUI_PANE_LESSON_H
#define SOCKLAB_TUI_PANE_LESSON_H

#include <stddef.h>

#include "socklab/event.h"

struct lab;
struct lab_lesson;

/* Loads lesson WHAT: a shipped one by id ("1", "1.b"), or a file (a
 * path, or a name ending in .lesson). Returns 0, or -1 with a message
 * naming the lesson, the line and the cause in err. */
int lesson_load(const char *what, struct lab_lesson **out, char *err, size_t cap);
void lesson_free(struct lab_lesson *ll);

/* Once the terminal runs: starts the lesson's servers, puts its try
 * lines in the prompt's history, shows its pane. */
void lesson_start(struct lab *lab);

/* Every event the lab takes, for the checklist. */
void lesson_event(struct lab *lab, const struct event *ev);

/* The lab's stats tick: the kernel's socket table, while a check waits
 * for it (closer-time-wait). */
void lesson_tick(struct lab *lab);

#endif
