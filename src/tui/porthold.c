/*
 * porthold: the program behind a port (see porthold.h).
 */
#include "tui/porthold.h"

#include <ctype.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TCP_LISTEN 0x0A

/* The inode of a socket on port in one /proc/net table; 0: none. */
static unsigned long find_inode(const char *table, bool udp, uint16_t port)
{
	FILE *f = fopen(table, "r");
	char line[512];
	unsigned long found = 0;

	if (f == NULL)
		return 0;
	if (fgets(line, sizeof line, f) == NULL) { /* the header */
		fclose(f);
		return 0;
	}
	while (found == 0 && fgets(line, sizeof line, f) != NULL) {
		char local[64], remote[64];
		unsigned state, lport;
		unsigned long inode;
		char *colon;

		/* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
		if (sscanf(line, "%*s %63s %63s %x %*s %*s %*s %*s %*s %lu", local, remote, &state,
			   &inode) != 4)
			continue;
		colon = strrchr(local, ':');
		if (colon == NULL || sscanf(colon + 1, "%x", &lport) != 1 || lport != port)
			continue;
		if (!udp && state != TCP_LISTEN)
			continue;
		found = inode;
	}
	fclose(f);
	return found;
}

/* The process with socket:[inode] open: its name and pid. */
static bool find_process(unsigned long inode, char *out, size_t cap)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;
	char want[64];
	bool ok = false;

	if (proc == NULL)
		return false;
	snprintf(want, sizeof want, "socket:[%lu]", inode);
	while (!ok && (d = readdir(proc)) != NULL) {
		char path[600], link[64], comm[64] = "?";
		DIR *fds;
		struct dirent *fd;
		FILE *cf;

		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		snprintf(path, sizeof path, "/proc/%s/fd", d->d_name);
		fds = opendir(path);
		if (fds == NULL)
			continue; /* another user's, or gone */
		while (!ok && (fd = readdir(fds)) != NULL) {
			ssize_t n;

			if (fd->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "/proc/%s/fd/%s", d->d_name, fd->d_name);
			n = readlink(path, link, sizeof link - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			ok = strcmp(link, want) == 0;
		}
		closedir(fds);
		if (!ok)
			continue;
		snprintf(path, sizeof path, "/proc/%s/comm", d->d_name);
		cf = fopen(path, "r");
		if (cf != NULL) {
			if (fgets(comm, sizeof comm, cf) != NULL)
				comm[strcspn(comm, "\n")] = '\0';
			fclose(cf);
		}
		snprintf(out, cap, "%s (pid %s)", comm, d->d_name);
	}
	closedir(proc);
	return ok;
}

enum porthold_result porthold_find(bool udp, uint16_t port, char *out, size_t cap)
{
	const char *tables[2] = {udp ? "/proc/net/udp" : "/proc/net/tcp",
				 udp ? "/proc/net/udp6" : "/proc/net/tcp6"};
	unsigned long inode = 0;

	for (int i = 0; i < 2 && inode == 0; i++)
		inode = find_inode(tables[i], udp, port);
	if (inode == 0)
		return PORTHOLD_NONE;
	return find_process(inode, out, cap) ? PORTHOLD_PROGRAM : PORTHOLD_HIDDEN;
}
