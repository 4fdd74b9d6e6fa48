/* merge.h: `bin/loadgen merge FILE...`, several hosts' runs as one load (issue 17).
 *
 * Reads --hlog files (hlog.h) or --json outputs (their embedded "hlog" object), and
 * prints one row per host and the fleet's row: requests and throughput summed, the
 * latency of one histogram holding every host's values (exact: the files carry the
 * whole histogram, not rounded figures), and the intervals aligned on absolute time.
 * A file that is missing, not ours or cut short is named on stderr and in --json.
 */
#ifndef LOADGEN_MERGE_H
#define LOADGEN_MERGE_H

/* argv[0] is "merge". Exit status: 0 when at least one file was merged, 1 when none
 * could be, 2 for a usage error. */
int merge_main(int argc, char **argv);

#endif
