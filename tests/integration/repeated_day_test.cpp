// A day that an earlier run did well and a later run did badly: the good
// run's `append` is in place, so a new run, a backfill or a retry of the
// later run would append its rows a second time. Each looks at every run of
// the day, not only the latest (which never reached the append).
#include <doctest/doctest.h>

#include <fstream>

#include "tests/integration/run_support.h"
#include "tests/support/file_text.h"

using namespace flowc::testing;

namespace {

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

/// Workflow `w` of each test: production, failures to route `oncall`, a
/// `ds` param; `settings` after its header, then `tasks`.
std::string workflow_w(const std::string& tasks, const std::string& settings = "") {
  return R"FLOW(route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow w {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(oncall)
)FLOW" + settings +
         "\n  param ds: date = logical_date\n\n" + tasks + "}\n";
}

}  // namespace

TEST_CASE("a failed run after a good one: run warns, backfill refuses, retry --dry-run calls it unsafe") {
  std::string dsn = fresh_database("repeated_day");
  query_one(dsn, "create schema ctl; create table ctl.switch (v int); insert into ctl.switch values (1)");
  // gate divides by ctl.switch.v: 0 fails it, before app.
  std::string project = write_project("repeated_day", {{"w.flow", workflow_w(R"FLOW(  task gate {
    writes  = "out.gate"
    mode    = replace
    publish = true
    sql     = "select ${ds} as ds, 1 / (select v from ctl.switch) as n"
    expect row_count() > 0
  }

  task app {
    writes  = "out.app"
    mode    = append
    publish = true
    sql     = "select ds, n from ${gate}"
    expect row_count() > 0
  }

  task note {
    after = [app]
    run   = command(["true"])
  }
)FLOW")}});
  const std::vector<std::string> run = {"run", ".", "--ds", "2026-11-02", "--dsn", dsn};
  REQUIRE(run_flowc(project, run).exit_code == 0);  // run 1: app appends
  query_one(dsn, "update ctl.switch set v = 0");
  REQUIRE(run_flowc(project, run).exit_code == 1);  // run 2: gate fails, app never runs
  query_one(dsn, "update ctl.switch set v = 1");
  REQUIRE(query_one(dsn, "select count(*) from out.app") == "1");

  auto backfill = run_flowc(project, {"backfill", ".", "--workflow", "w", "--from", "2026-11-02", "--to",
                                      "2026-11-02", "--dsn", dsn});
  INFO(backfill.output);
  CHECK(backfill.exit_code == 2);
  CHECK(contains(backfill.output,
                 "refused 2026-11-02: task app (mode append) succeeded in run 1, of the same day: a new run "
                 "would append its rows a second time; put app's output right and pass --force"));

  auto dry = run_flowc(project, {"retry", "2", ".", "--dry-run", "--dsn", dsn});
  INFO(dry.output);
  CHECK(dry.exit_code == 1);  // not safe
  CHECK(contains(dry.output,
                 "mode append, and it succeeded in run 1, of the same day: its rows are appended a "
                 "second time"));
  CHECK(query_one(dsn, "select count(*) from out.app") == "1");

  // Asked for by name, the run goes ahead, and says first what it repeats.
  auto again = run_flowc(project, run);
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK(contains(again.output,
                 "flowc: warning: task app (mode append) succeeded in run 1, of the same day: "
                 "this run will append its rows a second time\n"
                 "flowc: warning: task note (a command not declared idempotent) succeeded in run 1, of the "
                 "same day: this run will run it a second time\n"));
  CHECK(query_one(dsn, "select count(*) from out.app") == "2");
}

TEST_CASE(
    "backfill or run of a day whose run is in progress, past its append, says it is in progress, only") {
  std::string dsn = fresh_database("repeated_day_live");
  std::string project = write_project("repeated_day_live", {{"w.flow", workflow_w(R"FLOW(  task app {
    writes = "out.app"
    mode   = append
    sql    = "select ${ds} as ds"
  }

  task slow {
    run   = command(["sleep", "4"])
    after = [app]
  }
)FLOW")}});
  Background running = start_flowc(project, {"run", ".", "--ds", "2026-11-02", "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select state from flow.task_runs where task = 'slow'", "running", 30));
  auto backfill = run_flowc(project, {"backfill", ".", "--workflow", "w", "--from", "2026-11-02", "--to",
                                      "2026-11-02", "--dsn", dsn});
  INFO(backfill.output);
  CHECK(backfill.exit_code == 2);
  CHECK(contains(backfill.output,
                 "refused 2026-11-02: a run of w for 2026-11-02 is already in progress (run 1)"));
  // Refused, it repeats nothing: no warning that it would append again.
  auto run = run_flowc(project, {"run", ".", "--ds", "2026-11-02", "--dsn", dsn});
  INFO(run.output);
  CHECK(run.exit_code == 2);
  CHECK(contains(run.output, "already in progress (run 1)"));
  CHECK_FALSE(contains(run.output, "warning"));
  CHECK(running.wait() == 0);
  CHECK(query_one(dsn, "select count(*) from out.app") == "1");
}

TEST_CASE("an append that failed in a run after it succeeded in another of the day: retry calls it unsafe") {
  std::string dsn = fresh_database("repeated_day_own");
  query_one(dsn, "create schema ctl; create table ctl.switch (v int); insert into ctl.switch values (1)");
  // app itself divides by ctl.switch.v: 0 fails it, rolled back.
  std::string project =
      write_project("repeated_day_own", {{"w.flow", workflow_w(R"FLOW(  task app {
    writes  = "out.app"
    mode    = append
    publish = true
    sql     = "select ${ds} as ds, 10 / (select v from ctl.switch) as n"
    expect row_count() > 0
  }
)FLOW",
                                                               "  retry      = retry(0)\n")}});
  const std::vector<std::string> run = {"run", ".", "--ds", "2026-11-02", "--dsn", dsn};
  REQUIRE(run_flowc(project, run).exit_code == 0);  // run 1: app appends
  query_one(dsn, "update ctl.switch set v = 0");
  REQUIRE(run_flowc(project, run).exit_code == 1);  // run 2: app fails, rolled back
  query_one(dsn, "update ctl.switch set v = 1");
  REQUIRE(query_one(dsn, "select count(*) from out.app") == "1");

  const std::string why =
      "mode append, and it succeeded in run 1, of the same day: its rows are appended a second time";
  auto dry = run_flowc(project, {"retry", "2", ".", "--dry-run", "--dsn", dsn});
  INFO(dry.output);
  CHECK(dry.exit_code == 1);  // not safe
  CHECK(contains(dry.output, why));

  // The operator may still ask for it: the retry says first what it repeats.
  auto retry = run_flowc(project, {"retry", "2", ".", "--dsn", dsn});
  INFO(retry.output);
  CHECK(retry.exit_code == 0);
  CHECK(contains(retry.output,
                 "flowc: warning: task app runs again though it is not safe to repeat: " + why + "\n"));
  CHECK(query_one(dsn, "select count(*) from out.app") == "2");
}

TEST_CASE(
    "a command that ran partly in a failed run: backfill refuses the day, run warns, as retry judges it") {
  std::string dsn = fresh_database("repeated_day_partly");
  // app appends a line to trace, then fails (or is killed, as a backfill
  // interrupted mid-command leaves it): part of its work is done.
  std::string project =
      write_project("repeated_day_partly", {{"w.flow", workflow_w(R"FLOW(  task app {
    run = command(["sh", "-c", "echo app >> trace; test -e ok"])
  }
)FLOW",
                                                                  "  retry      = retry(0)\n")}});
  const std::vector<std::string> run = {"run", ".", "--ds", "2026-11-02", "--dsn", dsn};
  REQUIRE(run_flowc(project, run).exit_code == 1);  // run 1: app echoes, then fails
  const std::string why =
      "task app (a command not declared idempotent: attempt 1 exited with code 1, and may have done part of "
      "its work)";
  auto backfill = run_flowc(project, {"backfill", ".", "--workflow", "w", "--from", "2026-11-02", "--to",
                                      "2026-11-02", "--dsn", dsn});
  INFO(backfill.output);
  CHECK(backfill.exit_code == 2);
  CHECK(contains(backfill.output,
                 "refused 2026-11-02: its run 1 failed partly through " + why +
                     ": a new run would run it again over what it did; check what it did, then "
                     "finish run 1 with `flowc retry 1`, or pass --force"));
  CHECK(file_text(project + "/trace") == "app\n");
  // Asked for by name, the run goes ahead, and says first what it repeats.
  std::ofstream(project + "/ok") << "";
  auto again = run_flowc(project, run);
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK(contains(again.output, "flowc: warning: run 1, of the same day, got partly through " + why +
                                   ": this run will run it again\n"));
  CHECK(file_text(project + "/trace") == "app\napp\n");
}

TEST_CASE("a command partly done in a run before the day's latest: backfill still refuses the day") {
  std::string dsn = fresh_database("repeated_day_partly_earlier");
  // gate passes while the file `go` exists; app appends to trace, then fails.
  std::string project =
      write_project("repeated_day_partly_earlier", {{"w.flow", workflow_w(R"FLOW(  task gate {
    run        = command(["test", "-e", "go"])
    idempotent = true
  }

  task app {
    after = [gate]
    run   = command(["sh", "-c", "echo app >> trace; test -e ok"])
  }
)FLOW",
                                                                          "  retry      = retry(0)\n")}});
  const std::vector<std::string> run = {"run", ".", "--ds", "2026-11-02", "--dsn", dsn};
  std::ofstream(project + "/go") << "";
  REQUIRE(run_flowc(project, run).exit_code == 1);  // run 1: app echoes, then fails
  std::filesystem::remove(project + "/go");
  auto second = run_flowc(project, run);  // run 2: gate fails, app never starts
  INFO(second.output);
  REQUIRE(second.exit_code == 1);
  CHECK(contains(second.output, "flowc: warning: run 1, of the same day, got partly through task app ("));
  auto backfill = run_flowc(project, {"backfill", ".", "--workflow", "w", "--from", "2026-11-02", "--to",
                                      "2026-11-02", "--dsn", dsn});
  INFO(backfill.output);
  CHECK(backfill.exit_code == 2);
  CHECK(contains(
      backfill.output,
      "refused 2026-11-02: run 1, of the same day, got partly through task app (a command not declared "
      "idempotent: attempt 1 exited with code 1, and may have done part of its work): a new run would "
      "run it again over what it did; check what it did, put it right and pass --force"));
  CHECK(file_text(project + "/trace") == "app\n");
}
