#!/usr/bin/env bash
# Runs the editor-integration tests (node's test runner): the VS Code grammar
# over every .flow file and the scope fixtures (grammar.test.js), the
# extension's manifest, configuration, type check and client start-up
# (extension.test.js), and the Neovim files in a headless nvim (nvim.test.js;
# skipped without nvim). Set FLOWC_BINARY to a built flowc to also start the
# real language server from Neovim.
#
# Never downloads anything: the npm packages come from scripts/install-editor-deps.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"

if ! command -v node >/dev/null 2>&1; then
  echo "tests/editors: node is not installed (Debian package nodejs)" >&2
  exit 1
fi
for dir in tests/editors editors/vscode; do
  if [[ ! -d "$root/$dir/node_modules" ]]; then
    echo "tests/editors: $dir/node_modules is missing; run scripts/install-editor-deps" >&2
    exit 1
  fi
  if [[ "$root/$dir/package-lock.json" -nt "$root/$dir/node_modules/.package-lock.json" ]]; then
    echo "tests/editors: $dir/node_modules is older than its package-lock.json; run scripts/install-editor-deps" >&2
    exit 1
  fi
done

cd "$root/tests/editors"
exec node --test --test-reporter=spec grammar.test.js extension.test.js nvim.test.js
