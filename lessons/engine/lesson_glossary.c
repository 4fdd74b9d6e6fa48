/* lesson_glossary.c: the words of the restaurant metaphor and of the figures, each with
 * one meaning (issue 15): the kitchen is always the I/O wait, CPU work is always done at
 * the register. See lesson_glossary.h.
 */
#include "lesson_glossary.h"

#include <string.h>

static const struct glossary_entry entries[] = {
	{ "door", "the kernel's accept queue (the listen backlog): connections the kernel has taken "
		  "but the server has not yet accepted. When it is full the kernel drops new ones and the "
		  "client retries after 1 s, then 3 s (lesson 13)." },
	{ "outside", "customers the load generator has due but no connection for yet: they wait in the "
		     "street, and their time counts from when they were due." },
	{ "line", "customers inside the restaurant waiting for a cashier (blocking), or for the loop to "
		  "read them (evented)." },
	{ "cashier", "who serves an order: a thread of the blocking restaurant (--threads), or the event "
		     "loop of the evented one. CPU work (work_us) is done by the cashier, at the register." },
	{ "register", "where the CPU work of an order is done, by the cashier: while a loop computes, "
		      "nothing else in its restaurant moves." },
	{ "kitchen", "the wait of an order that is not the CPU (cook_ms): a database, a disk, another "
		     "service. It has a stove for every order unless it is given stoves (lesson 12)." },
	{ "stove", "a place in a kitchen that limits how many orders cook at once (bin/kitchen --stoves); "
		   "a database pool is a kitchen with N stoves." },
	{ "pickup", "where the evented restaurant's customers wait for their food while the loop serves "
		    "others; a blocking cashier waits at the kitchen hatch instead." },
	{ "loop", "the evented restaurant's one cashier: it waits for whatever is ready (epoll) and runs "
		  "each callback to the end. --loops gives one per core." },
	{ "helper", "a thread that does the CPU work for the loop (--helpers), so the loop only hands "
		    "orders over; it moves the queue from the loop to itself (lesson 5)." },
	{ "lag", "loop lag: how late the loop's 10 ms timer fires. A free loop is on time; a loop that is "
		 "computing is late by the work queued at its register." },
	{ "freeze", "the dashboard's 'f' key (\"the chef faints\"): the cashier, a loop or a blocking "
		    "thread, stops for a while (lesson 7). The kitchen is fine." },
	{ "p99", "the 99th percentile of latency: 99 % of the orders took less. It hides anything that "
		 "happens to fewer than 1 % of them." },
	{ "open loop", "customers arrive on a schedule (so many a second) whatever the server does, and "
		       "their time counts from when they were due: the real world (httperf, wrk2)." },
	{ "closed loop", "N customers who each order again only once served (wrk, ab): the server sets "
			 "the pace, and a stall hides (lesson 7)." },
	{ "rho", "utilisation: arrivals / the most the cashiers can serve. At 1 or more the line grows "
		 "without bound." },
	{ "L and lambda W", "Little's law: customers inside = arrivals a second x time each stays." },
};

const struct glossary_entry *lesson_glossary(size_t *n)
{
	*n = sizeof entries / sizeof entries[0];
	return entries;
}

/* Greedy wrap at 78 columns, continuation lines indented by four. */
void lesson_glossary_print(FILE *out)
{
	for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
		const char *p = entries[i].meaning;
		int col = fprintf(out, "%s:", entries[i].word);
		while (*p) {
			while (*p == ' ')
				p++;
			size_t w = strcspn(p, " ");
			if (!w)
				break;
			if (col + 1 + (int)w > 78) {
				fprintf(out, "\n   ");
				col = 3;
			}
			col += fprintf(out, " %.*s", (int)w, p);
			p += w;
		}
		fprintf(out, "\n");
	}
}
