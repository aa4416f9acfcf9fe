# shellcheck shell=bash
# supervise NAME LOG COMMAND [ARG...]
#
# Runs COMMAND and starts it again, after a short pause, whenever it exits: a worker that gave
# up or crashed does not take the rest of `make run` with it. Each restart is one line on the
# console (stderr) and, when LOG is a file rather than "-", in that log too:
#
#   worker gestopt (code 1), opnieuw gestart over 2 s
#
# Meant to run in the background (`supervise ... &`); SIGTERM or SIGINT stops it together with
# COMMAND. COMMAND runs in a process group of its own, so a Ctrl-C in the terminal reaches only
# the script that started us (which then stops us), and stopping reaches whatever COMMAND
# started. TOOLKID_RESTART_PAUSE sets the pause in seconds (default 2).
# Sourced by scripts/run-dev.sh; tests/toolkid/test_run_dev.py runs it with small commands.

supervise() {
  local name=$1 log=$2
  shift 2
  local pause=${TOOLKID_RESTART_PAUSE:-2}
  local child="" code line
  # Job control: every background job below gets a process group of its own.
  set -m
  trap '_supervise_stop "$child"' TERM INT
  while :; do
    if [ "$log" = "-" ]; then
      "$@" &
    else
      "$@" >>"$log" 2>&1 &
    fi
    child=$!
    code=0
    wait "$child" 2>/dev/null || code=$?  # (no "Killed" job report: our line says it)
    line="$name gestopt (code $code), opnieuw gestart over $pause s"
    echo "$line" >&2
    if [ "$log" != "-" ]; then echo "$line" >>"$log"; fi
    sleep "$pause" &
    child=$!
    wait "$child" || true
  done
}

# Stops the current child's process group (COMMAND and what it started, or the pause), waits
# for it, and ends the supervisor.
_supervise_stop() {
  trap - TERM INT
  if [ -n "$1" ]; then
    kill -TERM -- "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
  exit 0
}
