// `flowc retry RUN_ID --dry-run` end to end: the built binary against the
// test cluster. The dry run says what the retry would run again and keep,
// and whether each task it runs is safe to repeat; it runs nothing and
// writes nothing, and refuses what the retry refuses.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/run_support.h"
#include "tests/support/file_text.h"

using namespace flowc::testing;

namespace {

/// extract (replace) feeds history (append), transform (append; divides by
/// ctl.switch.v, so 0 makes it fail) and notify (a command that exits 3);
/// load (replace) reads transform.
std::vector<std::pair<std::string, std::string>> mixed_project() {
  return {{"w.flow", R"FLOW(route oncall {
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

  task history {
    writes = "out.history"
    mode   = append
    sql    = "select ds, count(*) as n from ${extract} group by ds"
  }

  task transform {
    writes = "out.transform"
    mode   = append
    sql    = "select ds, n / (select v from ctl.switch) as n from ${extract}"
  }

  task load {
    writes = "out.load"
    mode   = replace
    sql    = "select ds, sum(n) as total from ${transform} group by ds"
  }

  task notify {
    after = [extract]
    run   = command(["sh", "-c", "exit 3"])
  }
}
)FLOW"}};
}

/// Everything the state schema records of run 1, to show a dry run changed nothing.
std::string state_dump(const std::string& dsn) {
  return query_one(dsn, R"(select concat_ws(' | ',
  (select status || ' ' || retries || ' ' || coalesce(retried_at::text, '-') from flow.runs where id = 1),
  (select string_agg(task || '=' || state || '/' || attempts || '/' || coalesce(lease_token::text, '-'), ','
                     order by task) from flow.task_runs),
  (select count(*) from flow.attempts), (select count(*) from flow.alerts)))");
}

}  // namespace

TEST_CASE(
    "retry --dry-run: what would rerun and what stays, each rerun judged safe or not, nothing written") {
  std::string dsn = fresh_database("dry_run_mixed");
  query_one(dsn, "create schema ctl; create table ctl.switch (v int); insert into ctl.switch values (0)");
  std::string project = write_project("dry_run_mixed", mixed_project());
  auto run = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  INFO(run.output);
  REQUIRE(run.exit_code == 1);
  const std::string before = state_dump(dsn);

  auto dry = run_flowc(project, {"retry", "1", ".", "--dry-run", "--dsn", dsn});
  INFO(dry.output);
  // A command that ran and is not idempotent may repeat part of its work: exit 1.
  CHECK(dry.exit_code == 1);
  CHECK(
      dry.output ==
      "run 1: workflow w, ds 2026-11-24, production, stage production: failed\n"
      "`flowc retry 1` would run 3 of 5 tasks again, each with a fresh attempt budget\n"
      "\n"
      "  TASK       STATE            ATTEMPTS  RETRY  SAFE  WHY\n"
      "  extract    succeeded        1         keep   -     succeeded: kept as it is\n"
      "  history    succeeded        1         keep   -     succeeded: kept as it is\n"
      "  transform  failed           1         run    yes   SQL in one transaction per attempt: its failed "
      "attempts were rolled back\n"
      "  load       upstream_failed  0         run    yes   has not run yet\n"
      "  notify     failed           1         run    no    a command not declared idempotent: attempt 1 "
      "exited with code 3, and may have done part of its work\n"
      "\n"
      "not safe as it stands: 1 task can repeat an effect of an earlier attempt (SAFE no); see what they did "
      "(`flowc status 1` shows their logs) and put their targets right first\n");
  CHECK(state_dump(dsn) == before);

  // --task on a succeeded append: its rows would be appended a second time.
  auto append = run_flowc(
      project, {"retry", "1", ".", "--task", "history", "--dry-run", "--format", "json", "--dsn", dsn});
  INFO(append.output);
  CHECK(append.exit_code == 1);
  nlohmann::json j = nlohmann::json::parse(append.output);
  CHECK(j["run"] == 1);
  CHECK(j["workflow"] == "w");
  CHECK(j["ds"] == "2026-11-24");
  CHECK(j["env"] == "production");
  CHECK(j["status"] == "failed");
  CHECK(j["task"] == "history");
  CHECK(j["safe"] == false);
  REQUIRE(j["tasks"].size() == 5);
  CHECK(j["tasks"][0]["task"] == "extract");
  CHECK(j["tasks"][0]["action"] == "keep");
  CHECK(j["tasks"][0]["safe"].is_null());
  CHECK(j["tasks"][1]["task"] == "history");
  CHECK(j["tasks"][1]["state"] == "succeeded");
  CHECK(j["tasks"][1]["attempts"] == 1);
  CHECK(j["tasks"][1]["action"] == "run");
  CHECK(j["tasks"][1]["safe"] == false);
  CHECK(j["tasks"][1]["why"] == "mode append, and attempt 1 succeeded: its rows are appended a second time");
  CHECK(j["tasks"][2]["action"] == "keep");
  CHECK(j["tasks"][2]["why"] == "not downstream of `history`: kept as it is");
  CHECK(state_dump(dsn) == before);

  // Once the cause is fixed, retrying only the SQL branch is safe: exit 0,
  // and the retry then does exactly what the dry run said.
  query_one(dsn, "update ctl.switch set v = 1");
  auto branch = run_flowc(project, {"retry", "1", ".", "--task", "transform", "--dry-run", "--dsn", dsn});
  INFO(branch.output);
  CHECK(branch.exit_code == 0);
  CHECK(branch.output.find("`flowc retry 1 --task transform` would run 2 of 5 tasks again") !=
        std::string::npos);
  CHECK(branch.output.find(
            "\nsafe to retry: no task it runs again can repeat an effect of an earlier attempt\n") !=
        std::string::npos);
  auto retried = run_flowc(project, {"retry", "1", ".", "--task", "transform", "--dsn", dsn});
  INFO(retried.output);
  CHECK(retried.exit_code == 1);  // notify still fails: it was outside --task, and stays failed
  CHECK(query_one(dsn, "select string_agg(task || '=' || attempts, ',' order by task) from flow.task_runs") ==
        "extract=1,history=1,load=1,notify=1,transform=2");
  CHECK(query_one(dsn, "select count(*) from out.transform") == "10");  // the failed attempt appended nothing

  // What the dry run calls unsafe still runs when asked for, but says so first.
  auto again = run_flowc(project, {"retry", "1", ".", "--task", "history", "--dsn", dsn});
  INFO(again.output);
  CHECK(again.output.find(
            "flowc: warning: task history runs again though it is not safe to repeat: mode append, "
            "and attempt 1 succeeded: its rows are appended a second time\n") != std::string::npos);
  CHECK(query_one(dsn, "select count(*) from out.history") == "2");
}

TEST_CASE("retry: a task the project changed since the run is named, as the retry runs it as it ran") {
  std::string dsn = fresh_database("retry_changed");
  query_one(dsn, "create schema ctl; create table ctl.switch (v int); insert into ctl.switch values (1)");
  std::string project = write_project("retry_changed", mixed_project());
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn}).exit_code == 1);  // notify
  // The command is fixed; a comment moves every line (which changes nothing that runs).
  std::string flow = file_text(project + "/w.flow");
  flow.replace(flow.find("exit 3"), 6, "exit 0");
  std::ofstream(project + "/w.flow") << "# fixed\n" + flow;

  auto dry = run_flowc(project, {"retry", "1", ".", "--dry-run", "--dsn", dsn});
  INFO(dry.output);
  CHECK(dry.exit_code == 1);  // notify is still not safe to repeat
  CHECK(dry.output.ends_with(
      "changed since run 1: notify (its command); the retry runs it as run 1 ran it (the run's stored plan); "
      "to "
      "run the project as it is now, run the day again: `flowc run --workflow w --ds 2026-11-24` (it runs "
      "every "
      "task again: history (mode append) succeeded in run 1, and would append its rows a second time)\n"));
  auto json = nlohmann::json::parse(
      run_flowc(project, {"retry", "1", ".", "--dry-run", "--format", "json", "--dsn", dsn}).output);
  REQUIRE(json["tasks"].size() == 5);
  CHECK(json["tasks"][4]["changed_since"] == "its command");
  CHECK(json["tasks"][2]["changed_since"].is_null());  // transform: only its line moved

  auto retried = run_flowc(project, {"retry", "1", ".", "--dsn", dsn});
  INFO(retried.output);
  CHECK(
      retried.output.find(
          "flowc: warning: task notify changed since run 1 (its command): the retry runs it as run 1 ran it "
          "(the run's stored plan); to run it as it is now, run the day again (`flowc run --workflow w --ds "
          "2026-11-24`)\n") != std::string::npos);
  CHECK(retried.exit_code == 1);  // it ran `exit 3` again, as run 1 did
  auto again = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  CHECK(again.exit_code == 0);
}

TEST_CASE(
    "retry: a run that is no longer the day's latest is refused: its plan would write over the newer run") {
  std::string dsn = fresh_database("retry_superseded");
  query_one(dsn, "create schema ctl; create table ctl.switch (v int); insert into ctl.switch values (0)");
  std::string project = write_project("retry_superseded", mixed_project());
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn}).exit_code == 1);
  query_one(dsn, "update ctl.switch set v = 1");
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn}).exit_code ==
          1);  // notify fails
  for (const auto& refused : retry_both_ways(project, dsn, "1")) {
    INFO(refused.output);
    CHECK(refused.exit_code == 2);
    CHECK(refused.output ==
          "flowc: run 1 is not the latest run of w for 2026-11-24: run 2 is (failed), and a retry of run 1 "
          "would "
          "write its stored plan's results over it; retry run 2, or run the day again\n");
  }
  CHECK(query_one(dsn,
                  "select string_agg(task || '=' || attempts, ',' order by task) from flow.task_runs where "
                  "run_id = 1") == "extract=1,history=1,load=0,notify=1,transform=1");
}

TEST_CASE("retry --dry-run: refuses as the retry refuses, and --format needs --dry-run") {
  std::string dsn = fresh_database("dry_run_refused");
  query_one(dsn, "create schema ctl; create table ctl.switch (v int); insert into ctl.switch values (1)");
  std::string project = write_project("dry_run_refused", mixed_project());
  auto run = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  INFO(run.output);
  REQUIRE(run.exit_code == 1);  // notify exits 3

  auto unknown = run_flowc(project, {"retry", "42", ".", "--dry-run", "--dsn", dsn});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.output == "flowc: no run 42 in the state database\n");

  auto upstream = run_flowc(project, {"retry", "1", ".", "--task", "load", "--dry-run", "--dsn", dsn});
  CHECK(upstream.exit_code == 0);  // load's upstream transform succeeded: replace is safe
  CHECK(upstream.output.find(
            "  load       succeeded  1         run    yes   mode replace: the table is built "
            "anew and swapped in, so it ends as one successful attempt leaves it\n") != std::string::npos);

  auto format = run_flowc(project, {"retry", "1", ".", "--format", "json", "--dsn", dsn});
  CHECK(format.exit_code == 2);
  CHECK(format.output.find("--format requires --dry-run") != std::string::npos);
  auto bad_format = run_flowc(project, {"retry", "1", ".", "--dry-run", "--format", "yaml", "--dsn", dsn});
  CHECK(bad_format.exit_code == 2);

  // Every task succeeded but the run did not (its driver died after the
  // last task, or a mirror run's parity failed): the retry runs no task.
  query_one(dsn, "update flow.task_runs set state = 'succeeded' where task = 'notify'");
  auto none = run_flowc(project, {"retry", "1", ".", "--dry-run", "--dsn", dsn});
  INFO(none.output);
  CHECK(none.exit_code == 0);
  CHECK(none.output.find("\n`flowc retry 1` would run no task: every task succeeded, and the run's final status "
                         "is recorded again (a mirror run compares its parity again)\n") != std::string::npos);

  query_one(dsn, "update flow.runs set status = 'succeeded' where id = 1");
  auto nothing = run_flowc(project, {"retry", "1", ".", "--dry-run", "--dsn", dsn});
  CHECK(nothing.exit_code == 2);
  CHECK(nothing.output ==
        "flowc: every task of run 1 succeeded: nothing to retry (--task T reruns T and its downstream)\n");
}

TEST_CASE("retry --dry-run: a run in progress is refused, and the dry run does not hold it up") {
  std::string dsn = fresh_database("dry_run_busy");
  std::string project = write_project("dry_run_busy", {{"w.flow", R"FLOW(route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow w {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(oncall)

  task slow {
    writes  = "out.slow"
    mode    = replace
    publish = true
    sql     = "select 1 as one from pg_sleep(3)"
    expect row_count() > 0
  }
}
)FLOW"}});
  Background running = start_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  REQUIRE(wait_for(
      dsn, "select count(*) from pg_stat_activity where query like '%pg_sleep%' and pid <> pg_backend_pid()",
      "1", 30));
  auto busy = run_flowc(project, {"retry", "1", ".", "--dry-run", "--dsn", dsn});
  INFO(busy.output);
  CHECK(busy.exit_code == 2);
  CHECK(busy.output == "flowc: run 1 is still in progress: retry it once it has ended\n");
  CHECK(running.wait() == 0);
  CHECK(query_one(dsn, "select status || ' ' || retries from flow.runs where id = 1") == "succeeded 0");
}

TEST_CASE("retry --dry-run: an attempt under a live lease is waited for, one whose lease expired runs again") {
  std::string dsn = fresh_database("dry_run_lease");
  query_one(dsn, "create schema ctl; create table ctl.switch (v int); insert into ctl.switch values (0)");
  std::string project = write_project("dry_run_lease", mixed_project());
  auto run = run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn});
  INFO(run.output);
  REQUIRE(run.exit_code == 1);
  // transform's attempt 2 held by a worker of another machine, as its lease records.
  query_one(dsn, R"(insert into flow.attempts (run_id, task, attempt, worker, lease_token, log_path)
values (1, 'transform', 2, 'elsewhere:1:0', gen_random_uuid(), '');
update flow.task_runs set state = 'running', attempts = 2, lease_token = gen_random_uuid(),
  lease_owner = 'elsewhere:1:0', lease_machine = 'another-boot/pid:[1]', lease_until = now() + interval '1 hour'
where run_id = 1 and task = 'transform')");

  auto live = run_flowc(project, {"retry", "1", ".", "--dry-run", "--dsn", dsn});
  INFO(live.output);
  CHECK(live.output.find("  transform  running          2         wait   -     attempt 2 is running in "
                         "elsewhere:1:0: the retry waits for it and never takes it over\n") != std::string::npos);

  query_one(dsn, "update flow.task_runs set lease_until = now() - interval '1 minute' where task = 'transform'");
  auto expired = run_flowc(project, {"retry", "1", ".", "--dry-run", "--dsn", dsn});
  INFO(expired.output);
  // Taken up as lost: its transaction, like the failed one's, committed nothing.
  CHECK(expired.output.find("  transform  running          2         run    yes   SQL in one transaction per "
                            "attempt, its success recorded in that transaction: attempt 2, lost with its "
                            "process, wrote nothing\n") != std::string::npos);
}

TEST_CASE("retry: a run given --param values is compared as it ran, and running its day again keeps them") {
  std::string dsn = fresh_database("retry_params");
  std::string project =
      write_project("retry_params", {{"w.flow", production_workflow("w", R"FLOW(  param label: string = "all"
  param share: percent = 5%
  param limit_n: int = 100

  task notify {
    run        = command(["sh", "-c", "exit 3", "${label}", "${share}", "${limit_n}"])
    idempotent = true
  }
)FLOW")}});
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-24", "--dsn", dsn, "--param", "label=a b",
                              "--param", "share=7%", "--param", "limit_n=100"})
              .exit_code == 1);
  // Nothing changed: the run's values (a percent bound as 0.07) are the ones compared.
  auto same = run_flowc(project, {"retry", "1", ".", "--dry-run", "--dsn", dsn});
  INFO(same.output);
  CHECK(same.exit_code == 0);
  CHECK(same.output.find("changed since") == std::string::npos);

  // The command changed, and a param without a default was added (the run
  // had no value for it: the comparison goes on without it).
  std::string flow = file_text(project + "/w.flow");
  flow.replace(flow.find("exit 3"), 6, "exit 0");
  flow.replace(flow.find("  param limit_n"), 0, "  param added: int\n");
  std::ofstream(project + "/w.flow") << flow;
  auto changed = run_flowc(project, {"retry", "1", ".", "--dry-run", "--dsn", dsn});
  INFO(changed.output);
  // The day run again takes the values the run was given (limit_n was its default).
  CHECK(changed.output.ends_with(
      "changed since run 1: notify (its command); the retry runs it as run 1 ran it (the run's stored plan); "
      "to run the project as it is now, run the day again: `flowc run --workflow w --ds 2026-11-24 --param "
      "'label=a b' --param share=7%`\n"));
}
