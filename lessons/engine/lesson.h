/* lesson.h: the guided lessons (issue 6), run by `bin/dashboard --lesson N` and
 * `bin/dashboard --lesson N --check`. main.c hands over argv as it came; the lessons
 * build on arena.h, model.h and scenario.h. */
#ifndef LUNCHRUSH_LESSON_H
#define LUNCHRUSH_LESSON_H

/* Run what argv asks (--lesson ARG, --check, ...). Returns the process exit status. */
int lesson_main(int argc, char **argv);

#endif
