// Names the plan and the runtime derive from table names (plan.h).
#include <doctest/doctest.h>

#include "compiler/plan/plan.h"

using flowc::plan::identifier_with_suffix;

TEST_CASE("a name with its suffix stays as it is within 63 bytes") {
  CHECK(identifier_with_suffix("daily", "__flow_key") == "daily__flow_key");
  const std::string exact(53, 'a');
  CHECK(identifier_with_suffix(exact, "__flow_key") == exact + "__flow_key");
}

TEST_CASE("two long names that share their first bytes keep different names with the suffix") {
  const std::string start = "customer_lifetime_value_by_acquisition_channel_and_da_";
  const std::string a = identifier_with_suffix(start + "a", "__flow_key");
  const std::string b = identifier_with_suffix(start + "b", "__flow_key");
  CHECK(a.size() == 63);
  CHECK(b.size() == 63);
  CHECK(a != b);
  CHECK(a.starts_with(start.substr(0, 44)));  // 63 bytes: 44 of the name, `_` and 8 hex digits, the suffix
  CHECK(a.ends_with("__flow_key"));
  CHECK(identifier_with_suffix(start + "a", "__flow_key") == a);  // the same on every call
}

TEST_CASE("a long name is cut between UTF-8 characters, never inside one") {
  std::string name;
  for (int i = 0; i < 30; ++i) name += "\xc3\xa9";  // é, two bytes each: 60 bytes
  const std::string cut = identifier_with_suffix(name, "__flow_key");
  CHECK(cut.size() <= 63);
  const std::string kept = cut.substr(0, cut.find('_'));
  CHECK(kept.size() % 2 == 0);  // whole characters only
}
