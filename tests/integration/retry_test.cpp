// `flowc retry` end to end: the built binary against the test cluster. A
// retry drives the same run record again from its stored plan: the selected
// tasks rerun with attempt numbers continuing, succeeded upstream tasks are
// never touched, and a run in progress is never retried.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/run_support.h"

using namespace flowc::testing;

namespace {

/// extract -> transform -> load, plus an independent side task. transform
/// divides by ctl.switch.v: 0 makes it fail (22012, permanent: no retry).
/// `sleep` seconds of pg_sleep in load's expectation keep the run busy.
std::vector<std::pair<std::string, std::string>> chain_project(int sleep = 0) {
  std::string flow = R"FLOW(route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow w {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(oncall)

  param ds: date = logical_date

  task extract {
    writes = "out.extract"
    mode   = replace
    sql    = "select ${ds} as ds, g as n from generate_series(1, 10) as g"
  }

  task transform {
    writes = "out.transform"
    mode   = replace
    sql    = "select ds, n / (select v from ctl.switch) as n from ${extract}"
  }

  task load {
    writes = "out.load"
    mode   = replace
    sql    = "select ds, sum(n) as total from ${transform} group by ds"
    expect sql("select count(*) from pg_sleep(SLEEP)") == 1 as "slow check"
  }

  task side {
    writes = "out.side"
    mode   = replace
    sql    = "select 1 as one"
  }
}
)FLOW";
  flow.replace(flow.find("SLEEP"), 5, std::to_string(sleep));
  return {{"w.flow", flow}};
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

std::string attempts_of(const std::string& dsn, const std::string& task, int run = 1) {
  return query_one(dsn, "select attempts from flow.task_runs where run_id = " + std::to_string(run) + " and task = '" +
                            task + "'");
}

std::string state_of(const std::string& dsn, const std::string& task, int run = 1) {
  return query_one(dsn, "select state from flow.task_runs where run_id = " + std::to_string(run) + " and task = '" +
                            task + "'");
}

}  // namespace

TEST_CASE("retry: after the cause is fixed, the failed task and what it blocked rerun, the run ends succeeded") {
  std::string dsn = fresh_database("retry_fixed");
  query_one(dsn, "create schema ctl; create table ctl.switch (v int); insert into ctl.switch values (0)");
  std::string project = write_project("retry_fixed", chain_project());
  auto run = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  INFO(run.output);
  REQUIRE(run.exit_code == 1);
  REQUIRE(state_of(dsn, "transform") == "failed");
  REQUIRE(state_of(dsn, "load") == "upstream_failed");

  // Not fixed yet: the retry fails again, attempt 2, and says so.
  auto again = run_flowc(project, {"retry", "1", ".", "--dsn", dsn});
  INFO(again.output);
  CHECK(again.exit_code == 1);
  CHECK(attempts_of(dsn, "transform") == "2");

  query_one(dsn, "update ctl.switch set v = 1");
  auto fixed = run_flowc(project, {"retry", "1", ".", "--dsn", dsn});
  INFO(fixed.output);
  CHECK(fixed.exit_code == 0);
  CHECK(query_one(dsn, "select count(*) from flow.runs") == "1");  // the same run record
  CHECK(query_one(dsn, "select status || ' ' || trigger || ' ' || retries from flow.runs where id = 1") ==
        "succeeded manual 2");
  CHECK(state_of(dsn, "transform") == "succeeded");
  CHECK(state_of(dsn, "load") == "succeeded");
  // Attempt numbers continue, so no attempt's row or log is overwritten.
  CHECK(attempts_of(dsn, "transform") == "3");
  CHECK(query_one(dsn, "select string_agg(attempt || ':' || outcome, ',' order by attempt) from flow.attempts "
                       "where task = 'transform'") == "1:failed,2:failed,3:succeeded");
  CHECK(query_one(dsn, "select count(distinct log_path) from flow.attempts where task = 'transform'") == "3");
  // Upstream and independent tasks that had succeeded never ran again.
  CHECK(attempts_of(dsn, "extract") == "1");
  CHECK(attempts_of(dsn, "side") == "1");
  CHECK(query_one(dsn, "select total from out.load") == "55");

  // The summary says what the retry took and what the run took since it
  // first started (what `history` and `status` call its duration).
  CHECK(contains(fixed.output, "run 1 w ds 2026-11-24: succeeded; retry took "));
  CHECK(contains(fixed.output, " since its first start\n"));
  CHECK(query_one(dsn, "select cardinality(retry_started_at) from flow.runs where id = 1") == "2");

  // ops keeps what happened: the run failed (twice) before a retry fixed it.
  auto ops = run_flowc(project, {"ops", "--format", "json", "--state-dsn", dsn});
  INFO(ops.output);
  REQUIRE(ops.exit_code == 0);
  nlohmann::json w = nlohmann::json::parse(ops.output)["workflows"][0];
  CHECK(w["failed"] == 1);
  CHECK(w["failed_then_fixed_by_retry"] == 1);
  CHECK(w["succeeded"] == 0);
  CHECK(w["recoveries"] == 2);
  CHECK(w["unrecovered_failures"] == 0);
  CHECK(w["recurring_failures"][0]["task"] == "transform");
  CHECK(w["recurring_failures"][0]["error_class"] == "permanent");
  CHECK(w["recurring_failures"][0]["count"] == 2);

  // Nothing left to retry.
  auto nothing = run_flowc(project, {"retry", "1", ".", "--dsn", dsn});
  CHECK(nothing.exit_code == 2);
  CHECK(contains(nothing.output, "nothing to retry"));
}

TEST_CASE("retry: a production run of a workflow the project has moved back to mirror is refused") {
  std::string dsn = fresh_database("retry_rolled_back");
  query_one(dsn, "create schema ctl; create table ctl.switch (v int); insert into ctl.switch values (0)");
  std::string project = write_project("retry_rolled_back", chain_project());
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn}).exit_code == 1);
  query_one(dsn, "update ctl.switch set v = 1");
  // The rollback: the workflow is back in mirror (its legacy job enabled).
  std::string flow = chain_project()[0].second;
  flow.replace(flow.find("stage      = production"), 23, "stage      = mirror");
  std::ofstream(std::filesystem::path(project) / "w.flow") << flow;
  for (const auto& refused : retry_both_ways(project, dsn, "1")) {
    INFO(refused.output);
    CHECK(refused.exit_code == 2);
    CHECK(refused.output ==
          "flowc: run 1 ran workflow w in production, and the project now has it at stage mirror: its stored "
          "plan "
          "would write the production tables; run the day at its current stage instead (`flowc run "
          "--workflow w "
          "--ds 2026-11-24`)\n");
  }
  // Back at model, the day runs only in an environment: the advice says so.
  flow.replace(flow.find("stage      = mirror"), 19, "stage      = model");
  std::ofstream(std::filesystem::path(project) / "w.flow") << flow;
  auto model = run_flowc(project, {"retry", "1", ".", "--dsn", dsn});
  CHECK(model.exit_code == 2);
  CHECK(contains(model.output, "at stage model: its stored plan would write the production tables; run the day at "
                               "its current stage instead (`flowc run --workflow w --ds 2026-11-24 --env NAME`)\n"));
  CHECK(state_of(dsn, "transform") == "failed");
  CHECK(query_one(dsn, "select to_regclass('out.load') is null") == "t");
}

TEST_CASE("retry: a production run is refused while an enabled legacy job writes one of its tables (E0303)") {
  std::string dsn = fresh_database("retry_legacy_enabled");
  query_one(dsn, "create schema ctl; create table ctl.switch (v int); insert into ctl.switch values (0)");
  std::string project = write_project("retry_legacy_enabled", chain_project());
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn}).exit_code == 1);
  query_one(dsn, "update ctl.switch set v = 1");
  // Someone enables the old cron job that loads out.load again.
  std::ofstream(std::filesystem::path(project) / "legacy.flow") << R"FLOW(legacy load_cron {
  schedule = cron("0 5 * * *")
  command  = "/opt/etl/load.sh"
  owner    = "data-eng"
  writes   = ["out.load"]
  enabled  = true
}
)FLOW";
  for (const auto& refused : retry_both_ways(project, dsn, "1")) {
    const std::string& output = refused.output;
    INFO(output);
    CHECK(refused.exit_code == 2);
    CHECK(
        contains(output, "flowc: run 1 ran workflow w in production, and the project reports E0303 in it ("));
    CHECK(contains(output, "load_cron"));
    CHECK(contains(output,
                   "): its stored plan would write tables an enabled legacy job writes too; disable that "
                   "job (`enabled = false`, and its crontab line) first\n"));
  }
  CHECK(state_of(dsn, "transform") == "failed");
  CHECK(query_one(dsn, "select to_regclass('out.load') is null") == "t");
}

TEST_CASE("retry --task: that task and its downstream rerun, upstream attempt counts are unchanged") {
  std::string dsn = fresh_database("retry_task");
  query_one(dsn, "create schema ctl; create table ctl.switch (v int); insert into ctl.switch values (1)");
  std::string project = write_project("retry_task", chain_project());
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn}).exit_code == 0);
  std::string before = query_one(dsn, "select string_agg(task || '=' || attempts, ',' order by task) from flow.task_runs");
  REQUIRE(before == "extract=1,load=1,side=1,transform=1");

  query_one(dsn, "update ctl.switch set v = 2");  // what transform computes changes: the rerun shows
  auto r = run_flowc(project, {"retry", "1", ".", "--task", "transform", "--dsn", dsn});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(query_one(dsn, "select string_agg(task || '=' || attempts, ',' order by task) from flow.task_runs") ==
        "extract=1,load=2,side=1,transform=2");
  CHECK(query_one(dsn, "select total from out.load") == "25");  // sum(n / 2) for n in 1..10
  CHECK(query_one(dsn, "select status from flow.runs where id = 1") == "succeeded");

  // A typo is one line with a suggestion, and changes nothing.
  auto typo = run_flowc(project, {"retry", "1", ".", "--task", "transfrom", "--dsn", dsn});
  INFO(typo.output);
  CHECK(typo.exit_code == 2);
  CHECK(contains(typo.output, "did you mean `transform`?"));
  CHECK(query_one(dsn, "select retries from flow.runs where id = 1") == "1");
}

TEST_CASE("retry: refused while the run is in progress, an unknown run id is exit 2") {
  std::string dsn = fresh_database("retry_busy");
  query_one(dsn, "create schema ctl; create table ctl.switch (v int); insert into ctl.switch values (1)");
  std::string project = write_project("retry_busy", chain_project(3));
  Background running = start_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select count(*) from pg_stat_activity where query like '%pg_sleep%' and pid <> pg_backend_pid()",
                   "1", 30));
  auto refused = run_flowc(project, {"retry", "1", ".", "--task", "extract", "--dsn", dsn});
  INFO(refused.output);
  CHECK(refused.exit_code == 2);
  CHECK(contains(refused.output, "flowc: run 1 is still in progress"));
  CHECK(running.wait() == 0);
  CHECK(attempts_of(dsn, "extract") == "1");

  auto unknown = run_flowc(project, {"retry", "42", ".", "--dsn", dsn});
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.output, "flowc: no run 42 in the state database"));
  auto not_a_number = run_flowc(project, {"retry", "x1", ".", "--dsn", dsn});
  CHECK(not_a_number.exit_code == 2);
}

TEST_CASE("retry: a run whose process was killed is driven to its end, the lost attempt is closed") {
  std::string dsn = fresh_database("retry_killed");
  query_one(dsn, "create schema ctl; create table ctl.switch (v int); insert into ctl.switch values (1)");
  std::string project = write_project("retry_killed", chain_project(4));
  Background killed = start_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select count(*) from pg_stat_activity where query like '%pg_sleep%' and pid <> pg_backend_pid()",
                   "1", 30));
  ::kill(killed.pid, SIGKILL);
  killed.wait();
  REQUIRE(query_one(dsn, "select status from flow.runs where id = 1") == "running");
  // The sleeping write is the killed process's; it ends with its session.
  REQUIRE(wait_for(dsn, "select count(*) from pg_stat_activity where query like '%pg_sleep%' and pid <> pg_backend_pid()",
                   "0", 30));
  // history and status say that nobody drives it, and what finishes it.
  auto history = run_flowc(project, {"history", ".", "--state-dsn", dsn});
  INFO(history.output);
  CHECK(contains(history.output, "run 1 is recorded running, but its process is gone: `flowc retry 1` finishes it\n"));
  auto status = run_flowc(project, {"status", "1", ".", "--state-dsn", dsn});
  INFO(status.output);
  CHECK(contains(status.output, "its process is gone: `flowc retry 1` finishes it\n"));
  auto json = run_flowc(project, {"status", "1", ".", "--state-dsn", dsn, "--format", "json"});
  CHECK(contains(json.output, "\"process_gone\": true"));

  auto r = run_flowc(project, {"retry", "1", ".", "--dsn", dsn, "--state-dsn", dsn});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(query_one(dsn, "select status from flow.runs where id = 1") == "succeeded");
  CHECK(attempts_of(dsn, "load") == "2");
  CHECK(query_one(dsn, "select outcome from flow.attempts where task = 'load' and attempt = 1") == "lost");
  // Its holder ran on this machine and is gone: taken up at once, not
  // after its lease ran out.
  const std::string worker =
      query_one(dsn, "select worker from flow.attempts where task = 'load' and attempt = 1");
  CHECK(query_one(dsn, "select message from flow.attempts where task = 'load' and attempt = 1") ==
        "the process " + worker + " ended before the attempt finished");
  CHECK(attempts_of(dsn, "extract") == "1");
  auto after = run_flowc(project, {"status", "1", ".", "--state-dsn", dsn, "--format", "json"});
  CHECK(contains(after.output, "\"process_gone\": false"));
}

TEST_CASE("retry: a lease of this host name recorded by another machine is waited out, not taken at once") {
  std::string dsn = fresh_database("retry_other_machine");
  query_one(dsn, "create schema ctl; create table ctl.switch (v int); insert into ctl.switch values (1)");
  std::string project = write_project("retry_other_machine", chain_project(4));
  Background killed = start_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  const std::string sleeping =
      "select count(*) from pg_stat_activity where query like '%pg_sleep%' and pid <> pg_backend_pid()";
  REQUIRE(wait_for(dsn, sleeping, "1", 30));
  ::kill(killed.pid, SIGKILL);
  killed.wait();
  REQUIRE(wait_for(dsn, sleeping, "0", 30));
  // As a container started with this host name (its own PID namespace) or
  // a VM of the same name would record it: the owner `host:pid:n` names
  // this host and a PID that does not exist here, but the PID is another
  // machine's, whose process may well be running. The lease is shortened
  // so that the test need not wait it out for 30 s.
  const std::string other_machine = "00000000-0000-0000-0000-000000000000/pid:[4026531836]";
  std::string lease_end =
      query_one(dsn, "update flow.task_runs set lease_machine = '" + other_machine +
                         "', lease_until = now() + interval '5 seconds' "
                         "where task = 'load' and state = 'running' returning lease_until");
  REQUIRE_FALSE(lease_end.empty());

  auto r = run_flowc(project, {"retry", "1", ".", "--dsn", dsn, "--state-dsn", dsn});
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(query_one(dsn, "select status from flow.runs where id = 1") == "succeeded");
  // The retry waited for the lease to run out: the executor that reclaimed
  // it closed the attempt, not the retry's reset.
  const std::string worker =
      query_one(dsn, "select worker from flow.attempts where task = 'load' and attempt = 1");
  CHECK(query_one(dsn, "select message from flow.attempts where task = 'load' and attempt = 1") ==
        "the lease of " + worker + " expired before the attempt finished");
  // Attempt 2 began once the lease had run out (attempt 1 ends at its
  // holder's last renewal, before the kill).
  CHECK(query_one(dsn, "select started_at >= '" + lease_end +
                           "'::timestamptz from flow.attempts where task = 'load' and attempt = 2") == "t");
  CHECK(attempts_of(dsn, "load") == "2");
}

TEST_CASE("run and retry started from another directory print hints that work there as printed") {
  std::string dsn = fresh_database("retry_hints");
  query_one(dsn, "create schema ctl; create table ctl.switch (v int); insert into ctl.switch values (0)");
  auto files = chain_project();
  files.push_back({"targets.flow", "target warehouse {\n  dsn = env(\"WAREHOUSE_DSN\")\n}\n"});
  const std::filesystem::path project = write_project("retry_hints", files);
  const std::string parent = project.parent_path().string();
  const std::string name = project.filename().string();
  // The target's DSN (and so the state database's) from the environment, as in production.
  const std::vector<std::string> env = {"WAREHOUSE_DSN=" + dsn};
  auto run = run_flowc(parent, {"run", name, "--ds", "2026-11-24"}, env);
  INFO(run.output);
  REQUIRE(run.exit_code == 1);
  CHECK(contains(run.output, "\ndetails: flowc status 1 " + name + "\n"));
  CHECK(contains(run.output, "\nretry: flowc retry 1 " + name + " --dry-run says what would run again"));
  // impact would read a bare directory name as a task name: it gets a path.
  CHECK(contains(run.output,
                 "\naffected: flowc impact --run 1 ./" + name + " says what its failures made stale"));
  auto affected = run_flowc(parent, {"impact", "--run", "1", "./" + name}, env);
  INFO(affected.output);
  CHECK(affected.exit_code == 0);
  CHECK(affected.output.starts_with("impact of the failures of run 1\n"));
  // `flowc status 1` alone looked for a project in the parent directory.
  auto status = run_flowc(parent, {"status", "1", name}, env);
  CHECK(status.exit_code == 0);
  auto dry_run = run_flowc(parent, {"retry", "1", name, "--dry-run"}, env);
  INFO(dry_run.output);
  CHECK(dry_run.exit_code == 0);
  CHECK(contains(dry_run.output, "`flowc retry 1 " + name + "` would run 2 of 4 tasks again"));
  auto retry = run_flowc(parent, {"retry", "1", name}, env);
  CHECK(contains(retry.output, "\ndetails: flowc status 1 " + name + "\n"));
  CHECK_FALSE(contains(retry.output, "(these commands read the runs"));

  // A DSN given on the command line is not repeated (it may hold a
  // password), so the hints would read another database: that is said.
  auto by_option = run_flowc(parent, {"run", name, "--ds", "2026-11-25", "--dsn", dsn}, {});
  INFO(by_option.output);
  CHECK(by_option.exit_code == 1);
  CHECK(contains(by_option.output,
                 "\ndetails: flowc status 2 " + name +
                     "\n"
                     "affected: flowc impact --run 2 ./" +
                     name +
                     " says what its failures made stale, and who to tell\n"
                     "retry: flowc retry 2 " +
                     name +
                     " --dry-run says what would run again and whether that is safe\n"
                     "(these commands read the runs where this one's --dsn keeps them: give them that DSN as "
                     "--state-dsn, and retry its --dsn, or set FLOW_STATE_DSN)\n"));
  CHECK_FALSE(contains(by_option.output, dsn));
}

TEST_CASE(
    "retry --task: a downstream task that also waits on a failed task outside the selection is kept, not "
    "waited on") {
  std::string dsn = fresh_database("retry_task_blocked");
  std::string project =
      write_project("retry_task_blocked", {{"w.flow", production_workflow("w", R"FLOW(  task b {
    run = command(["sh", "-c", "exit 1"])
  }

  task c {
    run        = command(["true"])
    idempotent = true
  }

  task d {
    run   = command(["true"])
    after = [b, c]
  }

  task e {
    run   = command(["true"])
    after = [d]
  }
)FLOW")}});
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn}).exit_code == 1);
  auto dry = run_flowc(project, {"retry", "1", ".", "--task", "c", "--dry-run", "--dsn", dsn});
  INFO(dry.output);
  CHECK(dry.exit_code == 0);
  CHECK(contains(dry.output, "`flowc retry 1 --task c` would run 1 of 4 tasks again"));
  CHECK(contains(dry.output, "its upstream `b` did not succeed and is not run again: kept as it is"));

  // d could never start (b failed): the retry ends instead of waiting for it.
  auto r = run_flowc(project, {"retry", "1", ".", "--task", "c", "--dsn", dsn});
  INFO(r.output);
  CHECK(r.exit_code == 1);
  CHECK(query_one(dsn,
                  "select string_agg(task || '=' || state || '/' || attempts, ',' order by task) from "
                  "flow.task_runs") == "b=failed/1,c=succeeded/2,d=upstream_failed/0,e=upstream_failed/0");
  CHECK(query_one(dsn, "select status from flow.runs where id = 1") == "failed");
}
