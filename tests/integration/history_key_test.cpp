// The history key of expectation results (migration 9): each result is
// recorded with its name and metric without blanks (spelling::history_key),
// and `change < P%` finds the previous value by that key. Results written
// before the migration get their key from it.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "compiler/spelling/spelling.h"
#include "runtime/state/migrate.h"
#include "runtime/state/store.h"
#include "tests/integration/old_schema.h"
#include "tests/support/pg_harness.h"

namespace {

using namespace flowc::runtime::state;

/// One scalar query, as text ("<null>" for NULL or no row).
std::string query(const std::string& dsn, const std::string& sql) {
  pqxx::connection c(dsn);
  pqxx::nontransaction tx(c);
  pqxx::result r = tx.exec(sql);
  return r.empty() || r[0][0].is_null() ? "<null>" : r[0][0].as<std::string>();
}

}  // namespace

TEST_CASE("a history key is the name without blanks of any kind") {
  CHECK(flowc::spelling::history_key("sum( revenue )\t change <\n1%") == "sum(revenue)change<1%");
  CHECK(flowc::spelling::history_key("a\r\v\fb") == "ab");
  CHECK(flowc::spelling::history_key("row_count() > 0") == "row_count()>0");
  CHECK(flowc::spelling::history_key("") == "");
}

TEST_CASE("migration 9 keys the results written before it, and the lookup finds them whatever their blanks") {
  const std::string dsn = flowc::testing::fresh_database("history_key_migrate");
  pqxx::connection c(dsn);
  {
    // The schema as a flowc of schema version 8 left it, with one result of
    // a succeeded task written without `as`, spaced by hand.
    pqxx::work tx(c);
    flowc::testing::create_schema_at_version(tx, "flow", 8);
    tx.exec(
        "insert into flow.runs (id, workflow, ds, stage, trigger, status, plan_hash, plan) "
        "values (1, 'daily_kpi', '2026-11-24', 'production', 'manual', 'succeeded', 'h', '{}')");
    tx.exec(
        "insert into flow.task_runs (run_id, task, task_index, state, attempts, max_attempts) "
        "values (1, 't0', 0, 'succeeded', 1, 1)");
    tx.exec(
        "insert into flow.expectation_results (run_id, task, attempt, expectation, severity, metric, value, "
        "passed) values (1, 't0', 1, E'sum( revenue )\\tchange < 1%', 'error', 'sum( revenue )', '150', "
        "true)");
    // Each of the six blanks, by code.
    tx.exec(
        "insert into flow.expectation_results (run_id, task, attempt, expectation, severity, metric, value, "
        "passed) values (1, 't1', 1, 'a' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || ' b', "
        "'error', 'm' || chr(12), '1', true)");
    tx.commit();
  }
  MigrateOutcome migrated = migrate(c, "flow");
  REQUIRE_MESSAGE(migrated.ok, migrated.error);
  CHECK(migrated.version == latest_version());
  CHECK(
      query(
          dsn,
          "select expectation_key || ' / ' || metric_key from flow.expectation_results where task = 't0'") ==
      "sum(revenue)change<1% / sum(revenue)");
  CHECK(
      query(
          dsn,
          "select expectation_key || ' / ' || metric_key from flow.expectation_results where task = 't1'") ==
      flowc::spelling::history_key("a\t\n\v\f\r b") + " / " + flowc::spelling::history_key("m\f"));
  CHECK(query(dsn, "select expectation_key from flow.expectation_results where task = 't1'") == "ab");
  CHECK(query(dsn,
              "select indexdef from pg_indexes where schemaname = 'flow' and indexname = "
              "'expectation_history'") ==
        "CREATE INDEX expectation_history ON flow.expectation_results USING btree (task, expectation_key, "
        "metric_key, recorded_at DESC)");

  StateStore store(dsn, "flow");
  PreviousValue previous =
      store.previous_value(0, "daily_kpi", "", "t0", "sum(revenue) change < 1%", "sum(revenue)");
  REQUIRE(previous.status);
  REQUIRE(previous.value);
  CHECK(*previous.value == "150");
  CHECK_FALSE(
      store.previous_value(0, "daily_kpi", "", "t0", "sum(revenue) change < 2%", "sum(revenue)").value);

  MigrateOutcome again = migrate(c, "flow");
  REQUIRE_MESSAGE(again.ok, again.error);
  CHECK(again.applied == 0);
}
