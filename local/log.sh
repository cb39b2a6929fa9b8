# Logging helpers for recipes; source it after path.sh.
#   log "message"          -> 2026-11-27 18:03:12 (run.sh:42) message
#   stage_banner N "what"  -> a visible banner that starts stage N
# Both write to stderr so that stdout stays free for data.

log() {
  local file=${BASH_SOURCE[1]##*/}
  echo "$(date '+%Y-%m-%d %H:%M:%S') ($file:${BASH_LINENO[0]}) $*" >&2
}

stage_banner() {
  local n=$1; shift
  local file=${BASH_SOURCE[1]##*/}
  local rule="=================================================================="
  {
    echo "$rule"
    echo "$(date '+%Y-%m-%d %H:%M:%S') ($file:${BASH_LINENO[0]}) Stage $n: $*"
    echo "$rule"
  } >&2
}
