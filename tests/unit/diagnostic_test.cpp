#include "compiler/diagnostics/diagnostic.h"

#include <doctest/doctest.h>

#include <set>

using namespace flowc;

TEST_CASE("edit distance counts adjacent transpositions as one edit") {
  CHECK(edit_distance("check", "check") == 0);
  CHECK(edit_distance("chekc", "check") == 1);
  CHECK(edit_distance("ordrs", "orders") == 1);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("closest name suggests near typos only") {
  std::vector<std::string_view> names = {"stage_orders", "dim_customers", "revenue_daily"};
  CHECK(closest_name("stage_ordrs", names) == "stage_orders");
  CHECK(closest_name("dim_customer", names) == "dim_customers");
  CHECK(closest_name("completely_else", names).empty());
  CHECK(closest_name("stage_orders", names).empty());  // the name itself is no suggestion
}

TEST_CASE("a message's article follows the word it names") {
  CHECK(article("int") == "an");
  CHECK(article("environment") == "an");
  CHECK(article("any") == "an");
  CHECK(article("route") == "a");
  CHECK(article("string") == "a");
  CHECK(article("") == "a");
}

TEST_CASE("the engine counts by severity and sorts by position") {
  DiagnosticEngine engine;
  FileId f{0};
  engine.report(DiagKind::UnusedOutput, {f, 50, 55}, "b");
  engine.report(DiagKind::UnknownName, {f, 10, 12}, "a");
  CHECK(engine.error_count() == 1);
  CHECK(engine.warning_count() == 1);
  engine.sort();
  CHECK(engine.diagnostics()[0].message == "a");
  CHECK(engine.diagnostics()[0].code() == "E0101");
}

TEST_CASE("every registered code is unique and well-formed") {
  std::set<std::string_view> seen;
  for (const DiagKindInfo& k : all_kinds()) {
    CAPTURE(k.code);
    CHECK(seen.insert(k.code).second);
    CHECK(k.code.size() == 5);
    CHECK((k.code[0] == 'E' || k.code[0] == 'W'));
    CHECK((k.code[0] == 'W') == (k.severity == Severity::Warning));
  }
}
