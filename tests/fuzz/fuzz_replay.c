/* fuzz_replay.c: libFuzzer harness over the recording reader (visualizer/record.c).
 *
 * The input is a recording: written to a memfd and opened with replay_open as
 * /proc/self/fd/N, as --replay opens a file, then every frame is rebuilt in order and a
 * few out of order (the history path), and the first line also goes through
 * record_parse_row alone. Issue 19: a cut last row, NaN and huge numbers, long lines.
 * Built and run by scripts/fuzz.sh (make fuzz); a short run is part of make test.
 * fuzz-sources: visualizer/record.c visualizer/numclamp.c visualizer/restaurant.c common/scoreboard.c common/clock.c common/errmsg.c
 * fuzz-libs: -lrt
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../visualizer/record.h"

static int write_input(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz_replay", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snapshot snap;
	int fd = write_input(data, size);
	if (fd < 0)
		return 0;
	char path[64], err[256];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	struct replay *r = replay_open(path, err, sizeof err);
	if (r) {
		size_t n = replay_frames(r);
		for (size_t i = 0; i < n && i < 300; i++)
			replay_frame(r, i, &snap);
		replay_frame(r, n / 2, &snap);
		replay_frame(r, 0, &snap);
		replay_frame(r, n + 5, &snap); /* past the end: the last frame */
		(void)replay_scenario(r);
		(void)replay_warning(r);
		replay_free(r);
	}
	close(fd);

	char *line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	double t;
	enum arena_side side;
	static struct side_snapshot ss;
	if (record_parse_row(line, &t, &side, &ss) == 0) {
		FILE *out = fopen("/dev/null", "w");
		if (out) {
			record_format_row(out, t, side, &ss);
			fclose(out);
		}
	}
	free(line);
	return 0;
}
