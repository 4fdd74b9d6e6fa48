/* busguard.c: see busguard.h.
 *
 * The one signal handler in the dashboard that does more than set a flag: a SIGBUS is
 * synchronous (raised by the faulting load itself), so jumping out of it back to the
 * sigsetjmp in busguard_run is well defined, as it is for the debuggers and JITs that
 * probe memory this way. The handler is installed only for the guarded call, so a
 * SIGBUS anywhere else ends the process as it would have.
 */
#include "busguard.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>

static sigjmp_buf jump;
static volatile sig_atomic_t armed;

static void on_sigbus(int sig)
{
	if (armed) {
		armed = 0;
		siglongjmp(jump, 1);
	}
	signal(sig, SIG_DFL);
}

/* The handler is ours only while fn runs: whatever was installed before (the default,
 * or a test framework's) is put back after. Two system calls a guarded read. */
int busguard_run(void (*fn)(void *ctx), void *ctx)
{
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &old) < 0)
		return -errno;
	int rc = 0;
	if (sigsetjmp(jump, 1) == 0) { /* 1: the mask (SIGBUS blocked in the handler) is restored */
		armed = 1;
		fn(ctx);
		armed = 0;
	} else {
		rc = -EFAULT;
	}
	sigaction(SIGBUS, &old, NULL);
	return rc;
}
