/* calibration.h: the real servers' own CPU per order and per connection, as measured
 * on this machine by scripts/calibrate.sh (trivial orders: cook_ms=0, work_us=0), read
 * by the model. Never typed in: without the file the overhead is 0 and every summary
 * says "uncalibrated".
 */
#ifndef SIM_CALIBRATION_H
#define SIM_CALIBRATION_H

#include <stdbool.h>
#include <stddef.h>

#include "sim.h"

struct calibration {
	bool present;                          /* read from a file */
	char path[256];                        /* which one */
	char machine[128];                     /* where it was measured */
	double order_us[SIM_SERVER_COUNT];     /* CPU per order on a kept-alive connection */
	double conn_us[SIM_SERVER_COUNT];      /* CPU per new connection on top */
};

/* The default file: build/calibration beside the binary's bin/ (../build/calibration
 * from /proc/self/exe), else ./build/calibration. */
void calibration_default_path(char *out, size_t len);

/* Read path into *cal. 0; -ENOENT when the file does not exist (cal says uncalibrated);
 * -EINVAL with "FILE:LINE: reason" in err for a file that is not ours. */
int calibration_read(struct calibration *cal, const char *path, char *err, size_t errlen);

#endif
