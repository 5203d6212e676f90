#include "compiler/textdiff/diff.h"

#include <doctest/doctest.h>

using flowc::textdiff::unified_diff;

TEST_CASE("equal texts have no diff") { CHECK(unified_diff("a.flow", "x\ny\n", "x\ny\n").empty()); }

TEST_CASE("a changed line is a removal followed by an addition, with context") {
  std::string diff = unified_diff("a.flow", "a\nb\nc\nd\n", "a\nB\nc\nd\n");
  CHECK(diff ==
        "--- a.flow\n+++ a.flow (formatted)\n"
        "@@ -1,4 +1,4 @@\n a\n-b\n+B\n c\n d\n");
}

TEST_CASE("distant changes are separate hunks") {
  std::string before;
  std::string after;
  for (int i = 0; i < 20; ++i) {
    before += std::to_string(i) + "\n";
    after += (i == 1 || i == 18 ? "x" : std::to_string(i)) + "\n";
  }
  std::string diff = unified_diff("f", before, after);
  CHECK(diff.find("@@ -1,5 +1,5 @@") != std::string::npos);
  CHECK(diff.find("@@ -16,5 +16,5 @@") != std::string::npos);
}

TEST_CASE("a missing final newline is a hunk marked as diff(1) marks it") {
  CHECK(unified_diff("a.flow", "a\nb\nc", "a\nb\nc\n") ==
        "--- a.flow\n+++ a.flow (formatted)\n"
        "@@ -1,3 +1,3 @@\n a\n b\n-c\n\\ No newline at end of file\n+c\n");
  CHECK(unified_diff("a.flow", "# c", "# c\n") ==
        "--- a.flow\n+++ a.flow (formatted)\n"
        "@@ -1,1 +1,1 @@\n-# c\n\\ No newline at end of file\n+# c\n");
}
