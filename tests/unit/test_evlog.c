/*
 * test_evlog: the --log writer: every event a JSON line, read back; a
 * directory and a FIFO without a reader refused at once (never blocking);
 * /dev/full and a file past RLIMIT_FSIZE (SIGXFSZ ignored: EFBIG) failing
 * at the first flush with the file, the cause and the events lost,
 * counted exactly and said again at close; a NULL log closes cleanly.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "json_check.h"
#include "socklab/evlog.h"
#include "socklab/msg.h"

static char dir[] = "/tmp/socklab-evlog-XXXXXX";

static const struct event *ev_recv(const char *data)
{
	static struct event ev;

	event_init(&ev, EV_RECV);
	ev.server = 1;
	event_set_data(&ev, data, strlen(data));
	return &ev;
}

static void test_writes_every_event(void **state)
{
	char path[300], err[300], line[EVENT_FORMAT_MAX];
	struct evlog *l;
	FILE *f;
	int n = 0;

	(void)state;
	snprintf(path, sizeof path, "%s/ok.jsonl", dir);
	l = evlog_open(path, err, sizeof err);
	assert_non_null(l);
	assert_string_equal(evlog_path(l), path);
	for (int i = 0; i < 5000; i++)
		assert_int_equal(evlog_write(l, ev_recv("hola\xff")), 0);
	assert_int_equal(evlog_flush(l), 0);
	assert_false(evlog_failed(l));
	assert_int_equal(evlog_close(l, err, sizeof err), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		char data[64];

		assert_true(json_valid(line, strlen(line)));
		assert_true(json_get_str(line, strlen(line), "data", data, sizeof data));
		n++;
	}
	fclose(f);
	assert_int_equal(n, 5000);
	unlink(path);
	assert_int_equal(evlog_close(NULL, err, sizeof err), 0);
}

static void test_refuses_what_would_block(void **state)
{
	char path[300], err[300];

	(void)state;
	assert_null(evlog_open(dir, err, sizeof err));
	assert_non_null(strstr(err, "Is a directory"));
	snprintf(path, sizeof path, "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	/* No reader: refused at once, where a plain open would hang. */
	assert_null(evlog_open(path, err, sizeof err));
	assert_non_null(strstr(err, path));
	unlink(path);
	snprintf(path, sizeof path, "%s/no/such.jsonl", dir);
	assert_null(evlog_open(path, err, sizeof err));
	assert_non_null(strstr(err, "No such file or directory"));
}

static void test_full_device(void **state)
{
	char err[300];
	struct evlog *l;

	(void)state;
	l = evlog_open("/dev/full", err, sizeof err);
	assert_non_null(l);
	assert_int_equal(evlog_write(l, ev_recv("a")), 0);
	assert_int_equal(evlog_write(l, ev_recv("b")), 0);
	assert_int_equal(evlog_flush(l), -1);
	assert_true(evlog_failed(l));
	assert_int_equal(evlog_lost(l), 2);
	evlog_describe(l, err, sizeof err);
	assert_string_equal(err, "/dev/full: No space left on device: 2 events not logged");
	/* After the failure, every event is counted, none written. */
	assert_int_equal(evlog_write(l, ev_recv("c")), -1);
	assert_int_equal(evlog_lost(l), 3);
	assert_int_equal(evlog_close(l, err, sizeof err), -1);
	assert_string_equal(err, "/dev/full: No space left on device: 3 events not logged");
}

/* A catalogue with a plural form for each count, as ngettext gives one:
 * the sentence is chosen whole by n, never glued from a word and an "s". */
static const char *fake_tr(const char *english)
{
	return english;
}

static const char *fake_ntr(const char *one, const char *many, unsigned long n)
{
	(void)one, (void)many;
	return n == 1 ? "%s: %s: %llu evento sin registrar" : "%s: %s: %llu eventos sin registrar";
}

static void test_describe_plural(void **state)
{
	char err[300];
	struct evlog *l;

	(void)state;
	l = evlog_open("/dev/full", err, sizeof err);
	assert_non_null(l);
	assert_int_equal(evlog_write(l, ev_recv("a")), 0);
	assert_int_equal(evlog_flush(l), -1);
	evlog_describe(l, err, sizeof err);
	assert_string_equal(err, "/dev/full: No space left on device: 1 event not logged");
	msg_set_translator(fake_tr, fake_ntr);
	evlog_describe(l, err, sizeof err);
	assert_string_equal(err, "/dev/full: No space left on device: 1 evento sin registrar");
	assert_int_equal(evlog_write(l, ev_recv("b")), -1);
	evlog_describe(l, err, sizeof err);
	assert_string_equal(err, "/dev/full: No space left on device: 2 eventos sin registrar");
	msg_set_translator(NULL, NULL);
	assert_int_equal(evlog_close(l, err, sizeof err), -1);
	assert_string_equal(err, "/dev/full: No space left on device: 2 events not logged");
}

static void test_file_size_limit(void **state)
{
	char path[300], err[300];
	struct rlimit old, lim = {.rlim_cur = 100000, .rlim_max = RLIM_INFINITY};
	struct evlog *l;
	struct stat st;
	uint64_t lost, lines = 0;
	int rc = 0, i;

	(void)state;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim.rlim_max = old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	snprintf(path, sizeof path, "%s/big.jsonl", dir);
	l = evlog_open(path, err, sizeof err);
	assert_non_null(l);
	for (i = 0; i < 5000 && rc == 0; i++)
		rc = evlog_write(l, ev_recv("0123456789"));
	if (rc == 0)
		rc = evlog_flush(l);
	assert_int_equal(rc, -1);
	assert_int_equal(evlog_close(l, err, sizeof err), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_non_null(strstr(err, "File too large"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 100000);
	/* Whole lines written plus the lost ones are every event offered. */
	{
		FILE *f = fopen(path, "r");
		int c;

		assert_non_null(f);
		while ((c = fgetc(f)) != EOF)
			lines += c == '\n';
		fclose(f);
	}
	/* A line cut at the limit counts as lost, not as written. */
	assert_non_null(strstr(err, "File too large: "));
	lost = strtoull(strstr(err, "File too large: ") + 16, NULL, 10);
	assert_int_equal(lines + lost, (uint64_t)i);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_writes_every_event),
	    cmocka_unit_test(test_refuses_what_would_block),
	    cmocka_unit_test(test_full_device),
	    cmocka_unit_test(test_describe_plural),
	    cmocka_unit_test(test_file_size_limit),
	};
	int rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return rc;
}
