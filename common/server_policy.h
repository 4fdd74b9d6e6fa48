/* server_policy.h: the limits both servers keep, one value each, with their units.
 *
 * They are policy, not part of either concurrency model: a blocking and an evented
 * restaurant of lunchrush drain, linger, accept and back off by the same numbers, so a
 * difference the race shows is only the difference in how they wait.
 */
#ifndef LUNCHRUSH_SERVER_POLICY_H
#define LUNCHRUSH_SERVER_POLICY_H

#define SERVER_DRAIN_MS 5000          /* SIGTERM/SIGHUP: time given to the orders in hand */
#define SERVER_LINGER_MS 2000         /* after a closing answer: read the client's bytes this long */
#define SERVER_LINGER_MAX_BYTES 65536 /* ...or until it has sent this much more */
#define SERVER_ACCEPT_BATCH 1024      /* accepts per wake-up: 64 left the last of 5,000 at the door */
#define SERVER_ACCEPT_BACKOFF_MS 100  /* accept failed (out of descriptors): pause accepting */
#define SERVER_FREEZE_MAX_MS 60000    /* "the chef faints": the longest freeze the control slot may ask */
#define SERVER_FREEZE_SLICE_MS 50     /* a freeze looks at the stop flag this often */

#endif
