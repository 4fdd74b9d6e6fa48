/* fuzz_lesson.c: libFuzzer harness over the lesson reader (lessons/engine/lesson_doc.c).
 *
 * The input is a lesson file's Markdown: parsed with lesson_parse as the menu and
 * --lesson do, its steps walked (ids looked up, scenarios summarised). A lesson block
 * passes its scenario keys to the scenario reader, so the allow-list of pass-through
 * flags (issue 19, defect 5) is exercised here too.
 * fuzz-sources: lessons/engine/lesson_doc.c lessons/engine/lesson_heading.c visualizer/scenario.c visualizer/restaurant.c visualizer/arena.c visualizer/arena_peer.c visualizer/door.c visualizer/peer.c common/scoreboard.c common/clock.c common/errmsg.c common/textfile.c
 * fuzz-libs: -linih -lm -lrt
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lessons/engine/lesson_doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char err[256];
	struct lesson *l = lesson_parse(text, "lessons/42-fuzz.md", err, sizeof err);
	if (l) {
		char line[256];
		for (int i = 0; i < l->n_steps; i++) {
			scenario_summary(&l->step[i].sc, line, sizeof line);
			if (l->step[i].id[0])
				(void)lesson_step_index(l, l->step[i].id, i + 1);
			if (strstr(l->step[i].sc.loadgen_args, "--percentiles") || strstr(l->step[i].sc.blocking_args, "--host"))
				abort();
		}
		lesson_free(l);
	}
	free(text);
	return 0;
}
