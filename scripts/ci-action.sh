#!/usr/bin/env bash
# The steps of hetbench's GitHub Action (action.yml), in one script so they run the same on a
# laptop as on a runner:
#
#   ci-action.sh check     validate the inputs (fast: before set-up and the benchmark)
#   ci-action.sh setup     npm run setup in the hetbench checkout holding this script
#   ci-action.sh run       hetbench run --json OUT/run.json --md OUT/run.md RUN_ARGS...
#   ci-action.sh compare   hetbench compare BASELINE OUT/run.json, when the baseline exists
#   ci-action.sh all       check, run, compare (no setup: it may need root and the network)
#
# Inputs come from the environment (action.yml maps the action's inputs onto these names):
#   HETBENCH_BASELINE          baseline JSON report; empty or missing: a notice, nothing compared
#   HETBENCH_RUN_ARGS          extra arguments for 'hetbench run', split at white space
#   HETBENCH_METRICS           compare's --metrics patterns (unset or empty: every metric)
#   HETBENCH_THRESHOLD         compare's --threshold: auto (default: from the reports' intervals) or a percent
#   HETBENCH_WORKING_DIRECTORY where to run; baseline, out dir and run-args paths are relative to it
#   HETBENCH_OUT_DIR           where the reports go (default out)
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY  as GitHub Actions sets them; optional
#
# Exit codes are hetbench's and pass through unchanged: 0 unchanged or improved (or nothing to
# compare), 1 a regression, 2 bad input, 3 a GPU failure, 70 an internal error, 130/143
# interrupted. Outputs (GITHUB_OUTPUT): report, markdown, comparison, verdict, exit-code.
# Nothing here touches the network; only 'setup' may (npm ci, apt-get, in scripts/setup.sh).
set -euo pipefail

HETBENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
CLI="$HETBENCH_ROOT/dist/src/cli/main.js"
# Every metric, thresholds from the two reports' own intervals (compare's auto mode, docs/ci.md).
DEFAULT_METRICS=''
DEFAULT_THRESHOLD=auto
# The report, summary and comparison file names the action owns inside the out dir.
OWNED_FILES=(run.json run.md compare.md compare.json)

say() { printf 'hetbench-action: %s\n' "$*"; }

# A workflow command's message: %, CR and LF are escaped so a path cannot end the command.
escape_command() {
  local s=${1//%/%25}
  s=${s//$'\r'/%0D}
  printf '%s' "${s//$'\n'/%0A}"
}
annotate() { printf '::%s title=hetbench::%s\n' "$1" "$(escape_command "$2")"; }

# Sets a step output; a value with a line break uses the delimiter form, so it cannot add outputs.
set_output() {
  # A folder here is bad input (check_inputs), reported without writing outputs into it.
  [ -n "${GITHUB_OUTPUT:-}" ] && [ ! -d "$GITHUB_OUTPUT" ] || return 0
  if [[ $2 == *$'\n'* || $2 == *$'\r'* ]]; then
    local delim="hetbench_$RANDOM$RANDOM$RANDOM"
    printf '%s<<%s\n%s\n%s\n' "$1" "$delim" "$2" "$delim" >>"$GITHUB_OUTPUT"
  else
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
}

summary() { if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ ! -d "$GITHUB_STEP_SUMMARY" ]; then printf '%s\n' "$*" >>"$GITHUB_STEP_SUMMARY"; fi; }

verdict_of_exit() {
  case $1 in
    0) echo ok ;;
    1) echo regression ;;
    2) echo bad-input ;;
    3) echo device-failure ;;
    70) echo internal-error ;;
    130 | 143) echo interrupted ;;
    *) echo error ;;
  esac
}

# Ends the step with hetbench's exit code, after setting verdict and exit-code.
finish() {
  local code=$1 verdict=${2:-}
  [ -n "$verdict" ] || verdict=$(verdict_of_exit "$code")
  set_output verdict "$verdict"
  set_output exit-code "$code"
  exit "$code"
}

bad_input() {
  annotate error "$1"
  printf 'hetbench-action: error: %s\n' "$1" >&2
  finish 2 bad-input
}

# An absolute path without . and .. parts, with symbolic links of its folder resolved when the
# folder exists, so two spellings of one file compare equal even before the folder exists.
abs_path() {
  local p=$1 dir base part
  local -a parts=()
  [[ $p == /* ]] || p="$PWD/$p"
  # Split at / only, without globbing; both settings end with the function.
  local - IFS=/
  set -f
  for part in $p; do
    case $part in
      '' | .) ;;
      ..) [ "${#parts[@]}" = 0 ] || unset 'parts[${#parts[@]}-1]' ;;
      *) parts+=("$part") ;;
    esac
  done
  p="/${parts[*]}"
  dir=$(dirname "$p")
  base=$(basename "$p")
  if [ -d "$dir" ]; then dir=$(cd "$dir" && pwd -P); fi
  printf '%s/%s' "${dir%/}" "$base"
}

# Runs a command with INT and TERM forwarded to it once each. The command runs in its own process
# group (set -m), so a Ctrl-C on a terminal or a signal to the whole group reaches it only through
# this forwarding: hetbench reads a second signal as "stop at once, write nothing more".
child=
forward() { if [ -n "$child" ]; then kill -s "$1" "$child" 2>/dev/null || true; fi; }
run_forwarding() {
  local code=0
  set -m
  trap 'forward INT' INT
  trap 'forward TERM' TERM
  "$@" &
  child=$!
  while :; do
    wait "$child" && code=0 || code=$?
    # A trapped signal also ends wait; the command is then still running, so wait again.
    kill -0 "$child" 2>/dev/null || break
  done
  trap - INT TERM
  child=
  set +m
  return "$code"
}

enter_working_directory() {
  local wd=${HETBENCH_WORKING_DIRECTORY:-.}
  [ -n "$wd" ] || wd=.
  [ -e "$wd" ] || bad_input "working-directory: '$wd' does not exist; give a folder of the checked-out repository (default .)."
  [ -d "$wd" ] || bad_input "working-directory: '$wd' is not a folder; give a folder of the checked-out repository (default .)."
  cd "$wd"
}

out_dir() { local o=${HETBENCH_OUT_DIR:-out}; printf '%s' "${o:-out}"; }

# Splits HETBENCH_RUN_ARGS at white space into RUN_ARGS, without globbing, and refuses what the
# action cannot pass on faithfully.
RUN_ARGS=()
parse_run_args() {
  local raw=${HETBENCH_RUN_ARGS:-} arg
  RUN_ARGS=()
  if [[ $raw == *[\'\"\\]* ]]; then
    bad_input "run-args: got '$raw'; quotes and backslashes are not interpreted (arguments are split at white space); use paths without spaces."
  fi
  set -f
  # shellcheck disable=SC2206 # splitting at white space is the documented behaviour; globbing is off
  RUN_ARGS=($raw)
  set +f
  for arg in "${RUN_ARGS[@]}"; do
    case $arg in
      --json | --json=* | --md | --md=*)
        bad_input "run-args: ${arg%%=*} is set by the action ($(out_dir)/run.json, $(out_dir)/run.md); remove it, and use the out-dir input to choose the folder." ;;
    esac
  done
}

check_file_input() {
  local name=$1 path=$2
  if [ -d "$path" ]; then
    local hint=''
    [ ! -f "$path/run.json" ] || hint=" ($path/run.json is one)"
    bad_input "$name: '$path' is a folder; give the path of a JSON report file inside it$hint."
  fi
  [ ! -e "$path" ] || [ -f "$path" ] || bad_input "$name: '$path' is not a regular file; give the path of a JSON report written by 'hetbench run --json'."
  [ ! -e "$path" ] || [ -r "$path" ] || bad_input "$name: '$path' is not readable; check the file's permissions."
}

check_inputs() {
  local out threshold=${HETBENCH_THRESHOLD:-$DEFAULT_THRESHOLD} f
  out=$(out_dir)
  [ "$threshold" = auto ] || [[ $threshold =~ ^[0-9]+([.][0-9]+)?%?$ ]] || bad_input "threshold: got '$threshold'; give auto or a percentage such as 15 (the smallest change that counts)."
  [ ! -e "$out" ] || [ -d "$out" ] || bad_input "out-dir: '$out' exists and is not a folder; give a folder for the reports (default out)."
  for f in GITHUB_OUTPUT GITHUB_STEP_SUMMARY; do
    if [ -n "${!f:-}" ] && [ -d "${!f}" ]; then bad_input "$f: '${!f}' is a folder; it must name a file."; fi
  done
  parse_run_args
  local base=${HETBENCH_BASELINE:-}
  [ -n "$base" ] || return 0
  check_file_input baseline "$base"
  local base_abs
  base_abs=$(abs_path "$base")
  for f in "${OWNED_FILES[@]}"; do
    if [ "$base_abs" = "$(abs_path "$out/$f")" ] || { [ -e "$base" ] && [ "$base" -ef "$out/$f" ]; }; then
      bad_input "baseline: '$base' is $out/$f, which this run writes; download the baseline into another folder (e.g. baseline/run.json)."
    fi
  done
}

require_cli() {
  [ -f "$CLI" ] || bad_input "hetbench is not built ($CLI is missing); run 'npm run setup' in $HETBENCH_ROOT first (the action's setup input)."
}

phase_setup() {
  cd "$HETBENCH_ROOT"
  say "set-up in $HETBENCH_ROOT (npm ci from the lock file when needed, build, a WebGPU adapter)"
  local code=0
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    # As root, set-up can install lavapipe where no adapter exists; PATH keeps the runner's node.
    sudo -E env "PATH=$PATH" npm run --silent setup || code=$?
  else
    npm run --silent setup || code=$?
  fi
  # scripts/setup.sh exits 1 for whatever it cannot fix (no adapter, npm ci failed): the machine
  # lacks what hetbench needs. 1 would read as a regression, so it ends as 3, verdict setup-failed.
  [ "$code" = 0 ] || { annotate error "set-up failed (exit $code); see the log above"; finish 3 setup-failed; }
}

phase_run() {
  require_cli
  local out code=0
  out=$(out_dir)
  mkdir -p "$out"
  export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
  say "hetbench run --json $out/run.json --md $out/run.md ${RUN_ARGS[*]}"
  run_forwarding node "$CLI" run --json "$out/run.json" --md "$out/run.md" "${RUN_ARGS[@]}" || code=$?
  # A GPU failure or an interruption still writes the finished steps, marked partial.
  if [ -f "$out/run.json" ]; then
    set_output report "$(abs_path "$out/run.json")"
    set_output markdown "$(abs_path "$out/run.md")"
  fi
  if [ "$code" != 0 ]; then
    annotate error "hetbench run failed with exit $code ($(verdict_of_exit "$code")); see the log above"
    finish "$code"
  fi
}

phase_compare() {
  require_cli
  local out base=${HETBENCH_BASELINE:-} code=0 verdict
  out=$(out_dir)
  [ -f "$out/run.json" ] || bad_input "no report at $out/run.json to compare; the run step did not write one."
  if [ -z "$base" ] || [ ! -e "$base" ]; then
    local why="no baseline given"
    [ -z "$base" ] || why="no baseline report at '$base'"
    annotate notice "$why: nothing compared. Upload $out/run.json as an artifact on the default branch to make it the next baseline."
    summary "> **hetbench:** $why: nothing compared. This run's report, \`$out/run.json\`, can be the next baseline."
    finish 0 no-baseline
  fi
  local args=(--threshold "${HETBENCH_THRESHOLD:-$DEFAULT_THRESHOLD}" --format json --md "$out/compare.md")
  local metrics=${HETBENCH_METRICS-$DEFAULT_METRICS}
  [ -z "$metrics" ] || args+=(--metrics "$metrics")
  say "hetbench compare $base $out/run.json ${args[*]}"
  # The JSON goes to a temp file and is kept only when compare finished: nothing is left half.
  rm -f "$out/compare.json.tmp"
  run_forwarding node "$CLI" compare "$base" "$out/run.json" "${args[@]}" >"$out/compare.json.tmp" || code=$?
  if [ "$code" != 0 ] && [ "$code" != 1 ]; then
    rm -f "$out/compare.json.tmp"
    annotate error "hetbench compare failed with exit $code ($(verdict_of_exit "$code")); see the log above"
    finish "$code"
  fi
  mv -f "$out/compare.json.tmp" "$out/compare.json"
  verdict=$(node -e '
    const c = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    console.log(c.mode === "hardware" ? "hardware-table"
      : c.inconclusive ? "inconclusive"
      : c.regressions > 0 ? "regression" : c.improvements > 0 ? "improved" : "unchanged");
  ' "$out/compare.json")
  [ "$code" = 0 ] || verdict=regression
  set_output comparison "$(abs_path "$out/compare.md")"
  cat "$out/compare.md"
  case $verdict in
    regression) annotate error "performance regression against the baseline (threshold ${HETBENCH_THRESHOLD:-$DEFAULT_THRESHOLD}); see the job summary" ;;
    inconclusive) annotate warning "a report is marked unreliable by its own quality verdict: the comparison is inconclusive (exit 0); see the job summary" ;;
    hardware-table) annotate warning "the baseline ran on another adapter: a hardware table, no verdict (compare reports from one kind of runner)" ;;
    *) say "verdict: $verdict" ;;
  esac
  finish "$code" "$verdict"
}

phase=${1:-all}
case $phase in
  check | setup | run | compare | all) ;;
  *) bad_input "unknown step '$phase'; use check, setup, run, compare or all." ;;
esac
enter_working_directory
check_inputs
case $phase in
  check) ;;
  setup) phase_setup ;;
  run) phase_run ;;
  compare) phase_compare ;;
  all)
    phase_run
    phase_compare
    ;;
esac
