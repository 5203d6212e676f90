// `flowc check --db`: PostgreSQL checks every statement of a plan, in
// dependency order, and nothing is left behind.
#include "runtime/materialize/prepare.h"

#include <doctest/doctest.h>

#include "tests/integration/materialize_support.h"

using namespace flowc;
using namespace flowc::testing;
using plan::CompareOp;
using plan::WriteMode;

namespace {

/// stage (overwrite_partition) -> report (replace, reads stage), with an
/// expectation on report and a source with a readiness probe.
void good_plan(Db& db) {
  plan::Task source;
  source.name = "orders";
  source.kind = plan::TaskKind::Source;
  source.origin = {"wf.flow", 3, 3};
  plan::Readiness ready;
  ready.text = "row_count() > 0";
  ready.metrics.table = {"raw", "orders"};
  ready.metrics.statement = {"select count(*) from \"raw\".\"orders\" where \"ds\" = $1::date", {ds_param()}};
  ready.metrics.metrics = {{"row_count()", plan::ValueKind::Int, {}}};
  ready.conditions = {compare(0, CompareOp::Gt, number(0))};
  source.readiness = ready;
  db.add(source);

  plan::Task stage = sql_task("stage", {"staging", "orders"}, WriteMode::OverwritePartition,
                              "select ds, order_id, region, amount\nfrom \"raw\".\"orders\"\nwhere ds = $1::date",
                              {ds_param()});
  stage.partition_column = "ds";
  stage.deps = {0};
  db.add(stage);

  plan::Task report = sql_task("report", {"analytics", "report"}, WriteMode::Replace,
                               "select region, sum(amount) as revenue\nfrom \"staging\".\"orders\"\ngroup by region");
  report.deps = {1};
  report.sql_origin = {"sql/report.sql", 1, 1};
  set_metrics(report, {"analytics", "report__flow_new"},
              {{"row_count()", "count(*)"}, {"null_count(revenue)", "count(*) - count(revenue)"}});
  add_check(report, "row_count() > 0", false, compare(0, CompareOp::Gt, number(0)));
  add_check(report, "not_null(revenue)", false, compare(1, CompareOp::Eq, number(0)));
  report.checks[1].origin = {"wf.flow", 31, 5};
  db.add(report);
}

std::string describe(const std::vector<runtime::PrepareProblem>& problems) {
  std::string out;
  for (const auto& p : problems)
    out += p.task + " " + p.statement + ": " + p.message + " at " + std::to_string(p.line) + ":" +
           std::to_string(p.column) + "\n";
  return out;
}

/// A command task `load` whose output, landing.stuff, exists only once it has run.
plan::Task command_writing_landing_stuff() {
  plan::Task load;
  load.name = "load";
  load.kind = plan::TaskKind::Command;
  load.output = plan::TableName{"landing", "stuff"};
  load.argv = {"./load.sh"};
  load.origin = {"wf.flow", 3, 3};
  return load;
}

}  // namespace

TEST_CASE("a good plan has no problems and leaves nothing behind") {
  Db db;
  good_plan(db);
  std::vector<runtime::PrepareProblem> problems = runtime::prepare_plans(db.conn, {db.plan});
  INFO(describe(problems));
  CHECK(problems.empty());
  CHECK(db.scalar("select count(*) from pg_namespace where nspname in ('staging', 'analytics')") == "0");
  CHECK(db.scalar("select count(*) from pg_prepared_statements") == "0");
  CHECK(db.scalar("select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema', 'raw')") ==
        "0");
}

TEST_CASE("an unknown column is reported with its task, origin and position") {
  Db db;
  good_plan(db);
  db.plan.tasks[2].select.sql = "select region, sum(amount) as revenue\nfrom \"staging\".\"orders\"\nwhere nope > 0\ngroup by region";
  auto problems = runtime::prepare_plans(db.conn, {db.plan});
  INFO(describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].task == "report");
  CHECK(problems[0].statement == "select");
  CHECK(problems[0].origin == plan::Origin{"sql/report.sql", 1, 1});
  CHECK(problems[0].sqlstate == "42703");
  CHECK(problems[0].message == "column \"nope\" does not exist");
  CHECK(problems[0].line == 3);
  CHECK(problems[0].column == 7);
  CHECK(problems[0].position == 69);
  CHECK(db.scalar("select count(*) from pg_prepared_statements") == "0");
}

TEST_CASE("an unknown table is reported once, on the task that names it") {
  Db db;
  good_plan(db);
  db.plan.tasks[1].select.sql = "select ds, order_id, region, amount from \"raw\".\"orderz\" where ds = $1::date";
  auto problems = runtime::prepare_plans(db.conn, {db.plan});
  INFO(describe(problems));
  REQUIRE(problems.size() == 1);  // report's select, which reads stage, is not blamed
  CHECK(problems[0].task == "stage");
  CHECK(problems[0].origin == plan::Origin{"wf.flow", 12, 5});
  CHECK(problems[0].sqlstate == "42P01");
  CHECK(problems[0].line == 1);
  CHECK(problems[0].column == 42);  // at "raw"."orderz"
}

TEST_CASE("a bad metric is reported at the check that reads it") {
  Db db;
  good_plan(db);
  plan::Task& report = db.plan.tasks[2];
  report.metrics->statement.sql = "select count(*), count(*) - count(revenu) from \"analytics\".\"report__flow_new\"";
  auto problems = runtime::prepare_plans(db.conn, {db.plan});
  INFO(describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].task == "report");
  CHECK(problems[0].statement == "expectations");
  CHECK(problems[0].sqlstate == "42703");
  CHECK(problems[0].origin == plan::Origin{"wf.flow", 31, 5});  // not_null(revenue)
}

TEST_CASE("a readiness probe on a missing table is reported at the source") {
  Db db;
  good_plan(db);
  db.plan.tasks[0].readiness->metrics.statement.sql = "select count(*) from \"raw\".\"missing\" where \"ds\" = $1::date";
  auto problems = runtime::prepare_plans(db.conn, {db.plan});
  INFO(describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].task == "orders");
  CHECK(problems[0].statement == "readiness");
  CHECK(problems[0].origin == plan::Origin{"wf.flow", 3, 3});
}

TEST_CASE("a merge key the select does not produce is reported at the task") {
  Db db;
  good_plan(db);
  plan::Task merge = sql_task("publish", {"dash", "kpi"}, WriteMode::Merge,
                              "select region, sum(revenue) as revenue from \"analytics\".\"report\" group by region");
  merge.merge_key = {"ds", "region"};
  merge.deps = {2};
  db.add(merge);
  auto problems = runtime::prepare_plans(db.conn, {db.plan});
  INFO(describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].task == "publish");
  CHECK(problems[0].statement == "merge key");
  CHECK(problems[0].origin == plan::Origin{"wf.flow", 10, 3});
  CHECK(problems[0].message == "column \"ds\" does not exist");
}

TEST_CASE("statements of `none` tasks are not prepared, and what reads their output is not blamed") {
  Db db;
  plan::Task none = sql_task("load", {"analytics", "loaded"}, WriteMode::None,
                             "create table analytics.loaded as select 1 as x; analyze analytics.loaded");
  db.add(none);
  plan::Task after = sql_task("use", {"analytics", "used"}, WriteMode::Replace,
                              "select x from \"analytics\".\"loaded\"");
  after.deps = {0};
  db.add(after);
  auto problems = runtime::prepare_plans(db.conn, {db.plan});
  INFO(describe(problems));
  CHECK(problems.empty());
}

TEST_CASE("a command task's output does not exist before it runs, and what reads it is not blamed") {
  Db db;
  db.add(command_writing_landing_stuff());
  plan::Task after = sql_task("use", {"analytics", "used"}, WriteMode::Replace,
                              "select x from \"landing\".\"stuff\"");
  after.deps = {0};
  db.add(after);
  auto problems = runtime::prepare_plans(db.conn, {db.plan});
  INFO(describe(problems));
  CHECK(problems.empty());
}

TEST_CASE("a statement waiting for a lock another session holds ends the check after the lock_timeout") {
  Db db;
  good_plan(db);
  pqxx::connection holder(db.dsn);
  pqxx::work lock(holder);
  lock.exec0("lock table raw.orders in access exclusive mode");
  runtime::PrepareLimits limits;
  limits.lock_timeout = std::chrono::milliseconds(200);
  auto problems = runtime::prepare_plans(db.conn, {db.plan}, limits);
  INFO(describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].gave_up);
  CHECK(problems[0].task == "orders");
  CHECK(problems[0].statement == "readiness");
  CHECK(problems[0].sqlstate == "55P03");
  CHECK(problems[0].message == "waited 200ms (lock_timeout) for a lock that another session holds on a table it uses");
}

TEST_CASE("text that hides a second statement behind a comment ended by a lone CR is refused, never run") {
  Db db;
  db.sql("create sequence raw.seq");
  plan::Task task = sql_task("sneak", {"staging", "sneak"}, WriteMode::Replace,
                             "select 1 as x -- note\r; commit; create table public.pwned as select 1 as x; "
                             "select nextval('raw.seq'); commit; select 1 as x");
  db.add(task);
  auto problems = runtime::prepare_plans(db.conn, {db.plan});
  INFO(describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].sqlstate == "42601");
  CHECK(problems[0].message == "cannot insert multiple commands into a prepared statement");
  CHECK(db.scalar("select to_regclass('public.pwned') is null") == "t");
  CHECK(db.scalar("select count(*) from pg_namespace where nspname = 'staging'") == "0");
  CHECK(db.scalar("select is_called from raw.seq") == "f");  // nextval never ran
}

TEST_CASE("a replace table that exists with other columns: downstream statements see the select's columns") {
  Db db;
  db.sql(
      "create schema staging; create table staging.dim (order_id int); insert into staging.dim values (7)");
  plan::Task dim = sql_task("dim", {"staging", "dim"}, WriteMode::Replace,
                            "select order_id, region from \"raw\".\"orders\"");
  db.add(dim);
  plan::Task down = sql_task("down", {"staging", "down"}, WriteMode::Replace,
                             "select d.region from \"staging\".\"dim\" as d");
  down.deps = {0};
  db.add(down);
  auto problems = runtime::prepare_plans(db.conn, {db.plan});
  INFO(describe(problems));
  CHECK(problems.empty());
  // The existing table is as it was.
  CHECK(db.scalar("select string_agg(column_name, ',') from information_schema.columns "
                  "where table_schema = 'staging' and table_name = 'dim'") == "order_id");
  CHECK(db.scalar("select count(*) from staging.dim") == "1");
}

TEST_CASE(
    "an append, merge or overwrite_partition into an existing table lacking a column of the select fails") {
  for (WriteMode mode : {WriteMode::Append, WriteMode::Merge, WriteMode::OverwritePartition}) {
    CAPTURE(static_cast<int>(mode));
    Db db;
    db.sql("create schema staging; create table staging.part (ds date, order_id int)");
    plan::Task part =
        sql_task("part", {"staging", "part"}, mode,
                 "select ds, order_id, amount from \"raw\".\"orders\" where ds = $1::date", {ds_param()});
    part.partition_column = "ds";
    part.merge_key = {"order_id"};
    db.add(part);
    auto problems = runtime::prepare_plans(db.conn, {db.plan});
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].statement == "insert into the output table");
    CHECK(problems[0].message == "column \"amount\" of relation \"part\" does not exist");
  }
}

TEST_CASE("an unknown table is reported even when the statement also reads a table only a command makes") {
  Db db;
  db.add(command_writing_landing_stuff());
  plan::Task after =
      sql_task("use", {"analytics", "used"}, WriteMode::Replace,
               "select s.x from \"landing\".\"stuff\" as s join \"raw\".\"custmers\" as c on true");
  after.deps = {0};
  db.add(after);
  auto problems = runtime::prepare_plans(db.conn, {db.plan});
  INFO(describe(problems));
  // PostgreSQL names the first relation it misses: the command's output,
  // which is not blamed; the typo then goes unseen only until the command's
  // table exists. With the order reversed the typo is named.
  CHECK(problems.empty());
  db.plan.tasks[1].select.sql =
      "select s.x from \"raw\".\"custmers\" as c join \"landing\".\"stuff\" as s on true";
  problems = runtime::prepare_plans(db.conn, {db.plan});
  INFO(describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message == "relation \"raw.custmers\" does not exist");
}

TEST_CASE("the error position counts characters as PostgreSQL does: text before it may be any UTF-8") {
  Db db;
  plan::Task task = sql_task("t", {"staging", "t"}, WriteMode::Replace,
                             "select order_id, 'ÄÖÜß' as label, ds, amuont\nfrom \"raw\".\"orders\"");
  db.add(task);
  auto problems = runtime::prepare_plans(db.conn, {db.plan});
  INFO(describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message == "column \"amuont\" does not exist");
  const std::string& sql = db.plan.tasks[0].select.sql;
  REQUIRE(problems[0].position.has_value());
  CHECK(sql.substr(*problems[0].position - 1, 6) == "amuont");
  CHECK(problems[0].line == 1);
  CHECK(problems[0].column == sql.find("amuont") + 1);
}

TEST_CASE("a workflow's statements see the outputs of the workflows checked before it") {
  Db db;
  plan::Task a =
      sql_task("t", {"mart", "new_t"}, WriteMode::Replace, "select region from \"raw\".\"orders\"");
  db.add(a);
  plan::Plan upstream = db.plan;
  upstream.workflow = "a";
  plan::Plan downstream = db.plan;
  downstream.workflow = "b";
  downstream.tasks = {
      sql_task("u", {"mart", "u"}, WriteMode::Replace, "select region from \"mart\".\"new_t\"")};
  downstream.tasks[0].external = {{"a", "t", 3600, 60}};
  auto problems = runtime::prepare_plans(db.conn, {upstream, downstream});
  INFO(describe(problems));
  CHECK(problems.empty());
  problems = runtime::prepare_plans(db.conn, {downstream});
  INFO(describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].workflow == "b");
  CHECK(problems[0].message == "relation \"mart.new_t\" does not exist");
}

TEST_CASE("what a replace's swap refuses is reported as the run reports it, whatever the columns") {
  Db db;
  db.sql(
      "create schema mart; create table mart.keyed (region text primary key, revenue numeric);"
      "create table mart.child (region text references mart.keyed (region));"
      "create view mart.v as select 'x'::text as region, 1::numeric as revenue");
  db.add(sql_task("keyed", {"mart", "keyed"}, WriteMode::Replace,
                  "select region, sum(amount) as revenue from \"raw\".\"orders\" group by region"));
  db.add(sql_task("v", {"mart", "v"}, WriteMode::Replace,
                  "select region, sum(amount) as revenue from \"raw\".\"orders\" group by region"));
  auto problems = runtime::prepare_plans(db.conn, {db.plan});
  INFO(describe(problems));
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].message ==
        "\"mart\".\"keyed\" cannot be replaced: the foreign keys of mart.child reference it; write it with "
        "merge(key), or drop those foreign keys");
  CHECK(problems[1].message == "\"v\" is not a table");
  CHECK(db.scalar("select count(*) from pg_class where relname in ('keyed', 'child', 'v')") == "3");
}

TEST_CASE("a role that may not create schemas checks outputs in schemas that exist") {
  Db db;
  db.sql(
      "create schema mart; create role flowc_check_writer; grant usage, create on schema mart to "
      "flowc_check_writer; grant usage on schema raw to flowc_check_writer;"
      "grant select on raw.orders to flowc_check_writer");
  db.add(sql_task("t", {"mart", "t"}, WriteMode::Replace, "select region from \"raw\".\"orders\""));
  db.sql("set role flowc_check_writer");
  auto problems = runtime::prepare_plans(db.conn, {db.plan});
  db.sql("reset role");
  INFO(describe(problems));
  CHECK(problems.empty());
}

TEST_CASE("workflows that wait for each other both ways are checked task by task") {
  Db db;
  plan::Plan a = db.plan, b = db.plan;
  a.workflow = "a";
  b.workflow = "b";
  a.tasks = {sql_task("a1", {"mart", "a1"}, WriteMode::Replace, "select region from \"raw\".\"orders\""),
             sql_task("a2", {"mart", "a2"}, WriteMode::Replace, "select region from \"mart\".\"b1\"")};
  a.tasks[1].external = {{"b", "b1", 3600, 60}};
  b.tasks = {sql_task("b1", {"mart", "b1"}, WriteMode::Replace, "select region from \"mart\".\"a1\"")};
  b.tasks[0].external = {{"a", "a1", 3600, 60}};
  auto problems = runtime::prepare_plans(db.conn, {a, b});
  INFO(describe(problems));
  CHECK(problems.empty());
}

TEST_CASE("a read-only session is an environment problem: no output table can be made") {
  Db db;
  good_plan(db);
  db.sql("set default_transaction_read_only = on");
  auto problems = runtime::prepare_plans(db.conn, {db.plan});
  db.sql("set default_transaction_read_only = off");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].gave_up);
  CHECK(problems[0].task.empty());
  CHECK(problems[0].statement == "session");
}

TEST_CASE("a table named without its schema is not taken for a missing output of the same name") {
  Db db;
  db.add(sql_task("foo", {"mart", "foo"}, WriteMode::Replace, "select nope from \"raw\".\"orders\""));
  plan::Task b = sql_task("b", {"mart", "b"}, WriteMode::Replace, "select region from foo");
  b.deps = {0};
  db.add(b);
  auto problems = runtime::prepare_plans(db.conn, {db.plan});
  INFO(describe(problems));
  REQUIRE(problems.size() == 2);
  CHECK(problems[1].task == "b");
  CHECK(problems[1].message == "relation \"foo\" does not exist");
}

TEST_CASE("privileges PREPARE does not check are planned: reading a source and replacing a partition") {
  Db db;
  db.sql(
      "create schema mart; create table mart.daily (ds date, region text);"
      "create role flowc_check_partial; grant usage on schema raw, mart to flowc_check_partial;"
      "grant select, insert on mart.daily to flowc_check_partial");
  plan::Task daily = sql_task("daily", {"mart", "daily"}, WriteMode::OverwritePartition,
                              "select $1::date as ds, 'x'::text as region", {ds_param()});
  daily.partition_column = "ds";
  db.add(daily);
  db.add(sql_task("read", {"mart", "read"}, WriteMode::Replace, "select region from \"raw\".\"orders\""));
  db.sql("set role flowc_check_partial");
  auto problems = runtime::prepare_plans(db.conn, {db.plan});
  db.sql("reset role");
  INFO(describe(problems));
  REQUIRE(problems.size() == 2);
  // Inserting is granted; deleting the day's partition first is not.
  CHECK(problems[0].statement == "partition column");
  CHECK(problems[0].message == "permission denied for table daily");
  CHECK(problems[0].sqlstate == "42501");
  CHECK(problems[1].statement == "select");
  CHECK(problems[1].message == "permission denied for table orders");
  CHECK(db.scalar("select count(*) from pg_prepared_statements") == "0");
}
