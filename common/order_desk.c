/* order_desk.c: an order's stages, number and answers, shared by both servers (see
 * order_desk.h). No waiting here: every call returns at once.
 */
#include "order_desk.h"

static int64_t *stage_gauge(struct scoreboard_server *sb, enum order_stage st)
{
	switch (st) {
	case STAGE_COUNTER: return &sb->at_counter;
	case STAGE_KITCHEN: return &sb->in_kitchen;
	case STAGE_HANDOVER: return &sb->handing_over;
	default: return NULL;
	}
}

void order_desk_move(struct server_board *b, enum order_stage from, enum order_stage to)
{
	struct scoreboard_server *sb = b->sb;
	int64_t *g;

	if (!sb || from == to)
		return;
	if ((g = stage_gauge(sb, from)))
		SB_SUB(*g, 1);
	if ((g = stage_gauge(sb, to)))
		SB_ADD(*g, 1);
	if (to == STAGE_KITCHEN)
		SB_ADD(sb->kitchen_tickets, 1);
}

enum server_error order_desk_error_kind(int status)
{
	switch (status) {
	case 404: return SERR_NOT_FOUND;
	case 405: return SERR_METHOD;
	case 408: return SERR_TIMEOUT;
	case 413:
	case 414:
	case 431: return SERR_TOO_LARGE;
	case 502: return SERR_KITCHEN_DOWN;
	case 503: return SERR_UNAVAILABLE;
	case 504: return SERR_KITCHEN_TIMEOUT;
	default: return SERR_BAD_REQUEST; /* 400, 417, 505: the request was not one we serve */
	}
}

size_t order_desk_answer_error(struct server_board *b, char *buf, size_t cap, int status, const char *reason,
			       bool head_only)
{
	server_board_error(b, order_desk_error_kind(status));
	return order_format_error(buf, cap, status, reason, head_only);
}

size_t order_desk_answer(struct server_board *b, char *buf, size_t cap, const char *model, const struct order *order,
			 const struct order_times *t)
{
	uint64_t no = __atomic_add_fetch(&b->order_seq, 1, __ATOMIC_RELAXED);

	return order_format_response(buf, cap, model, no, order, t);
}

void order_desk_served(struct server_board *b, uint64_t total_ns, struct scoreboard_cashier *slot)
{
	server_board_order_done(b, total_ns);
	if (slot && b->sb)
		SB_ADD(slot->orders, 1);
}
