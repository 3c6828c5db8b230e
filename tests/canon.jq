# canon.jq - the canonical text of pprof2ndjson's flat records, the same text
# tests/go/tools/pprofcanon prints from google/pprof's parser:
#
#   pprof2ndjson FILE | jq -r -f tests/canon.jq
#
# Per profile record:  # types t1/u1,t2/u2,...
# Per sample record:   V1,V2,...<TAB>FRAMES<TAB>LABELS
#   V       the values in the order of the preceding profile's sample_types
#   FRAMES  the stack, leaf first, "fn file:line" joined by " ; ", "^" before
#           a frame inlined into the next one (an unsymbolized frame has its
#           hex address as fn, "" as file and 0 as line: "0x4c4e52 :0")
#   LABELS  "k=v" and "k=N[unit]" (the label's unit, else pprof's inference:
#           bytes for alignment and request, the key itself otherwise),
#           one per value, sorted bytewise, joined by ","
# Other record kinds print nothing.  The program walks the whole input itself
# (foreach over ., inputs) to remember each profile's sample types; do not
# run it with -n or -s.
#
# jq 1.6 holds numbers as doubles: values beyond 2^53 lose precision and
# values from 1e17 up print in exponent form, so such profiles cannot match.

def unit_for($key):
	if (.unit // "") != "" then .unit
	elif $key == "alignment" or $key == "request" then "bytes"
	else $key end;

def each: if type == "array" then .[] else . end;

def frame: (if .inlined == true then "^" else "" end) + "\(.fn) \(.file):\(.line)";

def labels:
	[ ((.labels // {}) | to_entries[] | .key as $k | .value | each
		| "\($k)=\(.)"),
	  ((.num_labels // {}) | to_entries[] | .key as $k | .value | each
		| "\($k)=\(.value)[\(unit_for($k))]") ]
	| sort | join(",");

def values($types):
	if $types == null then [.values[]] else [.values[$types[]]] end
	| map(tostring) | join(",");

foreach (., inputs) as $r (null;
	if $r.kind == "profile" then [$r.sample_types[]?.type] else . end;
	. as $types
	| $r
	| if .kind == "profile" then
		"# types " + ([.sample_types[]? | "\(.type)/\(.unit)"] | join(","))
	  elif .kind == "sample" then
		values($types) + "\t" + ([.stack[]? | frame] | join(" ; ")) + "\t" + labels
	  else empty end)
