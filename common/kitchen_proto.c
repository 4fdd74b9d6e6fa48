/* kitchen_proto.c: format and parse the kitchen's one-line ticket protocol
 * (see kitchen_proto.h). Bytes in, numbers out: no sockets here, so bin/kitchen, both
 * servers and the fuzzer share it. Lesson 12 (ten stoves) shows these lines in nc.
 *
 * Parsing is strict: single spaces, decimal digits only, nothing after the last field.
 * One trailing '\r' is forgiven so a telnet user (who sends CRLF) is understood.
 */
#include "kitchen_proto.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define KITCHEN_COOK_MAX_MS 60000
#define ID_DIGITS_MAX 20

/* A cursor over one line; every reader advances it or fails. */
struct cursor {
	const char *p;
	const char *end;
};

static bool take_word(struct cursor *c, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return false;
	c->p += n;
	return true;
}

/* 1..max_digits decimal digits whose value fits in a uint64_t. */
static bool take_number(struct cursor *c, size_t max_digits, uint64_t *out)
{
	uint64_t v = 0;
	size_t digits = 0;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		unsigned d = (unsigned)(*c->p - '0');
		if (++digits > max_digits || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		c->p++;
	}
	*out = v;
	return digits > 0;
}

static bool at_end(const struct cursor *c)
{
	return c->p == c->end;
}

/* The cursor over line, with one trailing '\r' dropped; false if the line is too long. */
static bool cursor_init(struct cursor *c, const char *line, size_t len)
{
	if (line == NULL || len > KITCHEN_LINE_MAX)
		return false;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	c->p = line;
	c->end = line + len;
	return true;
}

/* The line with its '\n', as written to the socket; 0 if cap is too small. */
size_t kitchen_format_ticket(char *buf, size_t cap, uint32_t cook_ms, uint64_t id)
{
	int n = snprintf(buf, cap, "COOK %u %llu\n", (unsigned)cook_ms, (unsigned long long)id);
	if (n < 0 || (size_t)n >= cap)
		return 0;
	return (size_t)n;
}

int kitchen_parse_ticket(const char *line, size_t len, uint32_t *cook_ms, uint64_t *id)
{
	struct cursor c;
	uint64_t ms, ticket;

	if (!cursor_init(&c, line, len) || !take_word(&c, "COOK ") ||
	    !take_number(&c, ID_DIGITS_MAX, &ms) || ms > KITCHEN_COOK_MAX_MS ||
	    !take_word(&c, " ") || !take_number(&c, ID_DIGITS_MAX, &ticket) || !at_end(&c))
		return -EINVAL;
	*cook_ms = (uint32_t)ms;
	*id = ticket;
	return 0;
}

/* "DONE <id>" -> 1; "ERR <id>" or "ERR <id> <reason>" -> 0 (any reason text). */
int kitchen_parse_answer(const char *line, size_t len, uint64_t *id)
{
	struct cursor c;
	uint64_t ticket;

	if (!cursor_init(&c, line, len))
		return -EINVAL;
	if (take_word(&c, "DONE ")) {
		if (!take_number(&c, ID_DIGITS_MAX, &ticket) || !at_end(&c))
			return -EINVAL;
		*id = ticket;
		return 1;
	}
	if (take_word(&c, "ERR ")) {
		if (!take_number(&c, ID_DIGITS_MAX, &ticket))
			return -EINVAL;
		if (!at_end(&c) && !take_word(&c, " "))
			return -EINVAL;
		*id = ticket;
		return 0;
	}
	return -EINVAL;
}
