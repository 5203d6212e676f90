#!/bin/sh
# Every doctest case's name is one CTest test. CTest reads a `;` in a name as
# a list separator: the case becomes two tests whose filters match nothing,
# and both "pass" without running it (24 cases went unrun that way). Commas
# are fine: doctest_discover_tests escapes them.
#   tests/doctest_names.sh TEST_BINARY...
set -eu
status=0
for binary in "$@"; do
  names=$("$binary" --list-test-cases --no-version 2>&1) || { echo "$names"; echo "FAIL: $binary --list-test-cases"; exit 1; }
  bad=$(printf '%s\n' "$names" | grep ';' || true)
  if [ -n "$bad" ]; then
    printf '%s\n' "$bad" | sed "s|^|$(basename "$binary"): a ';' in a test name (use ','): |"
    status=1
  fi
done
exit $status
