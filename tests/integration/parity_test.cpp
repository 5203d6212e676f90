// Mirror parity (runtime/parity, runtime.md "Mirror runs") against a real
// PostgreSQL: the daily_kpi example in mirror stage leaves production
// untouched and reports parity on its demo data; a one-row difference in the
// legacy table fails the run with the key named and a parity alert; a
// missing legacy table is a clear mismatch. Then the comparison itself on
// hand-made tables: missing, extra and different keys with capped samples,
// tolerances, column sets, and the JSON round trip.
#include <doctest/doctest.h>

#include <filesystem>

#include "compiler/plan/plan.h"
#include "runtime/parity/parity.h"
#include "tests/integration/run_support.h"

namespace fs = std::filesystem;
using namespace flowc::testing;
namespace parity = flowc::runtime::parity;

namespace {

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

/// The daily_kpi example copied to a scratch directory, its demo data loaded
/// into `dsn`.
std::string example_project(const std::string& dsn, const std::string& name) {
  fs::path project = scratch_dir(name);
  fs::path example = fs::path(FLOWC_SOURCE_DIR) / "examples" / "daily_kpi";
  for (const char* part : {"flow.project", "daily_kpi.flow", "legacy.flow", "routes.flow", "targets.flow",
                           "sql", "scripts", "demo"})
    fs::copy(example / part, project / part, fs::copy_options::recursive);
  flowc::runtime::ProcessOptions psql;
  psql.argv = {"psql", dsn, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "demo/load_demo_data.sql"};
  psql.env = child_env({"PGOPTIONS=-c client_min_messages=warning"});
  psql.cwd = project.string();
  auto loaded = flowc::runtime::run_process(psql);
  INFO(loaded.output);
  REQUIRE(loaded.exit_code == 0);
  return project.string();
}

/// Every production table the example reads or the legacy job writes.
const std::vector<std::string> kProductionTables = {"raw.orders", "raw.customers", "dash.kpi_daily"};

std::vector<std::string> checksums(const std::string& dsn) {
  std::vector<std::string> out;
  for (const std::string& table : kProductionTables) out.push_back(table_checksum(dsn, table));
  return out;
}

/// A day inside the demo data (which follows the database's current_date).
std::string demo_day(const std::string& dsn) { return query_one(dsn, "select (current_date - 1)::text"); }

}  // namespace

TEST_CASE(
    "parity: a mirror run of daily_kpi on its demo data changes no production table and reports parity") {
  std::string dsn = fresh_database("parity_clean");
  std::string project = example_project(dsn, "parity_clean");
  std::string ds = demo_day(dsn);
  std::vector<std::string> before = checksums(dsn);
  for (const std::string& sum : before) REQUIRE(!sum.empty());

  auto run = run_flowc(project, {"run", ".", "--ds", ds}, {"WAREHOUSE_DSN=" + dsn});
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(checksums(dsn) == before);
  // The production outputs of the workflow were never created: only their mirrors.
  CHECK(query_one(dsn,
                  "select to_regclass('analytics.revenue_daily') is null and to_regclass('staging.orders') "
                  "is null") == "t");
  CHECK(query_one(dsn, "select count(*) from dash__mirror.kpi_daily where ds = '" + ds + "'") == "3");

  CHECK(query_one(dsn, "select status from flow.runs") == "succeeded");
  CHECK(query_one(dsn, "select parity->>'ok' from flow.runs") == "true");
  CHECK(query_one(dsn, "select parity->'tables'->0->'metrics'->0->>'legacy' from flow.runs") == "3");
  CHECK(query_one(dsn, "select parity->'tables'->0->'keys'->>'different' from flow.runs") == "0");
  // Every column of the legacy table is compared, none is missing.
  CHECK(query_one(dsn, "select jsonb_array_length(parity->'tables'->0->'keys'->'compared') from flow.runs") ==
        "5");
  CHECK(query_one(dsn, "select jsonb_array_length(parity->'tables'->0->'only_in_legacy') from flow.runs") ==
        "0");
  CHECK(contains(run.output, "parity with legacy job kpi_cron: ok"));
  CHECK(contains(run.output, "keys (ds, region): 0 missing, 0 extra, 0 different"));
  CHECK(query_one(dsn, "select count(*) from flow.alerts where kind = 'parity'") == "0");
}

TEST_CASE(
    "parity: one changed row in the legacy table fails the run, names the key and raises one parity alert") {
  std::string dsn = fresh_database("parity_mismatch");
  std::string project = example_project(dsn, "parity_mismatch");
  std::string ds = demo_day(dsn);
  REQUIRE(query_one(dsn, "with changed as (update dash.kpi_daily set revenue = revenue + 1 where ds = '" +
                             ds + "' and region = 'emea' returning 1) select count(*) from changed") == "1");
  std::vector<std::string> before = checksums(dsn);

  auto run = run_flowc(project, {"run", ".", "--ds", ds}, {"WAREHOUSE_DSN=" + dsn});
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(checksums(dsn) == before);
  CHECK(query_one(dsn, "select status from flow.runs") == "failed");
  // Every task succeeded: the run failed on parity alone.
  CHECK(query_one(dsn, "select count(*) from flow.task_runs where state <> 'succeeded'") == "0");
  CHECK(query_one(dsn, "select parity->>'ok' from flow.runs") == "false");
  auto keys = [&](const std::string& field) {
    return query_one(dsn, "select parity->'tables'->0->'keys'->>'" + field + "' from flow.runs");
  };
  CHECK(keys("different") == "1");
  CHECK(keys("missing") == "0");
  CHECK(keys("extra") == "0");
  CHECK(query_one(dsn, "select parity->'tables'->0->'keys'->'sample'->'different'->0 from flow.runs") ==
        "[\"" + ds + "\", \"emea\"]");
  CHECK(contains(run.output, "parity with legacy job kpi_cron: mismatch"));
  CHECK(contains(run.output, "different: (" + ds + ", emea)"));
  CHECK(contains(run.output, "sum(revenue)"));

  // One incident, recorded once per channel of the route.
  CHECK(query_one(dsn, "select count(*) from flow.alerts where kind = 'parity' and channel = 'webhook'") ==
        "1");
  CHECK(contains(query_one(dsn, "select payload->>'message' from flow.alerts where kind = 'parity' limit 1"),
                 "1 different key (" + ds + ", emea)"));
  // The mirror tables are stale, not what the legacy job still serves.
  auto impact = [&](const std::string& field) {
    return query_one(dsn, "select payload->'impact'->>'" + field + "' from flow.alerts where kind = 'parity' limit 1");
  };
  CHECK(impact("published") == "[]");
  CHECK(impact("legacy_consumers") == "[]");
  CHECK(contains(impact("tables"), "__mirror."));

  // `flowc status` renders the stored report as the run printed it.
  auto status = run_flowc(project, {"status", "1", "."}, {"WAREHOUSE_DSN=" + dsn});
  INFO(status.output);
  CHECK(status.exit_code == 0);
  CHECK(contains(status.output, "keys (ds, region): 0 missing, 0 extra, 1 different"));
  CHECK(contains(status.output, "different: (" + ds + ", emea)"));
  CHECK_FALSE(contains(status.output, "\"tables\""));
  // history's FAILED TASKS and a backfill's reason name the mismatch, not a stop.
  const std::string mismatch = "parity mismatch: dash.kpi_daily: sum(revenue) ";
  auto history = run_flowc(project, {"history", "."}, {"WAREHOUSE_DSN=" + dsn});
  INFO(history.output);
  CHECK(contains(history.output, mismatch));
  auto backfill = run_flowc(project, {"backfill", ".", "--workflow", "daily_kpi", "--from", ds, "--to", ds},
                            {"WAREHOUSE_DSN=" + dsn});
  INFO(backfill.output);
  CHECK(backfill.exit_code == 1);
  CHECK(contains(backfill.output, "failed " + ds + " (run 2): " + mismatch));
  CHECK(contains(backfill.output, "1 different key (" + ds + ", emea), differing in revenue\n"));
  CHECK_FALSE(contains(backfill.output, "the run was stopped"));

  // Once the legacy table is put right, `flowc retry` of the day's latest
  // run (the backfill's) compares again, re-running no task, and the run
  // succeeds. (Run 1 is no longer the day's latest: refused.)
  query_one(dsn, "update dash.kpi_daily set revenue = revenue - 1 where ds = '" + ds + "' and region = 'emea'");
  std::string attempts = query_one(dsn, "select count(*) from flow.attempts");
  CHECK(run_flowc(project, {"retry", "1", "."}, {"WAREHOUSE_DSN=" + dsn}).exit_code == 2);
  auto retry = run_flowc(project, {"retry", "2", "."}, {"WAREHOUSE_DSN=" + dsn});
  INFO(retry.output);
  CHECK(retry.exit_code == 0);
  CHECK(contains(retry.output, "parity with legacy job kpi_cron: ok"));
  CHECK(query_one(dsn, "select status || ' ' || (parity->>'ok') from flow.runs where id = 2") ==
        "succeeded true");
  CHECK(query_one(dsn, "select count(*) from flow.attempts") == attempts);

  // No task failed, yet the run did: `ops` counts it a failure a retry fixed.
  CHECK(query_one(dsn, "select failed_before from flow.runs where id = 2") == "1");
  auto ops = run_flowc(project, {"ops", ".", "--workflow", "daily_kpi"}, {"WAREHOUSE_DSN=" + dsn});
  INFO(ops.output);
  CHECK(contains(ops.output, "1 failed run fixed by a retry since"));
}

TEST_CASE("parity: a legacy table that does not exist is a clear mismatch") {
  std::string dsn = fresh_database("parity_missing");
  std::string project = example_project(dsn, "parity_missing");
  query_one(dsn, "drop table dash.kpi_daily");
  auto run = run_flowc(project, {"run", ".", "--ds", demo_day(dsn)}, {"WAREHOUSE_DSN=" + dsn});
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(contains(run.output, "legacy table dash.kpi_daily does not exist"));
  CHECK(query_one(dsn, "select parity->'tables'->0->>'error' from flow.runs") ==
        "legacy table dash.kpi_daily does not exist");
  CHECK(query_one(dsn, "select to_regclass('dash.kpi_daily') is null") == "t");  // nothing was created
}

namespace {

/// A plan with one task comparing out__mirror.t with out.t, keyed on `id`
/// for the partition `part = $1` (part = 1).
flowc::plan::Plan keyed_plan() {
  flowc::plan::Plan plan;
  plan.workflow = "w";
  plan.replaces = flowc::plan::LegacyJob{"old_job", "team", {"out.t"}, {}, "re-enable it", true};
  flowc::plan::Task task;
  task.name = "t";
  flowc::plan::Parity p;
  p.mirror = {"out__mirror", "t"};
  p.legacy = {"out", "t"};
  p.partition = "\"part\" = $1::int";
  p.params = {{"part", "int", "1"}};
  p.metric_sql = {"count(*)", "coalesce(sum(\"amount\"), 0)::float8", "max(\"label\")"};
  p.metric_labels = {"row_count()", "sum(amount)", "max(label)"};
  p.key = {"id"};
  task.parity = p;
  plan.tasks.push_back(task);
  return plan;
}

}  // namespace

TEST_CASE("parity: keys missing, extra and different are counted, sampled up to 5, on the partition only") {
  std::string dsn = fresh_database("parity_keys");
  query_one(dsn, R"SQL(
    create schema out; create schema out__mirror;
    create table out.t (part int, id int, amount float8, label text, note text);
    create table out__mirror.t (part int, id int, amount float8, label text, fresh text);
    -- ids 1..20 in both; legacy also has 21..27 (missing); mirror also has 28..29 (extra)
    insert into out.t select 1, g, g * 1.5, 'x' || g, 'n' from generate_series(1, 27) g;
    insert into out__mirror.t select 1, g, g * 1.5, 'x' || g, 'f' from generate_series(1, 20) g;
    insert into out__mirror.t select 1, g, g * 1.5, 'x' || g, 'f' from generate_series(28, 29) g;
    -- 6 different rows, one of them only by a NULL
    update out__mirror.t set label = 'changed' where id in (2, 4, 6, 8, 10);
    update out__mirror.t set amount = null where id = 12;
    -- other partitions are not compared
    insert into out.t values (2, 1, 999, 'other', 'n');
    select 1)SQL");
  std::string before = table_checksum(dsn, "out.t") + table_checksum(dsn, "out__mirror.t");

  pqxx::connection target(dsn);
  parity::ParityReport report = parity::compare_with_legacy(target, keyed_plan());
  CHECK(table_checksum(dsn, "out.t") + table_checksum(dsn, "out__mirror.t") == before);
  REQUIRE(report.tables.size() == 1);
  const parity::TableParity& t = report.tables[0];
  CHECK_FALSE(report.ok);
  CHECK_FALSE(t.ok);
  CHECK(t.error == "");
  CHECK(t.partition == "part = 1");
  CHECK(report.legacy_job == "old_job");
  REQUIRE(t.keys);
  CHECK(t.keys->missing == 7);
  CHECK(t.keys->extra == 2);
  CHECK(t.keys->different == 6);
  REQUIRE(t.keys->missing_sample.size() == 5);
  CHECK(t.keys->missing_sample.front() == parity::KeyValues{"21"});
  CHECK(t.keys->missing_sample.back() == parity::KeyValues{"25"});
  CHECK(t.keys->extra_sample == std::vector<parity::KeyValues>{{"28"}, {"29"}});
  CHECK(t.keys->different_sample.size() == 5);
  CHECK(t.keys->compared == std::vector<std::string>{"part", "amount", "label"});
  CHECK(t.only_in_legacy == std::vector<std::string>{"note"});
  CHECK(t.only_in_mirror == std::vector<std::string>{"fresh"});
  REQUIRE(t.metrics.size() == 3);
  CHECK(t.metrics[0].mirror == "22");
  CHECK(t.metrics[0].legacy == "27");
  CHECK(t.metrics[0].tolerance == 0);  // counts are exact
  CHECK(t.metrics[1].tolerance == parity::kDefaultRelativeTolerance);
  CHECK_FALSE(t.metrics[1].ok);
  CHECK(t.metrics[2].tolerance == 0);  // text is compared as text

  std::string text = parity::render_human(report);
  CHECK(contains(text, "keys (id): 7 missing, 2 extra, 6 different"));
  CHECK(contains(text, "missing (in legacy only): (21) (22) (23) (24) (25) and 2 more"));
  CHECK(contains(text, "extra (in mirror only): (28) (29)\n"));
  CHECK(contains(text, "columns missing in the mirror: note"));
  CHECK(contains(report.mismatch_summary(), "7 missing keys (21), ..."));

  std::optional<parity::ParityReport> back = parity::from_json(parity::to_json(report));
  REQUIRE(back);
  CHECK(parity::render_human(*back) == text);
  CHECK_FALSE(parity::from_json("{\"not\": \"a report\"}"));
}

TEST_CASE(
    "parity: float metrics agree within the tolerance, identical tables match, a dead target is an error") {
  std::string dsn = fresh_database("parity_tolerance");
  query_one(dsn, R"SQL(
    create schema out; create schema out__mirror;
    create table out.t (part int, id int, amount float8, label text);
    create table out__mirror.t (part int, id int, amount float8, label text);
    insert into out.t select 1, g, 0.1, 'x' from generate_series(1, 1000) g;
    insert into out__mirror.t select 1, g, 0.1, 'x' from generate_series(1000, 1, -1) g;
    select 1)SQL");
  flowc::plan::Plan plan = keyed_plan();
  pqxx::connection target(dsn);
  parity::ParityReport same = parity::compare_with_legacy(target, plan);
  INFO(parity::render_human(same));
  CHECK(same.ok);
  CHECK(same.mismatch_summary() == "");

  // 1e-6 relative apart: beyond the default tolerance, within 0.001%.
  query_one(dsn, "update out__mirror.t set amount = amount * (1 + 1e-6); select 1");
  CHECK_FALSE(parity::compare_with_legacy(target, plan).tables[0].metrics[1].ok);
  plan.tasks[0].parity->tolerance_percent = 0.001;
  plan.tasks[0].parity->key.clear();  // metrics only: the rows differ, the sums agree
  parity::ParityReport within = parity::compare_with_legacy(target, plan);
  INFO(parity::render_human(within));
  CHECK(within.tables[0].metrics[1].ok);
  CHECK(within.ok);

  parity::ParityReport dead = parity::compare_with_legacy("host=/nonexistent-flowc port=1", plan);
  CHECK_FALSE(dead.ok);
  REQUIRE(dead.tables.size() == 1);
  CHECK(contains(dead.tables[0].error, "cannot connect to the target database"));
}

TEST_CASE("parity: an overwrite_partition output compares the partition's rows, floats within the tolerance") {
  std::string dsn = fresh_database("parity_rows");
  query_one(dsn, R"SQL(
    create schema out; create schema out__mirror;
    create table out.t (part int, store text, amount numeric(12, 2), share float8);
    create table out__mirror.t (part int, store text, amount numeric, share float8);
    -- the same rows, the sums equal: s0 +5 and s1 -5, s2 renamed sX in the mirror
    insert into out.t values (1, 's0', 100.00, 0.3), (1, 's1', 200.00, 0.3), (1, 's2', 300.00, 0.4),
                             (1, 's3', 400.00, 0.3), (1, 's3', 400.00, 0.3), (2, 'other', 1, 1);
    insert into out__mirror.t values (1, 's0', 105, 0.1::float8 + 0.2::float8), (1, 's1', 195, 0.3),
                                     (1, 'sX', 300, 0.4), (1, 's3', 400.0, 0.3), (1, 's3', 400, 0.3);
    select 1)SQL");
  flowc::plan::Plan plan = keyed_plan();
  flowc::plan::Parity& p = *plan.tasks[0].parity;
  p.key.clear();
  p.compare_rows = true;
  p.metric_sql = {"count(*)", "sum(\"amount\")"};
  p.metric_labels = {"row_count()", "sum(amount)"};
  pqxx::connection target(dsn);
  parity::ParityReport report = parity::compare_with_legacy(target, plan);
  std::string text = parity::render_human(report);
  INFO(text);
  REQUIRE(report.tables.size() == 1);
  const parity::TableParity& t = report.tables[0];
  CHECK(t.metrics[0].ok);  // the metrics cannot see it
  CHECK(t.metrics[1].ok);
  CHECK_FALSE(t.ok);
  REQUIRE(t.keys);
  CHECK(t.keys->rows);
  CHECK(t.keys->key == std::vector<std::string>{"part", "store", "amount", "share"});
  CHECK(t.keys->missing == 3);  // 0.1 + 0.2 is 0.3 here, 400.00 is 400, the duplicate row counts once each
  CHECK(t.keys->extra == 3);
  CHECK(t.keys->missing_sample.front() == parity::KeyValues{"1", "s0", "100.00", "0.3"});
  CHECK(contains(text, "rows (part, store, amount, share): 3 missing, 3 extra\n"));
  CHECK(contains(report.mismatch_summary(), "3 missing rows (1, s0, 100.00, 0.3), ..."));
  std::optional<parity::ParityReport> back = parity::from_json(parity::to_json(report));
  REQUIRE(back);
  CHECK(parity::render_human(*back) == text);

  // Put right, the rows match; one duplicate fewer is one missing row.
  query_one(dsn, "update out__mirror.t set amount = 100, store = 's0' where store = 's0';"
                 "update out__mirror.t set amount = 200 where store = 's1';"
                 "update out__mirror.t set store = 's2' where store = 'sX'; select 1");
  CHECK(parity::compare_with_legacy(target, plan).ok);
  query_one(dsn, "delete from out__mirror.t where ctid = (select min(ctid) from out__mirror.t where store = 's3')");
  parity::ParityReport one = parity::compare_with_legacy(target, plan);
  REQUIRE(one.tables[0].keys);
  CHECK(one.tables[0].keys->missing == 1);
  CHECK(one.tables[0].keys->extra == 0);
}

TEST_CASE("parity: rows whose floats round to two sides of a step, within the tolerance, are the same rows") {
  std::string dsn = fresh_database("parity_rows_rounding");
  // 9 significant digits (the default tolerance, 1e-9): 0.123456788499999
  // rounds down and 0.123456788500001 up, 2e-15 apart. Store s2 differs
  // for real, and both its rows stay.
  query_one(dsn, R"SQL(
    create schema out; create schema out__mirror;
    create table out.t (part int, store text, share float8);
    create table out__mirror.t (part int, store text, share float8);
    insert into out.t values (1, 's0', 0.123456788499999), (1, 's1', 0.25), (1, 's1', 0.75), (1, 's2', 0.5);
    insert into out__mirror.t values (1, 's0', 0.123456788500001), (1, 's1', 0.7500000000000001), (1, 's1', 0.25),
                                     (1, 's2', 0.6);
    select 1)SQL");
  flowc::plan::Plan plan = keyed_plan();
  flowc::plan::Parity& p = *plan.tasks[0].parity;
  p.key.clear();
  p.compare_rows = true;
  p.metric_sql = {"count(*)"};
  p.metric_labels = {"row_count()"};
  pqxx::connection target(dsn);
  parity::ParityReport report = parity::compare_with_legacy(target, plan);
  INFO(parity::render_human(report));
  REQUIRE(report.tables.size() == 1);
  REQUIRE(report.tables[0].keys);
  const parity::KeyDiff& rows = *report.tables[0].keys;
  CHECK(rows.missing == 1);
  CHECK(rows.extra == 1);
  CHECK(rows.missing_sample == std::vector<parity::KeyValues>{{"1", "s2", "0.5"}});
  CHECK(rows.extra_sample == std::vector<parity::KeyValues>{{"1", "s2", "0.6"}});
  CHECK(rows.columns == std::vector<parity::ColumnDifference>{{"share", 1}});

  query_one(dsn, "update out__mirror.t set share = 0.5 where store = 's2'; select 1");
  CHECK(parity::compare_with_legacy(target, plan).ok);
}

TEST_CASE("parity: a keyed diff compares float columns within the tolerance") {
  std::string dsn = fresh_database("parity_key_floats");
  query_one(dsn, R"SQL(
    create schema out; create schema out__mirror;
    create table out.t (part int, id int, amount float8, label text);
    create table out__mirror.t (part int, id int, amount float8, label text);
    insert into out.t values (1, 1, 0.3, 'a'), (1, 2, 1e6, 'b'), (1, 3, 'Infinity', 'c'), (1, 4, null, 'd');
    insert into out__mirror.t values (1, 1, 0.1::float8 + 0.2::float8, 'a'), (1, 2, 1e6 + 0.5, 'b'),
                                     (1, 3, 'Infinity', 'c'), (1, 4, null, 'd');
    select 1)SQL");
  flowc::plan::Plan plan = keyed_plan();
  pqxx::connection target(dsn);
  parity::ParityReport report = parity::compare_with_legacy(target, plan);
  INFO(parity::render_human(report));
  REQUIRE(report.tables[0].keys);
  CHECK(report.tables[0].keys->different == 1);  // 1e6 + 0.5 is 5e-7 apart; 0.1 + 0.2 is not
  CHECK(report.tables[0].keys->different_sample == std::vector<parity::KeyValues>{{"2"}});
  plan.tasks[0].parity->tolerance_percent = 0.0001;  // 1e-6
  CHECK(parity::compare_with_legacy(target, plan).tables[0].keys->different == 0);
}

TEST_CASE("parity: NaN, Infinity and -Infinity match only themselves, in a keyed and in a row diff") {
  std::string dsn = fresh_database("parity_non_finite");
  // PostgreSQL's NaN is above every number and equal to itself: a relative
  // tolerance read naively (abs(NaN - 1) <= t * NaN) holds for any value.
  query_one(dsn, R"SQL(
    create schema out; create schema out__mirror;
    create table out.t (part int, id int, amount float8, label text);
    create table out__mirror.t (part int, id int, amount float8, label text);
    insert into out.t values (1, 1, 'NaN', 'a'), (1, 2, 'Infinity', 'b'), (1, 3, '-Infinity', 'c'),
                             (1, 4, 'NaN', 'd'), (1, 5, 'Infinity', 'e');
    insert into out__mirror.t values (1, 1, 1, 'a'), (1, 2, 1, 'b'), (1, 3, 'Infinity', 'c'),
                                     (1, 4, 'NaN', 'd'), (1, 5, 'Infinity', 'e');
    select 1)SQL");
  flowc::plan::Plan plan = keyed_plan();
  pqxx::connection target(dsn);
  parity::ParityReport keyed = parity::compare_with_legacy(target, plan);
  INFO(parity::render_human(keyed));
  REQUIRE(keyed.tables[0].keys);
  CHECK(keyed.tables[0].keys->different == 3);
  CHECK(keyed.tables[0].keys->different_sample == std::vector<parity::KeyValues>{{"1"}, {"2"}, {"3"}});
  CHECK_FALSE(keyed.ok);

  flowc::plan::Parity& p = *plan.tasks[0].parity;
  p.key.clear();
  p.compare_rows = true;
  parity::ParityReport rows = parity::compare_with_legacy(target, plan);
  INFO(parity::render_human(rows));
  REQUIRE(rows.tables[0].keys);
  CHECK(rows.tables[0].keys->missing == 3);
  CHECK(rows.tables[0].keys->extra == 3);
  CHECK_FALSE(rows.ok);
}

TEST_CASE("parity: a key the legacy table holds twice is a mismatch, though each copy matches the mirror") {
  std::string dsn = fresh_database("parity_repeated_key");
  query_one(dsn, R"SQL(
    create schema out; create schema out__mirror;
    create table out.t (part int, id int, amount numeric(12, 2), label text);
    create table out__mirror.t (part int, id int, amount numeric, label text);
    insert into out.t values (1, 1, 2.00, 'a'), (1, 1, 2.00, 'a'), (1, 2, 3.50, 'b');
    insert into out__mirror.t values (1, 1, 2, 'a'), (1, 2, 3.5, 'b');
    select 1)SQL");
  flowc::plan::Plan plan = keyed_plan();
  // As lowered: min and max take any type, so they come back as text.
  plan.tasks[0].parity->metric_sql = {"max(\"amount\")::text", "max(\"label\")::text"};
  plan.tasks[0].parity->metric_labels = {"max(amount)", "max(label)"};
  pqxx::connection target(dsn);
  parity::ParityReport report = parity::compare_with_legacy(target, plan);
  INFO(parity::render_human(report));
  const parity::TableParity& t = report.tables[0];
  // numeric(12,2) against numeric: `3.50` and `3.5` are one number.
  CHECK(t.metrics[0].ok);
  CHECK(t.metrics[0].tolerance > 0);
  CHECK(t.metrics[1].ok);
  REQUIRE(t.keys);
  CHECK(t.keys->missing == 0);
  CHECK(t.keys->different == 0);
  CHECK(t.keys->repeated_in_legacy == 1);
  CHECK(t.keys->repeated_in_mirror == 0);
  CHECK_FALSE(t.ok);
  CHECK(contains(parity::render_human(report),
                 "keys (id): 0 missing, 0 extra, 0 different, 1 repeated in legacy\n"));
  CHECK(report.mismatch_summary() == "out.t: 1 key repeated in legacy");
  // Stored and read back, the count stays.
  CHECK(parity::from_json(parity::to_json(report))->tables[0].keys->repeated_in_legacy == 1);
}

TEST_CASE(
    "parity: the columns that differ are named, and compare_ignore leaves a load time out of the diff") {
  std::string dsn = fresh_database("parity_ignore");
  query_one(dsn, R"SQL(
    create schema out; create schema out__mirror;
    create table out.t (part int, id int, amount float8, label text, loaded_at timestamptz);
    create table out__mirror.t (part int, id int, amount float8, label text, loaded_at timestamptz);
    -- the same rows, loaded an hour apart; one label differs too
    insert into out.t select 1, g, g, 'x', '2026-11-24 06:00+00' from generate_series(1, 10) g;
    insert into out__mirror.t select 1, g, g, case when g = 3 then 'y' else 'x' end, '2026-11-24 07:00+00'
      from generate_series(1, 10) g;
    select 1)SQL");
  flowc::plan::Plan plan = keyed_plan();
  pqxx::connection target(dsn);

  // Keyed: every key differs, in loaded_at; key 3 in label too.
  parity::ParityReport keyed = parity::compare_with_legacy(target, plan);
  std::string text = parity::render_human(keyed);
  INFO(text);
  REQUIRE(keyed.tables[0].keys);
  CHECK(keyed.tables[0].keys->different == 10);
  CHECK(keyed.tables[0].keys->columns ==
        std::vector<parity::ColumnDifference>{{"loaded_at", 10}, {"label", 1}});
  CHECK(contains(text, "columns that differ: loaded_at (10 keys), label (1 key)\n"));
  CHECK(contains(text,
                 "loaded_at differs wherever anything does: if it is a load time or a batch id, leave it "
                 "out with `compare_ignore = [\"loaded_at\"]`"));
  CHECK(contains(keyed.mismatch_summary(), "differing in loaded_at, label"));
  std::optional<parity::ParityReport> back = parity::from_json(parity::to_json(keyed));
  REQUIRE(back);
  CHECK(parity::render_human(*back) == text);
  // A column a `compare` metric reads is compared on purpose: never suggested to leave out.
  back->tables[0].metrics.push_back({"max(loaded_at)", "x", "y", 0, false});
  CHECK_FALSE(contains(parity::render_human(*back), "compare_ignore"));

  // Left out, only the label's key differs; then nothing.
  plan.tasks[0].parity->ignore = {"loaded_at"};
  parity::ParityReport ignored = parity::compare_with_legacy(target, plan);
  INFO(parity::render_human(ignored));
  CHECK(ignored.tables[0].keys->different == 1);
  CHECK(ignored.tables[0].keys->compared == std::vector<std::string>{"part", "amount", "label"});
  CHECK(ignored.tables[0].ignored == std::vector<std::string>{"loaded_at"});
  CHECK(contains(parity::render_human(ignored), "left out of the diff (compare_ignore): loaded_at\n"));
  query_one(dsn, "update out__mirror.t set label = 'x'; select 1");
  CHECK(parity::compare_with_legacy(target, plan).ok);

  // The row diff (no key) the same way: each column on its own.
  plan.tasks[0].parity->key.clear();
  plan.tasks[0].parity->compare_rows = true;
  plan.tasks[0].parity->ignore.clear();
  parity::ParityReport rows = parity::compare_with_legacy(target, plan);
  INFO(parity::render_human(rows));
  REQUIRE(rows.tables[0].keys);
  CHECK(rows.tables[0].keys->missing == 10);
  CHECK(rows.tables[0].keys->columns == std::vector<parity::ColumnDifference>{{"loaded_at", 10}});
  CHECK(contains(parity::render_human(rows), "columns that differ: loaded_at (10 values)\n"));
  plan.tasks[0].parity->ignore = {"loaded_at"};
  CHECK(parity::compare_with_legacy(target, plan).ok);

  // A name neither table has is a mismatch, not a silent no-op.
  plan.tasks[0].parity->ignore = {"loded_at"};
  parity::ParityReport typo = parity::compare_with_legacy(target, plan);
  CHECK_FALSE(typo.ok);
  CHECK(typo.tables[0].error == "`compare_ignore` names column loded_at, which neither table has");
}

TEST_CASE(
    "parity: an append output is compared on this run's rows when both tables have a column named after a "
    "param, whole otherwise") {
  std::string dsn = fresh_database("parity_append");
  query_one(dsn, R"SQL(
    create schema out; create schema out__mirror;
    create table out.t (ds date, id int, amount numeric);
    create table out__mirror.t (ds date, id int, amount numeric);
    -- legacy has appended three days; the mirror began on the third
    insert into out.t select d, g, g * 10 from generate_series(date '2026-11-22', date '2026-11-24', '1 day') d,
                                              generate_series(1, 4) g;
    insert into out__mirror.t select date '2026-11-24', g, g * 10 from generate_series(1, 4) g;
    select 1)SQL");
  flowc::plan::Plan plan = keyed_plan();
  flowc::plan::Parity& p = *plan.tasks[0].parity;
  p.partition.clear();
  p.params.clear();
  p.key.clear();
  p.metric_sql = {"count(*)"};
  p.metric_labels = {"row_count()"};
  p.run_columns = {{"region", "text", "emea"}, {"ds", "date", "2026-11-24"}};  // only ds is a column
  pqxx::connection target(dsn);
  parity::ParityReport report = parity::compare_with_legacy(target, plan);
  INFO(parity::render_human(report));
  REQUIRE(report.tables.size() == 1);
  CHECK(report.ok);
  CHECK(report.tables[0].partition == "ds = 2026-11-24");
  REQUIRE(report.tables[0].keys);
  CHECK(report.tables[0].keys->rows);  // this run's rows are compared row by row

  // The day appended twice in the mirror: four extra rows, and no column
  // is said to differ "wherever anything does" (every column of a row
  // only one side has differs).
  query_one(dsn, "insert into out__mirror.t select * from out__mirror.t; select 1");
  parity::ParityReport twice = parity::compare_with_legacy(target, plan);
  std::string text = parity::render_human(twice);
  INFO(text);
  CHECK_FALSE(twice.ok);
  CHECK(twice.tables[0].keys->extra == 4);
  CHECK(twice.tables[0].keys->missing == 0);
  CHECK(contains(text, "rows (ds, id, amount): 0 missing, 4 extra\n"));
  CHECK_FALSE(contains(text, "wherever anything does"));

  // Without the column in legacy, the whole tables, and the report says
  // which column would have narrowed them.
  query_one(dsn, "alter table out.t rename column ds to day; select 1");
  parity::ParityReport whole = parity::compare_with_legacy(target, plan);
  std::string whole_text = parity::render_human(whole);
  INFO(whole_text);
  CHECK_FALSE(whole.ok);
  CHECK(whole.tables[0].partition == "");
  CHECK_FALSE(whole.tables[0].keys);
  CHECK(whole.tables[0].run_columns == std::vector<std::string>{"region", "ds"});
  CHECK(contains(whole_text,
                 "    compared whole: the tables may hold earlier runs' rows too (legacy's from before the "
                 "mirror began); a column region or ds in both tables narrows the comparison to this run's "
                 "rows\n"));
  CHECK(parity::render_human(*parity::from_json(parity::to_json(whole))) == whole_text);
}

TEST_CASE(
    "parity: the columns a task writes that the legacy table lacks, from its select, and not a stale one") {
  std::string dsn = fresh_database("parity_not_in_production");
  query_one(dsn, R"SQL(
    create schema out; create schema out__mirror;
    create table out.t (part int, id int, amount float8, label text);
    create table out__mirror.t (part int, id int, amount float8, label text, version int, stale int);
    insert into out.t values (1, 1, 10, 'x');
    insert into out__mirror.t values (1, 1, 10, 'x', 1, null);
    select 1)SQL");
  flowc::plan::Plan plan = keyed_plan();
  flowc::plan::Task& task = plan.tasks[0];
  task.kind = flowc::plan::TaskKind::Sql;
  task.mode = flowc::plan::WriteMode::Merge;
  task.select = {"select part, id, amount, label, 1 as version from out.t;", {}};
  pqxx::connection target(dsn);
  parity::ParityReport report = parity::compare_with_legacy(target, plan);
  INFO(parity::render_human(report));
  REQUIRE(report.tables.size() == 1);
  CHECK(report.tables[0].error.empty());
  CHECK(report.tables[0].only_in_mirror == std::vector<std::string>{"version", "stale"});
  CHECK(report.tables[0].not_in_production == std::vector<std::string>{"version"});
  CHECK(parity::from_json(parity::to_json(report))->tables[0].not_in_production ==
        std::vector<std::string>{"version"});

  // A select the read-only comparison cannot run gives no columns: every
  // new column counts, and the comparison goes on.
  task.select.sql = "select part, id, amount, label, 1 as version from out.t for share";
  report = parity::compare_with_legacy(target, plan);
  INFO(parity::render_human(report));
  CHECK(report.tables[0].error.empty());
  CHECK(report.tables[0].not_in_production == std::vector<std::string>{"version", "stale"});

  // `replace` makes the table again: none.
  task.mode = flowc::plan::WriteMode::Replace;
  report = parity::compare_with_legacy(target, plan);
  CHECK(report.tables[0].not_in_production.empty());
}
