/* lesson_progress.h: which lessons a student started and finished, kept between runs
 * in $XDG_STATE_HOME/lunchrush/progress (or ~/.local/state/lunchrush/progress): one
 * line per lesson, "SLUG started" or "SLUG done". The menu shows it as marks.
 */
#ifndef LUNCHRUSH_LESSON_PROGRESS_H
#define LUNCHRUSH_LESSON_PROGRESS_H

#include <stddef.h>

enum lesson_mark { MARK_NONE = 0, MARK_STARTED, MARK_DONE };

/* The progress file's path. 0, or -ENOENT when neither XDG_STATE_HOME nor HOME is set. */
int progress_path(char *buf, size_t len);

/* The mark of a lesson (MARK_NONE when the file or the line is missing). */
enum lesson_mark progress_get(const char *slug);

/* Record a mark, never lowering it (done stays done). Creates the folders; the file is
 * replaced atomically (written aside, then renamed). 0 or a negative errno. */
int progress_set(const char *slug, enum lesson_mark mark);

/* "[ ]", "[~]", "[x]" */
const char *progress_mark_text(enum lesson_mark mark);

#endif
