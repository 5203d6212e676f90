// Expectations across runs, end to end (`flowc run` against a real
// PostgreSQL): the history `change < P%` compares with.
#include <doctest/doctest.h>

#include "tests/integration/run_support.h"

using namespace flowc::testing;

namespace {

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

/// A model-stage workflow writing `rows` rows per run, with a `change` check
/// on the row count, runnable in the environments dev and stg.
std::vector<std::pair<std::string, std::string>> change_project(int rows) {
  std::string flow = R"FLOW(target wh {
  schema = "app"
  environment dev { schema_suffix = "_dev" }
  environment stg { schema_suffix = "_stg" }
}

workflow counts {
  owner  = "data-eng"
  target = wh
  stage  = model
  param ds: date = logical_date

  task numbers {
    writes = "numbers"
    mode   = overwrite_partition(ds)
    sql    = "select ${ds} as ds, g as n from generate_series(1, ROWS) as g"
    expect row_count() change < 50% as "rows stable"
  }
}
)FLOW";
  flow.replace(flow.find("ROWS"), 4, std::to_string(rows));
  return {{"counts.flow", flow}};
}

}  // namespace

TEST_CASE("expectations: `change` compares with the history of the run's own environment") {
  std::string dsn = fresh_database("expect_change_env");
  std::string small = write_project("expect_change_env_small", change_project(3));
  std::string large = write_project("expect_change_env_large", change_project(10));

  auto dev = run_flowc(small, {"run", ".", "--ds", "2026-11-01", "--env", "dev", "--dsn", dsn});
  INFO(dev.output);
  REQUIRE(dev.exit_code == 0);
  // The first run in stg has no history there: it passes and sets the
  // baseline, whatever dev recorded (other tables, other data).
  auto stg = run_flowc(large, {"run", ".", "--ds", "2026-11-01", "--env", "stg", "--dsn", dsn});
  INFO(stg.output);
  CHECK(stg.exit_code == 0);
  CHECK(query_one(dsn, "select count(*) from app_stg.numbers") == "10");
  // In dev, the history is dev's own: 3 -> 10 is a change of 233%.
  auto dev_again = run_flowc(large, {"run", ".", "--ds", "2026-11-02", "--env", "dev", "--dsn", dsn});
  INFO(dev_again.output);
  CHECK(dev_again.exit_code == 1);
  CHECK(contains(dev_again.output, "expectation `rows stable` failed: row_count() = 10"));
}
