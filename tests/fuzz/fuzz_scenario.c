/* fuzz_scenario.c: libFuzzer harness over the scenario reader (visualizer/scenario.c).
 *
 * The input is a scenario file: read as --scenario reads it (scenario_parse_file on a
 * memfd, so the size cap is in the path) and as text (scenario_parse_string); what
 * parses is written back with scenario_write and summarised. The allow-list of
 * pass-through flags (issue 19, defect 5) is part of what is fuzzed: a scenario that
 * parses must hold only allowed words in its *_args keys.
 * fuzz-sources: visualizer/scenario.c visualizer/restaurant.c common/errmsg.c common/textfile.c
 * fuzz-libs: -linih
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../visualizer/scenario.h"

static void use(const struct scenario *sc)
{
	char line[256];
	scenario_summary(sc, line, sizeof line);
	FILE *out = fopen("/dev/null", "w");
	if (out) {
		scenario_write(sc, out);
		fclose(out);
	}
	/* no word of a *_args key may be --host, --port or a file-writing flag */
	const char *args[] = { sc->blocking_args, sc->evented_args, sc->loadgen_args };
	for (int i = 0; i < 3; i++)
		if (strstr(args[i], "--host") || strstr(args[i], "--port") || strstr(args[i], "--percentiles") ||
		    strstr(args[i], "--series") || strstr(args[i], "--scoreboard"))
			abort();
	for (const char *p = sc->name; *p; p++)
		if ((unsigned char)*p < 0x20)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario sc;
	char err[256];
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	scenario_defaults(&sc);
	if (scenario_parse_string(&sc, text, err, sizeof err) == 0)
		use(&sc);
	free(text);

	int fd = memfd_create("fuzz_scenario", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		char path[64];
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		scenario_defaults(&sc);
		if (scenario_parse_file(&sc, path, err, sizeof err) == 0)
			use(&sc);
	}
	close(fd);
	return 0;
}
