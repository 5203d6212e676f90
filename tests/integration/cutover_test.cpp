// `flowc cutover W` (cli.md) end to end: the daily_kpi example fails the
// runs item until `cutover_after` clean mirror runs exist, passes once they
// do, and fails again after a run with a parity mismatch; each static item
// is ✗ with its reason on a project that lacks it; an unknown workflow or no
// state database is exit 2. Then the pure checklist functions on cases a
// checked project cannot express (E0304 rejects a retrying task that is not
// idempotent before cutover could).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/cutover_checklist.h"
#include "runtime/parity/parity.h"
#include "tests/integration/run_support.h"
#include "tests/support/file_text.h"

namespace fs = std::filesystem;
using namespace flowc::testing;

namespace {

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

/// The line of `output` for the checklist item whose name contains `item`.
std::string item_line(const std::string& output, const std::string& item) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);)
    if ((line.starts_with("  ✓ ") || line.starts_with("  ✗ ")) && contains(line, item)) return line;
  return "";
}

/// The daily_kpi example in a scratch directory with its demo data in `dsn`.
/// Every static item holds for it (its published `publish_kpis` has an
/// error-level expectation): only the runs decide.
std::string example_project(const std::string& dsn) {
  fs::path project = scratch_dir("cutover_kpi");
  fs::path example = fs::path(FLOWC_SOURCE_DIR) / "examples" / "daily_kpi";
  for (const char* part : {"flow.project", "daily_kpi.flow", "legacy.flow", "routes.flow", "targets.flow",
                           "sql", "scripts", "demo"})
    fs::copy(example / part, project / part, fs::copy_options::recursive);

  flowc::runtime::ProcessOptions psql;
  psql.argv = {"psql", dsn, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "demo/load_demo_data.sql"};
  psql.env = child_env({"PGOPTIONS=-c client_min_messages=warning"});
  psql.cwd = project.string();
  REQUIRE(flowc::runtime::run_process(psql).exit_code == 0);
  return project.string();
}

/// Replaces the first `from` in the file at `path` with `to`.
void set_line(const std::string& path, const std::string& from, const std::string& to) {
  std::string content = flowc::testing::file_text(path);
  REQUIRE(contains(content, from));
  content.replace(content.find(from), from.size(), to);
  std::ofstream(path) << content;
}

}  // namespace

TEST_CASE("cutover: the runs item fails until cutover_after clean mirror runs exist, and after a mismatch") {
  std::string dsn = fresh_database("cutover_runs");
  std::string project = example_project(dsn);
  std::vector<std::string> env = {"WAREHOUSE_DSN=" + dsn};
  auto day = [&](int back) {
    return query_one(dsn, "select (current_date - " + std::to_string(back) + ")::text");
  };

  auto before = run_flowc(project, {"cutover", "daily_kpi", "."}, env);
  INFO(before.output);
  CHECK(before.exit_code == 1);
  CHECK(item_line(before.output, "3 clean mirror runs") ==
        "  ✗ 3 clean mirror runs: 0 clean mirror runs in the state database, 3 needed: run 3 more (`flowc "
        "run --ds ...`)");
  // Every static item holds on the example (with its publish expectation).
  for (const char* item :
       {"legacy job documented and disableable", "every table the legacy job writes", "error-level expectations",
        "failure route with an owner", "every retrying task idempotent", "rollback written"})
    CHECK(item_line(before.output, item).starts_with("  ✓ "));
  CHECK(
      item_line(before.output, "production tables take the workflow's columns") ==
      "  ✗ production tables take the workflow's columns: not known until a mirror run compares the tables");
  CHECK(contains(before.output, "not ready for cutover: 2 of 8 items fail"));

  for (int back : {3, 2}) REQUIRE(run_flowc(project, {"run", ".", "--ds", day(back)}, env).exit_code == 0);
  auto two = run_flowc(project, {"cutover", "daily_kpi", "."}, env);
  INFO(two.output);
  CHECK(two.exit_code == 1);
  CHECK(contains(item_line(two.output, "clean mirror runs"),
                 "2 clean mirror runs in the state database, 3 needed: run 1 more"));

  REQUIRE(run_flowc(project, {"run", ".", "--ds", day(1)}, env).exit_code == 0);
  auto three = run_flowc(project, {"cutover", "daily_kpi", "."}, env);
  INFO(three.output);
  CHECK(three.exit_code == 0);
  CHECK(item_line(three.output, "clean mirror runs") ==
        "  ✓ 3 clean mirror runs: the latest 3 mirror runs by ds all succeeded with parity (" + day(3) +
            " .. " + day(1) + ")");
  CHECK(contains(three.output,
                 "ready for cutover: disable `kpi_cron` (`enabled = false`), then set `stage = production`"));
  // The job disabled first (W0410 while in mirror): only the stage is left to set.
  set_line(project + "/legacy.flow", "  enabled   = true\n", "  enabled   = false\n");
  auto disabled = run_flowc(project, {"cutover", "daily_kpi", "."}, env);
  INFO(disabled.output);
  CHECK(disabled.exit_code == 0);
  CHECK(contains(disabled.output, "\nready for cutover: set `stage = production`\n"));
  set_line(project + "/legacy.flow", "  enabled   = false\n", "  enabled   = true\n");
  auto json = run_flowc(project, {"cutover", "daily_kpi", ".", "--format", "json"}, env);
  CHECK(json.exit_code == 0);
  CHECK(contains(json.output, "\"ready\": true"));

  // A comment moves every line below it: nothing that runs changed.
  set_line(project + "/daily_kpi.flow", "workflow daily_kpi {\n", "# reviewed\nworkflow daily_kpi {\n");
  CHECK(run_flowc(project, {"cutover", "daily_kpi", "."}, env).exit_code == 0);
  // Changed SQL: the runs made before it prove nothing about it.
  set_line(project + "/sql/revenue_daily.sql", "select", "select distinct");
  auto changed = run_flowc(project, {"cutover", "daily_kpi", "."}, env);
  INFO(changed.output);
  CHECK(changed.exit_code == 1);
  CHECK(item_line(changed.output, "clean mirror runs") ==
        "  ✗ 3 clean mirror runs: the mirror run for " + day(1) +
            " (run 3) is not clean: it ran an earlier version of the workflow: task `revenue_daily` changed "
            "since (its SQL); 0 clean runs since, 3 needed");
  set_line(project + "/sql/revenue_daily.sql", "select distinct", "select");
  CHECK(run_flowc(project, {"cutover", "daily_kpi", "."}, env).exit_code == 0);

  // A newer day whose mirror run finds a difference breaks the streak ...
  query_one(dsn, "update dash.kpi_daily set orders = orders + 1 where ds = current_date and region = 'amer'");
  REQUIRE(run_flowc(project, {"run", ".", "--ds", day(0)}, env).exit_code == 1);
  auto broken = run_flowc(project, {"cutover", "daily_kpi", "."}, env);
  INFO(broken.output);
  CHECK(broken.exit_code == 1);
  CHECK(contains(item_line(broken.output, "clean mirror runs"),
                 "the mirror run for " + day(0) +
                     " (run 4) is not clean: parity failed: dash.kpi_daily: 1 different key (" + day(0) +
                     ", amer), differing in orders; 0 clean runs since, 3 needed"));

  // ... until that day's latest run is clean again.
  query_one(dsn, "update dash.kpi_daily set orders = orders - 1 where ds = current_date and region = 'amer'");
  REQUIRE(run_flowc(project, {"run", ".", "--ds", day(0)}, env).exit_code == 0);
  auto again = run_flowc(project, {"cutover", "daily_kpi", "."}, env);
  INFO(again.output);
  CHECK(again.exit_code == 0);
  // The example's export of a mirror run leaves production's file alone.
  CHECK(fs::exists(fs::path(project) / "exports" / "mirror" / ("kpi_daily_" + day(0) + ".csv")));
  CHECK_FALSE(fs::exists(fs::path(project) / "exports" / ("kpi_daily_" + day(0) + ".csv")));
  CHECK(item_line(again.output, "production tables take the workflow's columns") ==
        "  ✓ production tables take the workflow's columns: as run 5 compared them");

  // A column the mirror has and the production table lacks: parity only
  // notes it, but the first production run's merge would fail on it. (The
  // mirror table made again, as by a select that always had the column.)
  const std::string publish = project + "/sql/publish_kpis.sql";
  set_line(publish, "  r.avg_order_value\n", "  r.avg_order_value,\n  null::int as schema_version\n");
  query_one(dsn, "drop table dash__mirror.kpi_daily");
  auto with_column = run_flowc(project, {"run", ".", "--ds", day(0)}, env);
  REQUIRE(with_column.exit_code == 0);
  auto status = run_flowc(project, {"status", "6"}, env);
  INFO(status.output);
  CHECK(
      contains(status.output,
               "    new columns in the mirror (not compared): schema_version\n"
               "    written by task `publish_kpis` into a table it keeps, and missing in dash.kpi_daily: its "
               "first production run would fail; add them there before the cutover\n"));
  auto lacking = run_flowc(project, {"cutover", "daily_kpi", "."}, env);
  INFO(lacking.output);
  CHECK(lacking.exit_code == 1);
  CHECK(
      item_line(lacking.output, "production tables take the workflow's columns") ==
      "  ✗ production tables take the workflow's columns: dash.kpi_daily has no column schema_version, which "
      "task `publish_kpis` writes (`merge`) (run 6): the first production run would fail on it; add the "
      "columns to the production tables, or leave them out of the select, then run a mirror day again");
  query_one(dsn, "alter table dash.kpi_daily add column schema_version int");
  REQUIRE(run_flowc(project, {"run", ".", "--ds", day(0)}, env).exit_code == 0);
  CHECK(item_line(run_flowc(project, {"cutover", "daily_kpi", "."}, env).output,
                  "production tables take the workflow's columns")
            .starts_with("  ✓ "));
  query_one(dsn, "alter table dash.kpi_daily drop column schema_version");
  set_line(publish, "  r.avg_order_value,\n  null::int as schema_version\n", "  r.avg_order_value\n");
  REQUIRE(run_flowc(project, {"run", ".", "--ds", day(0)}, env).exit_code == 0);
  // The mirror table keeps the column the select no longer writes: noted, not held against the cutover.
  auto stale = run_flowc(project, {"cutover", "daily_kpi", "."}, env);
  INFO(stale.output);
  CHECK(stale.exit_code == 0);
  CHECK(item_line(stale.output, "production tables take the workflow's columns") ==
        "  ✓ production tables take the workflow's columns: as run 8 compared them");

  // The cutover made: the checklist says so instead of what to do next.
  set_line(project + "/legacy.flow", "  enabled   = true\n", "  enabled   = false\n");
  set_line(project + "/daily_kpi.flow", "  stage         = mirror  ", "  stage         = production");
  auto done = run_flowc(project, {"cutover", "daily_kpi", "."}, env);
  INFO(done.output);
  CHECK(done.exit_code == 0);
  CHECK(contains(done.output, "\ncutover done: `daily_kpi` runs in production and `kpi_cron` is disabled\n"));
  CHECK_FALSE(contains(done.output, "ready for cutover"));
  // An item that no longer holds (the mirror runs' history gone) is not called done.
  query_one(dsn, "update flow.runs set stage = 'model' where stage = 'mirror'");
  auto undone = run_flowc(project, {"cutover", "daily_kpi", "."}, env);
  INFO(undone.output);
  CHECK(undone.exit_code == 1);
  CHECK(contains(
      undone.output,
      "\n`daily_kpi` runs in production and `kpi_cron` is disabled, but 1 of 8 items no longer holds\n"));
  CHECK_FALSE(contains(undone.output, "cutover done"));
  query_one(dsn, "update flow.runs set stage = 'mirror' where stage = 'model'");
  REQUIRE(run_flowc(project, {"run", ".", "--ds", day(0)}, env).exit_code == 0);
  CHECK(fs::exists(fs::path(project) / "exports" / ("kpi_daily_" + day(0) + ".csv")));
}

namespace {

const char* kIncompleteProject = R"FLOW(route r {
  notify = [stderr()]
}

legacy old {
  schedule = cron("0 7 * * *")
  command  = "psql -f old.sql"
  writes   = ["out.t"]
}

workflow w {
  owner      = "team"
  stage      = mirror
  replaces   = old
  on_failure = alert(r)

  param ds: date = logical_date

  task t {
    writes  = "out.t"
    mode    = replace
    sql     = "select 1 as x"
    publish = true
    expect row_count() > 0 else warn
  }
}

workflow v {
  owner = "team"
  stage = mirror

  task u {
    writes  = "out.u"
    mode    = replace
    sql     = "select 1 as x"
    publish = true
    expect row_count() > 0
  }
}
)FLOW";

}  // namespace

TEST_CASE("cutover: each static item is ✗ with its reason on a project that lacks it") {
  std::string dsn = fresh_database("cutover_static");
  std::string project = write_project("cutover_static", {{"p.flow", kIncompleteProject}});

  auto w = run_flowc(project, {"cutover", "w", ".", "--state-dsn", dsn});
  INFO(w.output);
  CHECK(w.exit_code == 1);
  CHECK(
      item_line(w.output, "legacy job") ==
      "  ✗ legacy job documented and disableable: legacy job `old` lacks `owner`, `reads`, `runtime`, "
      "`consumers`, `symptoms` and `enabled` (write `enabled = true`, so that the cutover sets it to false)");
  CHECK(
      item_line(w.output, "expectations") ==
      "  ✗ error-level expectations on every published output: `t` (out.t) publishes without an error-level "
      "expectation: add an `expect` without `else warn`, such as `expect row_count() > 0`");
  CHECK(item_line(w.output, "failure route") ==
        "  ✗ failure route with an owner: route `r` has no `owner`: nobody answers its alerts");
  CHECK(item_line(w.output, "rollback") ==
        "  ✗ rollback written: legacy job `old` has no `rollback`: write how to bring it back");
  CHECK(item_line(w.output, "idempotent") == "  ✓ every retrying task idempotent: no task retries");
  CHECK(contains(w.output, "not ready for cutover: 6 of 8 items fail"));

  auto v = run_flowc(project, {"cutover", "v", ".", "--state-dsn", dsn});
  INFO(v.output);
  CHECK(v.exit_code == 1);
  CHECK(item_line(v.output, "legacy job") ==
        "  ✗ legacy job documented and disableable: workflow `v` replaces no legacy job: add `replaces = "
        "<legacy job>`");
  CHECK(item_line(v.output, "failure route") ==
        "  ✗ failure route with an owner: no `on_failure` route: add `on_failure = alert(<route>)`");
  CHECK(item_line(v.output, "rollback") ==
        "  ✗ rollback written: no legacy job to roll back to (`replaces`)");
  CHECK(item_line(v.output, "expectations").starts_with("  ✓ "));
}

TEST_CASE("cutover: an unknown workflow and a missing state database are exit 2 with one line") {
  std::string project = write_project("cutover_usage", {{"p.flow", kIncompleteProject}});
  auto unknown = run_flowc(project, {"cutover", "ww", ".", "--state-dsn", fresh_database("cutover_usage")});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output == "flowc: no workflow `ww` in the project; did you mean `w`?\n");

  auto no_db = run_flowc(project, {"cutover", "w", "."});
  INFO(no_db.output);
  CHECK(no_db.exit_code == 2);
  CHECK(contains(no_db.output, "flowc: no state database"));
  CHECK_FALSE(contains(no_db.output, "✗"));

  auto bad_format = run_flowc(project, {"cutover", "w", ".", "--format", "yaml"});
  CHECK(bad_format.exit_code == 2);
}

TEST_CASE("cutover: a retrying task that is not idempotent, and runs that are not clean") {
  flowc::model::Model model;
  model.workflows.push_back(flowc::model::Workflow{});
  model.workflows[0].name = "w";
  flowc::plan::Plan plan;
  plan.workflow = "w";
  flowc::plan::Task append;
  append.name = "log_events";
  append.mode = flowc::plan::WriteMode::Append;
  append.idempotent = true;  // an append is never safe to retry, whatever it declares
  append.retry.retries = 2;
  flowc::plan::Task command;
  command.name = "export";
  command.kind = flowc::plan::TaskKind::Command;
  command.retry.retries = 1;
  plan.tasks = {append, command};
  auto items = flowc::cli::static_items(model, flowc::model::WorkflowId{0}, plan);
  REQUIRE(items.size() == 6);
  CHECK(items[4].name == "every retrying task idempotent");
  CHECK_FALSE(items[4].ok);
  CHECK(items[4].reason ==
        "`log_events` and `export` retry but may not run twice safely: use an idempotent write mode, declare "
        "`idempotent = true`, or `retry = retry(0)`");
  plan.tasks[0].mode = flowc::plan::WriteMode::Merge;
  plan.tasks[1].idempotent = true;
  items = flowc::cli::static_items(model, flowc::model::WorkflowId{0}, plan);
  CHECK(items[4].ok);
  CHECK(items[4].reason == "2 retrying tasks, all idempotent");

  using flowc::runtime::report::MirrorRun;
  flowc::runtime::parity::ParityReport compared{"j", true, {}};
  flowc::runtime::parity::TableParity table;
  table.task = "t";
  table.mirror = "s__mirror.t";
  table.legacy = "s.t";
  table.ok = true;
  compared.tables.push_back(table);
  const flowc::runtime::parity::ParityReport& clean = compared;
  auto mirror_run = [](int64_t id, std::string ds, std::string status,
                       std::optional<flowc::runtime::parity::ParityReport> parity) {
    MirrorRun run;
    run.id = id;
    run.ds = std::move(ds);
    run.status = std::move(status);
    run.parity = std::move(parity);
    return run;
  };
  std::vector<MirrorRun> runs = {mirror_run(9, "2026-11-29", "succeeded", clean),
                                 mirror_run(8, "2026-11-28", "failed", std::nullopt),
                                 mirror_run(7, "2026-11-27", "succeeded", clean)};
  auto item = flowc::cli::runs_item(runs, 2);
  CHECK_FALSE(item.ok);
  CHECK(item.reason ==
        "the mirror run for 2026-11-28 (run 8) is not clean: failed; 1 clean run since, 2 needed");
  runs[1] = mirror_run(8, "2026-11-28", "succeeded", std::nullopt);  // never compared
  CHECK(flowc::cli::runs_item(runs, 2).reason ==
        "the mirror run for 2026-11-28 (run 8) is not clean: no parity report; 1 clean run since, 2 needed");
  CHECK(flowc::cli::runs_item(runs, 1).ok);
  runs[1].parity = clean;
  CHECK(flowc::cli::runs_item(runs, 3).ok);
  CHECK_FALSE(flowc::cli::runs_item(runs, 4).ok);

  // A run of an earlier version of the workflow is not clean.
  runs[1].changed = "it ran an earlier version of the workflow: task `t` changed since (its SQL)";
  CHECK(flowc::cli::runs_item(runs, 2).reason ==
        "the mirror run for 2026-11-28 (run 8) is not clean: it ran an earlier version of the workflow: task `t` "
        "changed since (its SQL); 1 clean run since, 2 needed");
  runs[1].changed.clear();

  // A run that compared no table (the legacy job's `writes` names no output
  // of the workflow) is not clean, though it succeeded with parity "ok".
  runs[1].parity = flowc::runtime::parity::ParityReport{"j", true, {}};
  CHECK(flowc::cli::runs_item(runs, 2).reason ==
        "the mirror run for 2026-11-28 (run 8) is not clean: nothing compared (no output of the run is a table "
        "that `j` writes); 1 clean run since, 2 needed");

  // Nor is one that compared only empty tables: a day without data proves nothing.
  flowc::runtime::parity::ParityReport empty = compared;
  empty.tables[0].metrics.push_back({"row_count()", "0", "0", 0, true});
  runs[1].parity = empty;
  CHECK(flowc::cli::runs_item(runs, 2).reason ==
        "the mirror run for 2026-11-28 (run 8) is not clean: it compared only empty tables (0 rows on both "
        "sides): run a day that has data; 1 clean run since, 2 needed");
  empty.tables[0].metrics[0].legacy = "3";  // a legacy table with rows the mirror lacks
  empty.tables[0].metrics[0].ok = false;
  empty.ok = empty.tables[0].ok = false;
  runs[1].parity = empty;
  CHECK_FALSE(flowc::cli::runs_item(runs, 2).ok);
  runs[1].parity = clean;

  // A run that did not compare a table the legacy job writes now (its
  // `writes` grew since) proves nothing about that table.
  runs[1].not_compared = "rpt.region_totals";
  CHECK(flowc::cli::runs_item(runs, 2).reason ==
        "the mirror run for 2026-11-28 (run 8) is not clean: it did not compare rpt.region_totals, which `j` "
        "writes; 1 clean run since, 2 needed");
  runs[1].not_compared.clear();

  // The newest run, of an older day, failing parity is not hidden by newer days.
  runs.push_back(mirror_run(12, "2026-11-20", "failed", std::nullopt));
  CHECK(flowc::cli::runs_item(runs, 3).reason ==
        "the newest mirror run, run 12 for 2026-11-20, is not clean: failed");
  runs.back().parity = clean;
  runs.back().status = "succeeded";
  CHECK(flowc::cli::runs_item(runs, 3).ok);
}

TEST_CASE("cutover: a table the legacy job writes and no task of the workflow writes is named") {
  std::string text = kIncompleteProject;
  const std::string writes = "  writes   = [\"out.t\"]\n";
  REQUIRE(contains(text, writes));
  text.replace(text.find(writes), writes.size(), "  writes   = [\"OUT.T\", \"out.totals\", \"dash.kpi\"]\n");
  std::string project = write_project("cutover_writes", {{"p.flow", text}});
  auto w = run_flowc(project, {"cutover", "w", ".", "--state-dsn", fresh_database("cutover_writes")});
  INFO(w.output);
  CHECK(w.exit_code == 1);
  CHECK(item_line(w.output, "every table the legacy job writes") ==
        "  ✗ every table the legacy job writes is written by the workflow: no task of `w` writes out.totals and "
        "dash.kpi: after the cutover nothing would refresh them");

  std::string original = write_project("cutover_writes_ok", {{"p.flow", kIncompleteProject}});
  auto ok = run_flowc(original, {"cutover", "w", ".", "--state-dsn", fresh_database("cutover_writes_ok")});
  CHECK(item_line(ok.output, "every table the legacy job writes") ==
        "  ✓ every table the legacy job writes is written by the workflow: out.t by `t`");
}

TEST_CASE("cutover: changed_since names the first task whose SQL, command, output or mode changed") {
  using flowc::plan::Plan;
  using flowc::plan::Task;
  Plan ran;
  Task sql;
  sql.name = "daily";
  sql.output = flowc::plan::TableName{"mart__mirror", "daily"};
  sql.select = {"select * from raw.t where ds = $1::date", {{"ds", "date", "2026-11-28"}}};
  sql.origin = {"w.flow", 10, 3};
  Task command;
  command.name = "export";
  command.kind = flowc::plan::TaskKind::Command;
  command.argv = {"./export.sh", "2026-11-28"};
  ran.tasks = {sql, command};

  Plan now = ran;
  now.tasks[0].origin.line = 11;  // a comment above it
  CHECK(flowc::cli::changed_since(ran, now) == "");
  now.tasks[0].select.params[0].value = "2026-11-29";  // what a param's new default does
  CHECK(flowc::cli::changed_since(ran, now) ==
        "it ran an earlier version of the workflow: task `daily` changed since (its SQL)");
  now = ran;
  now.tasks[0].mode = flowc::plan::WriteMode::Append;
  CHECK(flowc::cli::changed_since(ran, now) ==
        "it ran an earlier version of the workflow: task `daily` changed since (its output or write mode)");
  now = ran;
  now.tasks[1].argv.push_back("--gzip");
  CHECK(flowc::cli::changed_since(ran, now) ==
        "it ran an earlier version of the workflow: task `export` changed since (its command)");
  now = ran;
  now.tasks.pop_back();
  CHECK(flowc::cli::changed_since(ran, now) ==
        "it ran an earlier version of the workflow: task `export` was removed since");
  CHECK(flowc::cli::changed_since(now, ran) ==
        "it ran an earlier version of the workflow: task `export` is new since");
  // A param's value (given with --param, or a default changed since) is
  // said as a value, not as a change of the workflow.
  ran.params = {{"ds", "date", "2026-11-28"}, {"region", "text", "amer"}};
  now = ran;
  now.params[1].value = "emea";
  now.tasks[0].select.params.push_back({"region", "text", "emea"});
  CHECK(flowc::cli::changed_since(ran, now) ==
        "it ran with `region` = amer, where a run of its day now has emea");
}

TEST_CASE("cutover: a workflow without a ds param counts each mirror run, not one per --ds") {
  // Unpartitioned: the whole dimension is rebuilt each run. The runs all
  // carry the same (default) ds, and each is a run to count.
  std::string dsn = fresh_database("cutover_no_ds");
  query_one(dsn, "create schema dim; create table dim.regions as select 'emea' as region, 1 as n; select 1");
  std::string project = write_project("cutover_no_ds", {{"p.flow", R"FLOW(legacy regions_cron {
  owner     = "data-eng"
  writes    = ["dim.regions"]
  consumers = ["Sales dashboard"]
  rollback  = "re-enable the crontab line"
  enabled   = true
}

route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow regions {
  owner      = "data-eng"
  replaces   = regions_cron
  stage      = mirror
  on_failure = alert(oncall)

  task regions {
    writes  = "dim.regions"
    sql     = "select 'emea' as region, 1 as n"
    publish = true
    expect row_count() > 0
  }
}
)FLOW"}});
  std::vector<std::string> env = {"FLOW_STATE_DSN=" + dsn, "WAREHOUSE_DSN=" + dsn};
  for (int i = 0; i < 3; ++i) REQUIRE(run_flowc(project, {"run", ".", "--dsn", dsn}, env).exit_code == 0);
  auto cutover = run_flowc(project, {"cutover", "regions", ".", "--state-dsn", dsn}, env);
  INFO(cutover.output);
  CHECK(item_line(cutover.output, "clean mirror runs").starts_with("  ✓ 3 clean mirror runs"));

  // A fourth run in progress (its parity waits for the legacy table, locked
  // here) is the newest word on the workflow, and it has not finished.
  pqxx::connection locker(dsn);
  pqxx::work lock(locker);
  lock.exec("lock table dim.regions in access exclusive mode");
  Background fourth = start_flowc(project, {"run", ".", "--dsn", dsn}, env);
  REQUIRE(wait_for(dsn, "select count(*) from flow.runs where status = 'running'", "1", 30));
  auto during = run_flowc(project, {"cutover", "regions", ".", "--state-dsn", dsn}, env);
  INFO(during.output);
  CHECK(during.exit_code == 1);
  CHECK(item_line(during.output, "clean mirror runs")
            .starts_with("  ✗ 3 clean mirror runs: the mirror run for"));
  CHECK(contains(item_line(during.output, "clean mirror runs"),
                 "(run 4) is not clean: it has not finished (`flowc status 4`)"));
  lock.commit();
  CHECK(fourth.wait() == 0);
  auto after = run_flowc(project, {"cutover", "regions", ".", "--state-dsn", dsn}, env);
  CHECK(item_line(after.output, "clean mirror runs").starts_with("  ✓ 3 clean mirror runs"));
}

TEST_CASE("cutover: the columns item before any mirror run compared the tables") {
  flowc::plan::Plan plan;
  plan.stage = flowc::plan::Stage::Mirror;
  plan.cutover_after = 3;
  flowc::cli::CutoverItem item = flowc::cli::columns_item({}, plan);
  CHECK_FALSE(item.ok);
  CHECK(item.reason == "not known until a mirror run compares the tables");
  plan.cutover_after = 0;  // no mirror run asked for: nothing held against it
  item = flowc::cli::columns_item({}, plan);
  CHECK(item.ok);
  CHECK(item.reason == "not compared: no mirror run needed (`cutover_after = 0`)");

  // A run that could not compare a table says nothing of its columns; a
  // task renamed since is still judged by what its run wrote.
  flowc::runtime::report::MirrorRun run;
  run.id = 9;
  run.parity.emplace();
  flowc::runtime::parity::TableParity table;
  table.task = "old_name";
  table.legacy = "dash.kpi";
  table.error = "comparing dash__mirror.kpi with dash.kpi: connection lost";
  run.parity->tables.push_back(table);
  item = flowc::cli::columns_item({run}, plan);
  CHECK_FALSE(item.ok);
  CHECK(item.reason == "not known: run 9 could not compare dash.kpi (`flowc status 9` says why)");
  run.parity->tables[0].error.clear();
  run.parity->tables[0].not_in_production = {"version"};
  item = flowc::cli::columns_item({run}, plan);
  CHECK_FALSE(item.ok);
  CHECK(item.reason.starts_with("dash.kpi has no column version, which task `old_name` writes (run 9): "));
}
