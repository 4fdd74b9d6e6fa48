/* lesson_view.h: both restaurants in a narrow column beside the lesson pane. */
#ifndef LUNCHRUSH_LESSON_VIEW_H
#define LUNCHRUSH_LESSON_VIEW_H

#include <curses.h>

#include "../../visualizer/model.h"
#include "../../visualizer/view.h"

/* Draw s into w, stacked (blocking above evented); werase first, wnoutrefresh last. */
void lesson_view_draw(WINDOW *w, const struct snapshot *s, const struct view_opts *o);

#endif
