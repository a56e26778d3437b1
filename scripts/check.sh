#!/usr/bin/env bash
# npm run check: the structure checks CI runs beside the tests (docs/ci.md, "The check").
#
#   types   tsc -b tsconfig.test.json: src and bench (the build, incremental: a no-op when dist/ is
#           current) and then test/ against their declarations, so nothing is compiled twice
#   lint    biome ci: lint (recommended rules, biome.json), format and import order; warnings fail
#   layers  dependency-cruiser: the layer rules of docs/ARCHITECTURE.md and no import cycles
#
# Every part runs even when an earlier one fails; the last line names the parts that failed, and
# the exit status is 1 when any did.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=node_modules/.bin
failed=()

part() {
  local name=$1
  shift
  echo "== check: $name ($*)"
  if "$@"; then
    echo "check: $name ok"
  else
    echo "check: $name FAILED" >&2
    failed+=("$name")
  fi
}

part types "$bin/tsc" -b tsconfig.test.json
part lint "$bin/biome" ci --error-on-warnings --colors=off .
part layers "$bin/depcruise" src bench --config .dependency-cruiser.cjs --output-type err

if [ ${#failed[@]} -gt 0 ]; then
  echo "check: failed: ${failed[*]}" >&2
  exit 1
fi
echo "check: passed (types, lint, layers)"
