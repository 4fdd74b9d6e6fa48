/* calibration.c: read the calibration file (see calibration.h). Its format is
 * key = value lines, '#' comments:
 *   machine = Intel(R) Xeon(R) ... (2 cores)
 *   blocking_order_us = 21.4     blocking_conn_us = 30.2
 *   evented_order_us = 9.1       evented_conn_us = 12.7
 */
#include "calibration.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void calibration_default_path(char *out, size_t len)
{
	char exe[512];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *dir = dirname(exe);               /* .../bin */
		char up[600];
		snprintf(up, sizeof up, "%s/../build/calibration", dir);
		if (access(up, R_OK) == 0) {
			snprintf(out, len, "%s", up);
			return;
		}
	}
	snprintf(out, len, "build/calibration");
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int set_key(struct calibration *cal, const char *key, const char *value)
{
	static const struct { const char *key; int server; bool conn; } keys[] = {
		{ "blocking_order_us", SIM_BLOCKING, false }, { "blocking_conn_us", SIM_BLOCKING, true },
		{ "evented_order_us", SIM_EVENTED, false },   { "evented_conn_us", SIM_EVENTED, true },
	};
	if (strcmp(key, "machine") == 0) {
		snprintf(cal->machine, sizeof cal->machine, "%s", value);
		return 0;
	}
	if (strcmp(key, "date") == 0)
		return 0;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strcmp(key, keys[i].key) != 0)
			continue;
		char *end;
		double v = strtod(value, &end);
		if (end == value || *end || !(v >= 0 && v < 1e6))
			return -EINVAL;
		(keys[i].conn ? cal->conn_us : cal->order_us)[keys[i].server] = v;
		return 0;
	}
	return -ENOENT;
}

int calibration_read(struct calibration *cal, const char *path, char *err, size_t errlen)
{
	memset(cal, 0, sizeof *cal);
	snprintf(cal->path, sizeof cal->path, "%s", path);
	FILE *f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	char line[512];
	int rc = 0, lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			rc = -EINVAL;
			snprintf(err, errlen, "%s:%d: not a key = value line", path, lineno);
			break;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		int k = set_key(cal, key, value);
		if (k < 0) {
			rc = -EINVAL;
			snprintf(err, errlen, "%s:%d: %s '%s' (run scripts/calibrate.sh again)", path, lineno,
				 k == -ENOENT ? "unknown key" : "bad value for", key);
			break;
		}
	}
	fclose(f);
	if (rc == 0)
		cal->present = true;
	else
		memset(cal->order_us, 0, sizeof cal->order_us), memset(cal->conn_us, 0, sizeof cal->conn_us);
	return rc;
}
