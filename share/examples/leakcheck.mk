# leakcheck.mk - Makefile rules for taking and comparing Go profiles.
#
# Include it from a project's Makefile:
#
#     LEAK_URL = http://localhost:6060/debug/pprof
#     include /usr/local/share/leakpipe/examples/leakcheck.mk
#
# then, with the service running:
#
#     make leak-snapshot          # before: heap + goroutines into leak/TIME/
#     ... exercise the service (load test, replay traffic) ...
#     make leak-snapshot          # after: another leak/TIME/
#     make leak-report            # what grew between the last two snapshots
#
# Any snapshot file also decodes on its own: `make leak/TIME/heap.ndjson`.
# Needs curl, jq and pprof2ndjson on PATH; GNU make.

LEAK_URL     ?= http://localhost:6060/debug/pprof
LEAK_DIR     ?= leak
LEAK_TOP     ?= 15
LEAK_RECIPES ?= /usr/local/share/leakpipe/recipes
PPROF2NDJSON ?= pprof2ndjson
JQ           ?= jq
CURL         ?= curl -fsS

# Snapshots are directories named by the time they were taken, so that
# sorting them by name sorts them by time: leak/20261122T101500/ ...
leak_snaps = $(sort $(patsubst $(LEAK_DIR)/%/heap.pb.gz,%,$(wildcard $(LEAK_DIR)/*/heap.pb.gz)))
leak_last  = $(lastword $(leak_snaps))
leak_prev  = $(word $(words $(leak_snaps)),none $(leak_snaps))

# In-use bytes per leaf function, snapshot $$b minus snapshot $$a.  Kept
# in a variable because make cannot continue a line inside shell quotes.
define LEAK_GROWTH_JQ
reduce (inputs | select(.kind == "sample")) as $$s ({};
  .[$$s.stack[0].fn // "(runtime)"][$$s.src] += ($$s.values.inuse_space // 0))
| to_entries
| map([(.value[$$b] // 0) - (.value[$$a] // 0), .key])
| map(select(.[0] != 0))
| sort_by(-.[0])
| .[:$$top][]
| @tsv
endef
export LEAK_GROWTH_JQ

.PHONY: leak-snapshot leak-report leak-clean

## leak-snapshot: save a heap profile and a goroutine dump as the next snapshot
leak-snapshot:
	@d=$(LEAK_DIR)/$$(date +%Y%m%dT%H%M%S); mkdir -p $$d && \
	$(CURL) -o $$d/heap.pb.gz '$(LEAK_URL)/heap?gc=1' && \
	$(CURL) -o $$d/goroutines.txt '$(LEAK_URL)/goroutine?debug=2' && \
	echo "leakcheck: snapshot $$d"

# Decoded forms, made on demand.
$(LEAK_DIR)/%.ndjson: $(LEAK_DIR)/%.pb.gz
	$(PPROF2NDJSON) --drop-runtime $< > $@.tmp && mv $@.tmp $@
$(LEAK_DIR)/%.ndjson: $(LEAK_DIR)/%.txt
	$(PPROF2NDJSON) --drop-runtime $< > $@.tmp && mv $@.tmp $@

## leak-report: in-use growth by function and goroutine states, last two snapshots
ifeq ($(filter-out 0 1,$(words $(leak_snaps))),)
leak-report:
	@echo "leakcheck: need two snapshots in $(LEAK_DIR)/; run 'make leak-snapshot'" >&2; exit 1
else
leak-report: $(LEAK_DIR)/$(leak_prev)/heap.ndjson $(LEAK_DIR)/$(leak_last)/heap.ndjson \
             $(LEAK_DIR)/$(leak_prev)/goroutines.ndjson $(LEAK_DIR)/$(leak_last)/goroutines.ndjson
	@echo "== in-use bytes gained per function, snapshot $(leak_prev) -> $(leak_last)"
	@cat $(LEAK_DIR)/$(leak_prev)/heap.ndjson $(LEAK_DIR)/$(leak_last)/heap.ndjson | \
	$(JQ) -n -r --arg a $(LEAK_DIR)/$(leak_prev)/heap.pb.gz \
	    --arg b $(LEAK_DIR)/$(leak_last)/heap.pb.gz \
	    --argjson top $(LEAK_TOP) "$$LEAK_GROWTH_JQ"
	@echo "== goroutines per state"
	@cat $(LEAK_DIR)/$(leak_prev)/goroutines.ndjson $(LEAK_DIR)/$(leak_last)/goroutines.ndjson | \
	$(JQ) -n -r -f $(LEAK_RECIPES)/goroutines-by-state.jq
endif

## leak-clean: remove all snapshots
leak-clean:
	rm -rf $(LEAK_DIR)
