// One attempt of a source against a real PostgreSQL: readiness (not ready
// until the data, or the table, lands), then its expectations; and the
// condition evaluator they share with tasks.
#include <doctest/doctest.h>

#include <string>

#include "runtime/materialize/expectations.h"
#include "tests/integration/materialize_support.h"

using namespace flowc;
using namespace flowc::testing;
using plan::CompareOp;
using runtime::AttemptResult;

TEST_CASE("readiness: NotReady until the data arrives, then the source's expectations") {
  Db db;
  plan::Task source;
  source.name = "orders";
  source.kind = plan::TaskKind::Source;
  plan::Readiness ready;
  ready.text = "row_count() > 0";
  ready.metrics.table = {"raw", "orders"};
  ready.metrics.partition = "\"ds\" = $1::date";
  ready.metrics.statement = {"select count(*) from \"raw\".\"orders\" where \"ds\" = $1::date",
                             {ds_param("2026-11-25")}};
  ready.metrics.metrics = {{"row_count()", plan::ValueKind::Int, {}}};
  ready.conditions = {compare(0, CompareOp::Gt, number(0))};
  source.readiness = ready;
  set_metrics(source, {"raw", "orders"}, {{"null_count(order_id)", "count(*) - count(order_id)"}});
  add_check(source, "not_null(order_id)", false, compare(0, CompareOp::Eq, number(0)));
  uint32_t t = db.add(source);

  AttemptResult r = db.run(t);
  CHECK(r.outcome == AttemptResult::Outcome::NotReady);
  CHECK(r.message == "not ready: row_count() > 0 (row_count() = 0)");
  CHECK(r.readiness_values == "row_count() = 0");
  CHECK(r.expectations.empty());

  db.sql("insert into raw.orders values ('2026-11-25', 7, 'emea', 70)");
  r = db.run(t);
  CHECK(r.outcome == AttemptResult::Outcome::Succeeded);
  REQUIRE(r.expectations.size() == 1);
  CHECK(r.expectations[0].passed);

  db.sql("insert into raw.orders values ('2026-11-25', null, 'emea', 70)");
  r = db.run(t);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.expectation_failed);
}

TEST_CASE("readiness: a table or schema that does not exist yet is not ready, until it lands") {
  Db db;
  auto landing_source = [&](const std::string& schema, const std::string& table) {
    plan::Task source;
    source.name = "landing_" + schema;
    source.kind = plan::TaskKind::Source;
    plan::Readiness ready;
    ready.text = "row_count() > 0";
    ready.metrics.table = {schema, table};
    ready.metrics.statement = {"select count(*) from \"" + schema + "\".\"" + table + "\"", {}};
    ready.metrics.metrics = {{"row_count()", plan::ValueKind::Int, {}}};
    ready.conditions = {compare(0, CompareOp::Gt, number(0))};
    source.readiness = ready;
    return db.add(source);
  };
  uint32_t missing_table = landing_source("raw", "landing");
  uint32_t missing_schema = landing_source("landing_zone", "orders");

  AttemptResult r = db.run(missing_table);
  CHECK(r.outcome == AttemptResult::Outcome::NotReady);
  CHECK(r.sqlstate == "42P01");
  CHECK(r.message == "relation \"raw.landing\" does not exist");
  CHECK(db.last_log().find("ready = row_count() > 0: relation \"raw.landing\" does not exist -> does not hold") !=
        std::string::npos);
  r = db.run(missing_schema);
  CHECK(r.outcome == AttemptResult::Outcome::NotReady);
  CHECK(r.message == "relation \"landing_zone.orders\" does not exist");  // its schema is missing too

  db.sql("create table raw.landing (n int); insert into raw.landing values (1)");
  CHECK(db.run(missing_table).outcome == AttemptResult::Outcome::Succeeded);
  db.sql("create schema landing_zone; create table landing_zone.orders (n int)");
  r = db.run(missing_schema);
  CHECK(r.outcome == AttemptResult::Outcome::NotReady);  // there, but empty
  CHECK(r.sqlstate.empty());

  // Any other error of the probe is not "not ready": a column that does not exist fails at once.
  plan::Task& broken = db.plan.tasks[missing_table];
  broken.readiness->metrics.statement.sql = "select count(no_such_column) from \"raw\".\"landing\"";
  r = db.run(missing_table);
  CHECK(r.outcome == AttemptResult::Outcome::Failed);
  CHECK(r.sqlstate == "42703");
  db.sql("drop table raw.landing; drop schema landing_zone cascade");
}

// ---- the evaluator alone ----

TEST_CASE("conditions compare by kind with SQL's three-valued logic") {
  using runtime::Truth;
  std::vector<plan::Metric> metrics = {{"max(day)", plan::ValueKind::Date, {}},
                                       {"null_rate(x)", plan::ValueKind::Percent, {}},
                                       {"freshness(t)", plan::ValueKind::Duration, {}},
                                       {"max(region)", plan::ValueKind::Text, {}}};
  runtime::MetricRow row = {"2026-11-24", "4.5", "01:30:00", "emea"};
  auto eval = [&](const std::vector<plan::Condition>& c) {
    return runtime::evaluate_condition(c, 0, metrics, row, "check", nullptr);
  };
  plan::Literal day{plan::ValueKind::Date, 20781, "2026-11-24"};  // days since 1970-01-01
  CHECK(eval({compare(0, CompareOp::Eq, day)}) == Truth::True);
  CHECK(eval({compare(1, CompareOp::Lt, number(5, plan::ValueKind::Percent))}) == Truth::True);
  CHECK(eval({compare(2, CompareOp::Lt, {plan::ValueKind::Duration, 7200, "2h"})}) == Truth::True);
  CHECK(eval({compare(2, CompareOp::Gt, {plan::ValueKind::Duration, 3600, "1h"})}) == Truth::True);
  plan::Condition in_list;
  in_list.kind = plan::Condition::Kind::InList;
  in_list.metric = 3;
  in_list.literals = {{plan::ValueKind::Text, 0, "amer"}, {plan::ValueKind::Text, 0, "emea"}};
  CHECK(eval({in_list}) == Truth::True);
  plan::Condition range;
  range.kind = plan::Condition::Kind::InRange;
  range.metric = 1;
  range.literals = {number(1), number(4)};
  CHECK(eval({range}) == Truth::False);

  row[1] = std::nullopt;
  CHECK(eval({compare(1, CompareOp::Lt, number(5))}) == Truth::Unknown);
  plan::Condition negated;
  negated.kind = plan::Condition::Kind::Not;
  negated.operands = {1};
  CHECK(eval({negated, compare(1, CompareOp::Lt, number(5))}) == Truth::Unknown);
}
