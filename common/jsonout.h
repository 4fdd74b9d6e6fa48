/* jsonout.h: the one piece of JSON the programs write by hand with fprintf: a string,
 * quoted, with quotes, backslashes and control characters escaped. */
#ifndef LUNCHRUSH_JSONOUT_H
#define LUNCHRUSH_JSONOUT_H

#include <stdio.h>

void json_put_string(FILE *out, const char *s);

#endif
