/* lesson_glossary.h: the words of the lessons and the dashboard, one meaning each: the
 * page `?` shows in a lesson and `bin/dashboard --lesson glossary` prints (the same
 * table is in lessons/README.md). No ncurses.
 */
#ifndef LUNCHRUSH_LESSON_GLOSSARY_H
#define LUNCHRUSH_LESSON_GLOSSARY_H

#include <stddef.h>
#include <stdio.h>

struct glossary_entry {
	const char *word;
	const char *meaning;
};

/* The table, and how many entries it has. */
const struct glossary_entry *lesson_glossary(size_t *n);

/* Print it, one "word: meaning" paragraph per entry, wrapped at 78 columns. */
void lesson_glossary_print(FILE *out);

#endif
