/*
 * lang: locale and catalogue set-up for both front ends (see lang.h).
 *
 * A binary built in the tree finds the catalogues the Makefile compiled
 * next to it ($(BUILD)/locale, marked by a stamp file), so `./socklab`
 * speaks Spanish before `make install`; an installed one uses LOCALEDIR.
 */
#include "cli/lang.h"

#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "socklab/msg.h"

#include "localedir.h" /* SOCKLAB_LOCALEDIR, written by the Makefile from LOCALEDIR */
#define DOMAIN "socklab"
#define STAMP "socklab-catalogues" /* written by the Makefile into $(BUILD)/locale */

static char localedir[PATH_MAX + 32] = SOCKLAB_LOCALEDIR;

static const char *translate(const char *english)
{
	return dgettext(DOMAIN, english);
}

static const char *ntranslate(const char *one, const char *many, unsigned long n)
{
	return dngettext(DOMAIN, one, many, n);
}

/* The build tree's catalogues, relative to the binary's directory: the
 * default build puts ./socklab beside build/, a sanitizer build puts it
 * inside build-<san>/. */
static void find_build_tree(void)
{
	static const char *const rel[] = {"locale", "build/locale"};
	char exe[PATH_MAX], try[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	if (n <= 0)
		return;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL)
		return;
	*slash = '\0';
	for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
		snprintf(try, sizeof try, "%s/%s/" STAMP, exe, rel[i]);
		if (access(try, R_OK) == 0) {
			snprintf(localedir, sizeof localedir, "%s/%s", exe, rel[i]);
			return;
		}
	}
}

void lang_init(void)
{
	setlocale(LC_ALL, "");
	find_build_tree();
	bindtextdomain(DOMAIN, localedir);
	textdomain(DOMAIN);
	msg_set_translator(translate, ntranslate);
}

const char *lang_localedir(void)
{
	return localedir;
}
