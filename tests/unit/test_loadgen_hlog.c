/* test_loadgen_hlog.c: the interval log (issue 17): the histogram layout is
 * HdrHistogram's, the encoding reads back through a second decoder written from the
 * format's description (tests/lib/hdrdecode.c) and through HdrHistogram's own
 * HistogramLogProcessor when Debian's libhdrhistogram-java is installed, damaged
 * input is refused with a reason, merged logs give the percentiles of one histogram
 * of every sample, a log cut short is told from a whole one, and --start-at parses
 * and bounds its time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../loadgen/hdrcodec.h"
#include "../../loadgen/hlog.h"
#include "../../loadgen/startat.h"
#include "../lib/hdrdecode.h"

#define JAR "/usr/share/java/hdrhistogram.jar"

static uint64_t rng = 88172645463325252ULL;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Latency-like values: mostly around a millisecond, a tail to seconds, some tiny. */
static uint64_t sample_us(void)
{
	uint64_t r = next_rand();
	switch (r % 10) {
	case 0:
		return r % 300;
	case 1:
		return 100000 + r % 5000000;
	default:
		return 800 + r % 900;
	}
}

static void tmp_path(char *buf, size_t cap, const char *name)
{
	const char *dir = getenv("TMPDIR");
	snprintf(buf, cap, "%s/lr-hlog-%d-%s", dir && *dir ? dir : "/tmp", (int)getpid(), name);
}

/* HdrHistogram's own index arithmetic for sub-bucket count 256, unit 1, written out
 * from its definition, against hist_bucket_index for values across the range. */
static void test_hist_layout_is_hdrhistogram(void **state)
{
	(void)state;
	for (uint64_t v = 0; v < (UINT64_C(1) << 32); v = v < 4096 ? v + 1 : v + v / 97 + 1) {
		int pow2ceiling = 64 - __builtin_clzll(v | 255);  /* bits of v, at least 8 */
		int bucket = pow2ceiling - 8;
		uint64_t sub = v >> bucket;
		size_t index = ((size_t)(bucket + 1) << 7) + (size_t)(sub - 128);
		assert_int_equal(hist_bucket_index(v), index);
		assert_int_equal(hist_bucket_high(index), hdrd_highest_equivalent(index));
	}
	assert_int_equal(HIST_BUCKETS, (25 + 1) * 128);  /* 25 buckets cover 2^32 - 1 */
}

static void fill(struct hist *h, int n)
{
	hist_init(h);
	for (int i = 0; i < n; i++)
		hist_record(h, sample_us());
	hist_record(h, HDR_HIGHEST_US);
	hist_record(h, 0);
}

static void test_hdrcodec_round_trip_and_second_decoder(void **state)
{
	static struct hist h, back;
	static struct hdrd_hist d;
	char *text = NULL, err[200];
	(void)state;
	fill(&h, 20000);
	long n = hdrcodec_encode(&h, &text);
	assert_true(n > 0);
	assert_int_equal(strncmp(text, "HISTF", 5), 0);  /* the cookie 0x1c849314 in base64 */
	assert_int_equal(hdrcodec_decode(text, (size_t)n, &back, err, sizeof err), 0);
	assert_memory_equal(h.buckets, back.buckets, sizeof h.buckets);
	assert_int_equal(back.count, h.count);

	assert_int_equal(hdrd_decode(text, (size_t)n, &d, false), 0);
	assert_int_equal(d.cookie, 0x1c849313);
	assert_int_equal(d.digits, 2);
	assert_int_equal(d.lowest, 1);
	assert_int_equal(d.highest, 4294967295ULL);
	assert_int_equal(d.total, h.count);
	for (size_t i = 0; i < HIST_BUCKETS; i++)
		assert_int_equal(d.counts[i], h.buckets[i]);
	print_message("%llu values in %ld base64 characters\n", (unsigned long long)h.count, n);
	free(text);
}

static void expect_refused(const char *text, const char *why_part)
{
	static struct hist h;
	char err[200] = "";
	assert_int_equal(hdrcodec_decode(text, strlen(text), &h, err, sizeof err), -EINVAL);
	print_message("refused: %s\n", err);
	assert_non_null(strstr(err, why_part));
	assert_int_equal(h.count, 0);
}

static void test_hdrcodec_refuses_damage(void **state)
{
	static struct hist h;
	char *text = NULL;
	(void)state;
	fill(&h, 1000);
	long n = hdrcodec_encode(&h, &text);
	assert_true(n > 20);
	expect_refused("HIST*AAA", "base64");
	expect_refused("AAAAAAAAAAAA", "cookie");
	text[n / 2 - (n / 2) % 4] = '\0';  /* cut: the zlib stream ends early */
	expect_refused(text, "histogram");
	free(text);
	/* every single-character change is refused or decodes to something; none crashes */
	n = hdrcodec_encode(&h, &text);
	for (long i = 0; i < n; i++) {
		char keep = text[i];
		static struct hist out;
		text[i] = keep == 'A' ? 'B' : 'A';
		(void)hdrcodec_decode(text, (size_t)n, &out, NULL, 0);
		text[i] = keep;
	}
	free(text);
}

/* HistogramLogProcessor over path (untagged lines, or one tag): its total count must
 * be ours, its max within the max's bucket. About 0.3 s of JVM. */
static void java_counts_all(const char *path, const char *tag_opt, const struct hist *h)
{
	char cmd[900], out[300], line[512];
	snprintf(out, sizeof out, "%s.java", path);
	snprintf(cmd, sizeof cmd, "java -cp %s org.HdrHistogram.HistogramLogProcessor -i %s%s "
		 "-outputValueUnitRatio 1000 -o %s >/dev/null 2>&1", JAR, path, tag_opt, out);
	assert_int_equal(system(cmd), 0);
	strcat(out, ".hgrm");
	FILE *f = fopen(out, "r");
	assert_non_null(f);
	unsigned long long total = 0;
	double max_ms = 0;
	while (fgets(line, sizeof line, f))
		sscanf(line, "#[Max = %lf, Total count = %llu]", &max_ms, &total);
	fclose(f);
	print_message("HistogramLogProcessor%s: total count %llu (ours %llu), max %.3f ms (ours %.3f)\n", tag_opt,
		      total, (unsigned long long)h->count, max_ms, h->max_us / 1000.0);
	assert_int_equal(total, h->count);
	/* its max is the top of the max's bucket: within 1 % of the exact one */
	assert_true(max_ms >= h->max_us / 1000.0 * 0.999 && max_ms <= h->max_us / 1000.0 * 1.01);
	unlink(out);
	out[strlen(out) - 5] = '\0';
	unlink(out);
}

/* Three "hosts" log their share of one stream of samples; the logs read back and
 * summed give exactly the percentiles of one histogram of all the samples. */
static void test_hlog_merge_is_exact(void **state)
{
	static struct hist all, host[3];
	char path[3][256], err[300];
	(void)state;
	hist_init(&all);
	for (int k = 0; k < 3; k++) {
		tmp_path(path[k], sizeof path[k], k == 0 ? "a" : k == 1 ? "b" : "c");
		hist_init(&host[k]);
		struct hlog_writer *w = hlog_new(path[k], 1000, 1800000000.0, true, "[test]", err, sizeof err);
		assert_non_null(w);
		for (int t = 1; t <= 4; t++) {
			for (int i = 0; i < 3000; i++) {
				uint64_t v = sample_us();
				hist_record(&host[k], v);
				hist_record(&all, v);
			}
			assert_int_equal(hlog_interval(w, 1000 + (uint64_t)t * 1000000000ULL, &host[k], &host[k]), 0);
		}
		assert_int_equal(hlog_end(w, host[k].count, 4.0, (double)host[k].count / 4.0), 0);
		hlog_free(w);
	}
	static struct hist merged;
	hist_init(&merged);
	for (int k = 0; k < 3; k++) {
		struct hlog_file f;
		hlog_file_init(&f);
		assert_int_equal(hlog_read(&f, path[k], err, sizeof err), 0);
		assert_true(f.complete);
		assert_int_equal(f.n, 8);  /* 4 intervals, corrected and uncorrected */
		assert_int_equal(f.latency->count, host[k].count);
		assert_int_equal(f.latency->max_us, host[k].max_us);
		assert_true(f.entries[2].start_epoch_s > 1800000000.9 && f.entries[2].start_epoch_s < 1800000001.1);
		hist_merge(&merged, f.latency);
		hlog_file_destroy(&f);
	}
	static const double pct[] = { 0.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0 };
	for (size_t i = 0; i < sizeof pct / sizeof pct[0]; i++) {
		print_message("p%g: merged %llu us, one histogram %llu us\n", pct[i],
			      (unsigned long long)hist_percentile(&merged, pct[i]),
			      (unsigned long long)hist_percentile(&all, pct[i]));
		assert_int_equal(hist_percentile(&merged, pct[i]), hist_percentile(&all, pct[i]));
	}
	assert_int_equal(merged.count, all.count);

	/* HdrHistogram's own reader, where Debian ships it: it must count every value */
	if (access(JAR, R_OK) != 0 || system("java -version >/dev/null 2>&1") != 0) {
		print_message("HistogramLogProcessor check skipped: %s or java not installed "
			      "(apt-get install libhdrhistogram-java)\n", JAR);
	} else {
		for (int tagged = 0; tagged < 2; tagged++)
			java_counts_all(path[0], tagged ? " -tag " HLOG_TAG_UNCORRECTED : "", &host[0]);
	}
	for (int k = 0; k < 3; k++)
		unlink(path[k]);
}

static void test_hlog_cut_short_is_told(void **state)
{
	static struct hist h;
	char path[256], err[300];
	(void)state;
	tmp_path(path, sizeof path, "cut");
	fill(&h, 500);
	struct hlog_writer *w = hlog_new(path, 0, 1800000000.0, false, NULL, err, sizeof err);
	assert_non_null(w);
	assert_int_equal(hlog_interval(w, 1000000000ULL, &h, NULL), 0);
	assert_int_equal(hlog_interval(w, 2000000000ULL, &h, NULL), 0);  /* an empty interval */
	hlog_free(w);  /* no end line: as if killed */

	FILE *f = fopen(path, "r");
	static char text[1 << 16];
	size_t len = fread(text, 1, sizeof text, f);
	fclose(f);
	struct hlog_file lf;
	hlog_file_init(&lf);
	assert_int_equal(hlog_read_text(&lf, text, len, err, sizeof err), 0);
	assert_false(lf.complete);
	assert_false(lf.cut_line);
	assert_int_equal(lf.n, 2);
	assert_int_equal(lf.entries[1].count, 0);
	hlog_file_destroy(&lf);

	hlog_file_init(&lf);  /* cut inside the last line */
	assert_int_equal(hlog_read_text(&lf, text, len - 10, err, sizeof err), 0);
	assert_false(lf.complete);
	assert_true(lf.cut_line);
	assert_int_equal(lf.n, 1);
	assert_int_equal(lf.latency->count, h.count);
	hlog_file_destroy(&lf);

	hlog_file_init(&lf);  /* a damaged line is named */
	char *mid = strstr(text, "HISTF");
	assert_non_null(mid);
	mid[8] = '*';
	assert_int_equal(hlog_read_text(&lf, text, len, err, sizeof err), -EINVAL);
	print_message("damaged: %s\n", err);
	assert_non_null(strstr(err, "line 6"));
	hlog_file_destroy(&lf);
	unlink(path);
}

static void test_start_at_parse_and_bounds(void **state)
{
	double t;
	char err[300];
	(void)state;
	assert_int_equal(start_at_parse("1800000000", &t), 0);
	assert_true(t == 1800000000.0);
	assert_int_equal(start_at_parse("1800000000.25", &t), 0);
	assert_true(t == 1800000000.25);
	assert_int_equal(start_at_parse("2027-01-15T08:00:00Z", &t), 0);
	assert_true(t == 1800000000.0);
	assert_int_equal(start_at_parse("2027-01-15 09:30:00+01:30", &t), 0);
	assert_true(t == 1800000000.0);
	assert_int_equal(start_at_parse("2027-01-15T08:00:00.5", &t), 0);
	assert_true(t == 1800000000.5);
	static const char *const bad[] = { "", "soon", "-5", "2027-01-15", "2027-01-15T08:00:00Zjunk", "1e9" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(start_at_parse(bad[i], &t), -EINVAL);

	assert_int_equal(start_at_check(1000.0 + 30, 1000.0, err, sizeof err), 0);
	assert_int_equal(start_at_check(1000.0 - 0.5, 1000.0, err, sizeof err), 0);
	assert_int_equal(start_at_check(1000.0 + 7200, 1000.0, err, sizeof err), -ERANGE);
	assert_non_null(strstr(err, "more than the hour"));
	assert_int_equal(start_at_check(1000.0 - 60, 1000.0, err, sizeof err), -ERANGE);
	assert_non_null(strstr(err, "60.0 s ago"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist_layout_is_hdrhistogram),
		cmocka_unit_test(test_hdrcodec_round_trip_and_second_decoder),
		cmocka_unit_test(test_hdrcodec_refuses_damage),
		cmocka_unit_test(test_hlog_merge_is_exact),
		cmocka_unit_test(test_hlog_cut_short_is_told),
		cmocka_unit_test(test_start_at_parse_and_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
