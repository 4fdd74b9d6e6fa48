/* fuzz_hlog.c: libFuzzer harness over what `loadgen merge` reads from other hosts: the
 * interval log reader and the histogram decoder (HdrHistogram's compressed V2 in
 * base64). Whatever the bytes, they are read or refused with a reason; nothing reads
 * past the input or crashes. Built and run by scripts/fuzz.sh; a crash found here
 * becomes a case in tests/unit/test_loadgen_hlog.c.
 * fuzz-sources: loadgen/hlog.c loadgen/hdrcodec.c common/hist.c common/errmsg.c
 * fuzz-libs: -lz -lm
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../loadgen/hdrcodec.h"
#include "../../loadgen/hlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hist h;
	char err[320];
	struct hlog_file f;

	hlog_file_init(&f);
	(void)hlog_read_text(&f, (const char *)data, size, err, sizeof err);
	hlog_file_destroy(&f);
	(void)hdrcodec_decode((const char *)data, size, &h, err, sizeof err);
	return 0;
}
