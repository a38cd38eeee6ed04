/*
 * lang: the program's language, set once at start by the entry point.
 */
#ifndef SOCKLAB_LANG_H
#define SOCKLAB_LANG_H

/* Follows the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), finds the
 * catalogues (the build tree's when the binary runs from it, otherwise
 * $(PREFIX)/share/locale), and hands the core its translator. */
void lang_init(void);

/* The directory the catalogues were looked up in. */
const char *lang_localedir(void);

#endif
