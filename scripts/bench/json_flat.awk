# json_flat.awk: flattens one JSON document into "path<TAB>value" lines, objects joined
# with "." and array elements by index (latency_ms.p99, errors.status.503), so the bench
# reads bin/loadgen --json without jq or python. Escapes are kept as the escaped char.
# A malformed document prints what was read so far and "json_error<TAB>offset".
# The document is the last line that starts with "{" (bin/loadgen --json prints one line;
# wrk prints its summary first, then the line of scripts/bench/wrk_report.lua).
/^[ \t]*\{/ { buf = $0 "\n" }

END {
	n = length(buf); i = 1; bad = 0
	parse_value("")
	if (bad) printf "json_error\t%d\n", i
}

function skip_ws() {
	while (i <= n && index(" \t\r\n", substr(buf, i, 1))) i++
}

function emit(path, v) { printf "%s\t%s\n", path, v }

function parse_value(path,    c) {
	skip_ws()
	if (i > n) { bad = 1; return }
	c = substr(buf, i, 1)
	if (c == "{") parse_object(path)
	else if (c == "[") parse_array(path)
	else if (c == "\"") emit(path, parse_string())
	else emit(path, parse_literal())
}

function parse_object(path,    key, c) {
	i++; skip_ws()
	if (substr(buf, i, 1) == "}") { i++; return }
	while (!bad) {
		skip_ws()
		if (substr(buf, i, 1) != "\"") { bad = 1; return }
		key = parse_string(); skip_ws()
		if (substr(buf, i, 1) != ":") { bad = 1; return }
		i++
		parse_value(path == "" ? key : path "." key)
		skip_ws(); c = substr(buf, i, 1); i++
		if (c == "}") return
		if (c != ",") { bad = 1; return }
	}
}

function parse_array(path,    k, c) {
	i++; skip_ws(); k = 0
	if (substr(buf, i, 1) == "]") { i++; return }
	while (!bad) {
		parse_value(path "." k++)
		skip_ws(); c = substr(buf, i, 1); i++
		if (c == "]") return
		if (c != ",") { bad = 1; return }
	}
}

function parse_string(    s, c) {
	i++; s = ""
	while (i <= n) {
		c = substr(buf, i, 1)
		if (c == "\\") { s = s substr(buf, i + 1, 1); i += 2; continue }
		if (c == "\"") { i++; return s }
		s = s c; i++
	}
	bad = 1
	return s
}

function parse_literal(    s, c) {
	s = ""
	while (i <= n) {
		c = substr(buf, i, 1)
		if (index(",}] \t\r\n", c)) break
		s = s c; i++
	}
	if (s == "") { bad = 1; i++ }
	return s
}
