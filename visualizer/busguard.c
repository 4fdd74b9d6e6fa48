/* busguard.c: see busguard.h.
 *
 * The one signal handler in the dashboard that does more than set a flag: a SIGBUS is
 * synchronous (raised by the faulting load itself), so jumping out of it back to the
 * sigsetjmp in busguard_run is well defined, as it is for the debuggers and JITs that
 * probe memory this way. Outside a guard the handler restores the default action and
 * returns: the load faults again and the process ends as it would have.
 */
#include "busguard.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>

static sigjmp_buf jump;
static volatile sig_atomic_t armed;
static bool installed;

static void on_sigbus(int sig)
{
	if (armed) {
		armed = 0;
		siglongjmp(jump, 1);
	}
	signal(sig, SIG_DFL);
}

static void install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	installed = true;
}

int busguard_run(void (*fn)(void *ctx), void *ctx)
{
	if (!installed)
		install();
	if (sigsetjmp(jump, 1)) /* 1: the mask (SIGBUS blocked in the handler) is restored */
		return -EFAULT;
	armed = 1;
	fn(ctx);
	armed = 0;
	return 0;
}
