#!/usr/bin/env bash
# Neovim 0.7 end to end: attaches `flowc lsp` to a copy of
# tests/lsp/e2e/kpi.flow (it has one error) and checks diagnostics, hover,
# definition and an edit (nvim_e2e.lua). Exits non-zero on failure.
#
#   tests/lsp/nvim_e2e.sh [FLOWC]     # default: build/bin/flowc
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FLOWC=${1:-$HERE/../../build/bin/flowc}
FLOWC=$(realpath "$FLOWC")
if ! command -v nvim >/dev/null; then
  echo "nvim_e2e: nvim is not installed" >&2
  exit 1
fi
WORK=$(mktemp -d /tmp/flowc-nvim-e2e.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cp -r "$HERE/e2e/." "$WORK/"
export FLOWC FLOW_FILE="$WORK/kpi.flow"
# --clean: no user config or plugins; a private state dir keeps the LSP log out of $HOME.
export XDG_STATE_HOME="$WORK/state" XDG_CACHE_HOME="$WORK/cache" XDG_DATA_HOME="$WORK/data"
status=0
timeout 120 nvim --headless --clean -n -c "luafile $HERE/nvim_e2e.lua" || status=$?
if [[ $status -ne 0 ]]; then
  echo "nvim_e2e: FAILED (status $status)" >&2
  log=$(find "$WORK" -name 'lsp.log' 2>/dev/null | head -1)
  [[ -n "$log" ]] && tail -n 40 "$log" >&2
fi
exit $status
