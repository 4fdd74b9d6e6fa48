#include "lesson_ui.h"
int lesson_ui_menu(const struct lesson_ui_opts *o) { (void)o; return 2; }
int lesson_ui_lesson(const struct lesson_ui_opts *o, const struct lesson *l) { (void)o; (void)l; return 2; }
