// `flowc schedule` end to end: the built binary against the test cluster.
// Each workflow's latest fire owes one run (trigger `schedule`) of the
// interval that fire closes; two schedulers create it once between them; a day that
// succeeded is skipped; a failed scheduled run is not created again (retry
// is `flowc retry`); SIGTERM stops a long-running scheduler cleanly.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <thread>

#include "tests/integration/run_support.h"
#include "tests/support/file_text.h"

using namespace flowc::testing;

namespace {

/// A workflow firing daily at midnight UTC (so it owes yesterday's run at
/// any time of day) whose one task sleeps `sleep` seconds, then exits with
/// `exit_code`.
std::vector<std::pair<std::string, std::string>> daily_project(int sleep, int exit_code,
                                                                  const std::string& stage = "production") {
  std::string flow = R"FLOW(target warehouse {
  environment staging { schema_suffix = "_stg" }
}

route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow daily {
  owner      = "data-eng"
  stage      = STAGE
  schedule   = cron("0 0 * * *")
  on_failure = alert(oncall)

  param ds: date = logical_date

  task work {
    run = command(["sh", "-c", "sleep SLEEP; exit EXIT"])
  }
}
)FLOW";
  flow.replace(flow.find("STAGE"), 5, stage);
  flow.replace(flow.find("SLEEP"), 5, std::to_string(sleep));
  flow.replace(flow.find("EXIT"), 4, std::to_string(exit_code));
  return {{"s.flow", flow}};
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

/// Starts a `flowc worker` and a scheduler that leaves the tasks to it, and
/// kills the scheduler with -9 once the worker runs the task: the run is
/// left for another scheduler to adopt. The worker, still running.
Background kill_scheduler_while_worker_runs(const std::string& project, const std::string& dsn) {
  Background worker = start_flowc(project, {"worker", ".", "--dsn", dsn, "--state-dsn", dsn});
  REQUIRE(wait_for(dsn, "select to_regclass('flow.runs') is not null", "t", 30));  // the worker migrated
  Background first = start_flowc(project, {"schedule", ".", "--once", "--concurrency", "0", "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select count(*) from flow.task_runs where state = 'running'", "1", 30));
  // Killed between the worker's claim and its taking the task up (it opens
  // the attempt's log), the scheduler would leave a run nobody drives, whose
  // task the worker refuses (docs/cli.md, "Only runs something drives").
  REQUIRE(wait_for_file(query_one(dsn, "select log_path from flow.attempts"), 30));
  ::kill(first.pid, SIGKILL);
  first.wait();
  return worker;
}

size_t lines(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

/// The ds the schedule owes now: yesterday (UTC), where the interval that
/// today's midnight fire closes began.
const std::string kOwedDs = "select ((now() at time zone 'utc')::date - 1)::text";

/// Leaves run 1, of three days ago, `running` with nobody driving it, as a
/// scheduler killed that day would (its trigger set as that scheduler's
/// would be), then applies `also` (SQL setting more of runs) to it.
/// Returns its ds.
std::string abandoned_old_run(const std::string& dsn, const std::string& project, const std::string& also = "") {
  const std::string old_ds = query_one(dsn, "select ((now() at time zone 'utc')::date - 3)::text");
  Background first = start_flowc(project, {"run", ".", "--ds", old_ds, "--concurrency", "0", "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select count(*) from flow.runs where status = 'running'", "1", 30));
  ::kill(first.pid, SIGKILL);
  first.wait();
  query_one(dsn, "update flow.runs set trigger = 'schedule'" + also + " where id = 1 returning id");
  return old_ds;
}

}  // namespace

TEST_CASE("schedule --once: two schedulers at once create the owed run once between them") {
  std::string dsn = fresh_database("schedule_twice");
  std::string project = write_project("schedule_twice", daily_project(1, 0));
  std::vector<std::string> args = {"schedule", ".", "--once", "--dsn", dsn};
  Background first = start_flowc(project, args);
  Background second = start_flowc(project, args);
  int first_code = first.wait();
  int second_code = second.wait();
  std::string both = first.output() + second.output();
  INFO(both);
  CHECK(first_code == 0);
  CHECK(second_code == 0);
  // One ran it; the other was refused by the run lock or the unique
  // scheduled run, or came after it and skipped the day.
  CHECK(contains(both, "run 1 of daily for " + query_one(dsn, kOwedDs) + ": succeeded"));
  CHECK((contains(both, ": not started here: ") || contains(both, ": skipped: run 1 succeeded already")));
  CHECK_FALSE(contains(both, "no run"));  // a first schedule owes no earlier day
  CHECK(query_one(dsn, "select count(*) from flow.runs") == "1");
  CHECK(query_one(dsn, "select trigger || ' ' || status || ' ' || ds from flow.runs") ==
        "schedule succeeded " + query_one(dsn, kOwedDs));

  auto again = run_flowc(project, args);
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK(contains(again.output, "daily for " + query_one(dsn, kOwedDs) + ": skipped: run 1 succeeded already"));
  CHECK(query_one(dsn, "select count(*) from flow.runs") == "1");
}

TEST_CASE("schedule --once: a failed scheduled run exits 1 and is never created again") {
  std::string dsn = fresh_database("schedule_failed");
  std::string project = write_project("schedule_failed", daily_project(0, 3));
  std::vector<std::string> args = {"schedule", ".", "--once", "--dsn", dsn};
  auto first = run_flowc(project, args);
  INFO(first.output);
  CHECK(first.exit_code == 1);
  CHECK(contains(first.output, "run 1 of daily for " + query_one(dsn, kOwedDs) + ": failed: task work"));
  auto second = run_flowc(project, args);
  INFO(second.output);
  CHECK(second.exit_code == 0);
  CHECK(contains(second.output, "not started here: a scheduled run of daily for " + query_one(dsn, kOwedDs) +
                                    " exists already (run 1, failed: finish it with `flowc retry 1`)\n"));
  CHECK(query_one(dsn, "select count(*) from flow.runs") == "1");

  // Made in another stage (the workflow went from mirror to production
  // since): the day's production run is not the scheduler's to make, and
  // the message says how to start it.
  query_one(dsn, "update flow.runs set stage = 'mirror' where id = 1 returning id");
  auto third = run_flowc(project, args);
  INFO(third.output);
  CHECK(third.exit_code == 0);
  const std::string ds = query_one(dsn, kOwedDs);
  CHECK(contains(third.output,
                 "not started here: a scheduled run of daily for " + ds +
                     " exists already (run 1, failed: finish it with `flowc retry 1`), made in stage mirror: "
                     "one scheduled run per workflow, "
                     "day and environment, so the production run of this day is started by hand: "
                     "flowc run --workflow daily --ds " +
                     ds + "\n"));
  CHECK(query_one(dsn, "select count(*) from flow.runs") == "1");
}

TEST_CASE("schedule --once: a day whose failed manual run appended is not run again by the scheduler") {
  std::string dsn = fresh_database("schedule_repeated");
  std::string project = write_project("schedule_repeated", {{"s.flow", R"FLOW(route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

workflow daily {
  owner      = "data-eng"
  stage      = production
  schedule   = cron("0 0 * * *")
  on_failure = alert(oncall)

  param ds: date = logical_date

  task a {
    writes = "out.a"
    mode   = append
    sql    = "select ${ds} as ds"
  }

  task c {
    run   = command(["test", "-e", "ok"])
    after = [a]
  }
}
)FLOW"}});
  const std::string ds = query_one(dsn, kOwedDs);
  REQUIRE(run_flowc(project, {"run", ".", "--ds", ds, "--dsn", dsn}).exit_code == 1);  // a appended, c failed
  auto scheduled = run_flowc(project, {"schedule", ".", "--once", "--dsn", dsn});
  INFO(scheduled.output);
  CHECK(scheduled.exit_code == 1);
  CHECK(contains(scheduled.output,
                 "daily for " + ds +
                     ": not started: its run 1 failed after task a (mode append) "
                     "succeeded: a new run would append its rows a second time; finish run 1 with "
                     "`flowc retry 1`, or put a's output right and run the day by hand (`flowc run "
                     "--ds " +
                     ds + "`)\n"));
  CHECK(query_one(dsn, "select count(*) from out.a") == "1");
  CHECK(query_one(dsn, "select count(*) from flow.runs") == "1");
}

TEST_CASE("schedule --once: days owed while no scheduler ran are named, with the backfill that runs them") {
  std::string dsn = fresh_database("schedule_gap");
  std::string project = write_project("schedule_gap", daily_project(0, 0));
  auto day = [&](int back) {
    return query_one(dsn, "select ((now() at time zone 'utc')::date - " + std::to_string(back) + ")::text");
  };
  // The last run before the scheduler was away: five days ago.
  REQUIRE(run_flowc(project, {"run", ".", "--ds", day(5), "--dsn", dsn}).exit_code == 0);
  auto scheduled = run_flowc(project, {"schedule", ".", "--once", "--dsn", dsn});
  INFO(scheduled.output);
  CHECK(scheduled.exit_code == 0);
  const std::string backfill = "flowc backfill --workflow daily --from " + day(4) + " --to " + day(2);
  CHECK(contains(scheduled.output, "flowc: warning: daily: 3 days its schedule owed before " + day(1) +
                                       " have no run (no scheduler ran them; a scheduler starts only the "
                                       "latest day's run): " +
                                       day(4) + " to " + day(2) + "\n  " + backfill + "\n"));
  CHECK(contains(scheduled.output, "run 2 of daily for " + day(1) + ": succeeded"));
  CHECK(query_one(dsn, "select count(*) from flow.runs") ==
        "2");  // the missed days are not run by themselves

  // The command it names runs them; then nothing is missed.
  std::vector<std::string> args = {"backfill", ".",    "--workflow", "daily", "--from",
                                   day(4),     "--to", day(2),       "--dsn", dsn};
  auto filled = run_flowc(project, args);
  INFO(filled.output);
  CHECK(filled.exit_code == 0);
  CHECK(query_one(dsn, "select count(*) from flow.runs where status = 'succeeded'") == "5");
  auto again = run_flowc(project, {"schedule", ".", "--once", "--dsn", dsn});
  INFO(again.output);
  CHECK(again.exit_code == 0);
  CHECK_FALSE(contains(again.output, "no run"));
}

TEST_CASE("schedule: a long-running scheduler drives the owed run and stops cleanly on SIGTERM") {
  std::string dsn = fresh_database("schedule_daemon");
  std::string project = write_project("schedule_daemon", daily_project(0, 0));
  Background scheduler = start_flowc(project, {"schedule", ".", "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select status from flow.runs", "succeeded", 60));
  ::kill(scheduler.pid, SIGTERM);
  int code = scheduler.wait();
  INFO(scheduler.output());
  CHECK(code == 0);
  CHECK(contains(scheduler.output(), "run 1 of daily for " + query_one(dsn, kOwedDs) + ": succeeded"));
  CHECK(query_one(dsn, "select count(*) from flow.runs where trigger = 'schedule'") == "1");
  // Nothing was running when the signal came: nothing was stopped.
  CHECK(contains(scheduler.output(), "flowc: interrupted: no run was in progress\n"));
  CHECK_FALSE(contains(scheduler.output(), "were stopped"));
}

TEST_CASE("schedule: a long-running scheduler ends, exit 2, when the state schema becomes one it refuses") {
  std::string dsn = fresh_database("schedule_refused_schema");
  std::string project = write_project("schedule_refused_schema", daily_project(0, 0));
  Background scheduler = start_flowc(project, {"schedule", ".", "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select status from flow.runs", "succeeded", 60));
  // A newer flowc upgraded the schema: this one must not read or adopt
  // from it. Its next wake (at most 15 s away) says so and ends.
  query_one(dsn,
            "insert into flow.schema_version values (99, 'from a newer flowc', now()) returning version");
  int code = scheduler.wait();
  INFO(scheduler.output());
  CHECK(code == 2);
  CHECK(contains(scheduler.output(), "flowc: daily: "));
  CHECK(contains(scheduler.output(), "version 99"));
}

TEST_CASE("schedule: SIGTERM during a run stops it, records it failed and says so") {
  std::string dsn = fresh_database("schedule_stop_running");
  std::string project = write_project("schedule_stop_running", daily_project(60, 0));
  Background scheduler = start_flowc(project, {"schedule", ".", "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select count(*) from flow.task_runs where state = 'running'", "1", 60));
  ::kill(scheduler.pid, SIGTERM);
  scheduler.wait();
  INFO(scheduler.output());
  CHECK(contains(scheduler.output(),
                 "flowc: interrupted: runs in progress were stopped and recorded as failed (`flowc retry` resumes one)\n"));
  CHECK_FALSE(contains(scheduler.output(), "no run was in progress"));
  CHECK(query_one(dsn, "select status from flow.runs") == "failed");
}

TEST_CASE("schedule: nothing to schedule is one line and exit 2") {
  std::string dsn = fresh_database("schedule_nothing");
  std::string project = write_project("schedule_nothing", daily_project(0, 0, "model"));
  auto model = run_flowc(project, {"schedule", ".", "--once", "--dsn", dsn});
  INFO(model.output);
  CHECK(model.exit_code == 2);
  CHECK(contains(model.output, "workflow `daily` is in stage `model`: not scheduled in production"));
  CHECK(contains(model.output, "flowc: no workflow in . has a `schedule` to run\n"));
  CHECK(lines(model.output) == 2);
  CHECK(query_one(dsn, "select to_regclass('flow.runs') is null") == "t");  // nothing ran

  // An environment no target declares: one line, exit 2, nothing run.
  auto unknown = run_flowc(project, {"schedule", ".", "--once", "--env", "nope", "--dsn", dsn});
  INFO(unknown.output);
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.output, "flowc: no environment `nope`"));
  CHECK(lines(unknown.output) == 1);
  CHECK(query_one(dsn, "select to_regclass('flow.runs') is null") == "t");

  // In a non-production environment the model-stage workflow is scheduled.
  auto staging = run_flowc(project, {"schedule", ".", "--once", "--env", "staging", "--dsn", dsn});
  INFO(staging.output);
  CHECK(staging.exit_code == 0);
  CHECK(query_one(dsn, "select env || ' ' || status from flow.runs") == "staging succeeded");
}

TEST_CASE("schedule --concurrency 0: the scheduler creates and ends the run, a worker executes it") {
  std::string dsn = fresh_database("schedule_worker");
  std::string project = write_project("schedule_worker", daily_project(0, 0));
  Background worker = start_flowc(project, {"worker", ".", "--dsn", dsn, "--state-dsn", dsn});
  REQUIRE(wait_for(dsn, "select to_regclass('flow.runs') is not null", "t", 30));  // the worker migrated
  auto scheduled = run_flowc(project, {"schedule", ".", "--once", "--concurrency", "0", "--dsn", dsn});
  INFO(scheduled.output);
  CHECK(scheduled.exit_code == 0);
  CHECK(contains(scheduled.output, "run 1 of daily for " + query_one(dsn, kOwedDs) + ": succeeded"));
  ::kill(worker.pid, SIGTERM);
  CHECK(worker.wait() == 0);
  INFO(worker.output());
  CHECK(contains(worker.output(), "daily run 1 work succeeded"));
  CHECK(query_one(dsn, "select count(*) from flow.attempts where outcome = 'succeeded'") == "1");
}

TEST_CASE("schedule: a scheduled run whose scheduler was killed is adopted and finished in place") {
  std::string dsn = fresh_database("schedule_adopt");
  std::string project = write_project("schedule_adopt", daily_project(0, 0));
  // A scheduler that creates the run, runs none of its tasks, and dies.
  Background first = start_flowc(project, {"schedule", ".", "--once", "--concurrency", "0", "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select count(*) from flow.runs where status = 'running'", "1", 30));
  ::kill(first.pid, SIGKILL);
  first.wait();

  auto second = run_flowc(project, {"schedule", ".", "--once", "--dsn", dsn});
  INFO(second.output);
  CHECK(second.exit_code == 0);
  CHECK(contains(second.output, "run 1 of daily for " + query_one(dsn, kOwedDs) +
                                    " (adopted: its scheduler was gone): succeeded"));
  CHECK(query_one(dsn, "select count(*) || ' ' || min(trigger) || ' ' || min(status) from flow.runs") ==
        "1 schedule succeeded");
}

TEST_CASE("schedule --once: an abandoned scheduled run of an older ds is adopted beside the owed one") {
  std::string dsn = fresh_database("schedule_adopt_old");
  std::string project = write_project("schedule_adopt_old", daily_project(0, 0));
  const std::string old_ds = abandoned_old_run(dsn, project);

  auto scheduler = run_flowc(project, {"schedule", ".", "--once", "--dsn", dsn});
  INFO(scheduler.output);
  CHECK(scheduler.exit_code == 0);
  CHECK(contains(scheduler.output, "run 2 of daily for " + query_one(dsn, kOwedDs) + ": succeeded"));
  CHECK(contains(scheduler.output, "run 1 of daily for " + old_ds + " (adopted: its scheduler was gone): succeeded"));
  CHECK(query_one(dsn, "select string_agg(id || ' ' || trigger || ' ' || status, ', ' order by id) from flow.runs") ==
        "1 schedule succeeded, 2 schedule succeeded");
}

TEST_CASE("schedule: an abandoned run whose stored plan cannot be read is reported once, not at every wake") {
  std::string dsn = fresh_database("schedule_unreadable");
  std::string project = write_project("schedule_unreadable", daily_project(0, 0));
  const std::string old_ds = abandoned_old_run(dsn, project, ", plan = '{}'");

  // Two wakes at least (every 15 s): the first reports it, the second stays quiet.
  Background scheduler = start_flowc(project, {"schedule", ".", "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select count(*) from flow.runs where status = 'succeeded'", "1", 30));  // today's owed run
  ::sleep(17);
  ::kill(scheduler.pid, SIGTERM);
  CHECK(scheduler.wait() == 1);  // a run it could not finish is a failure
  const std::string output = scheduler.output();
  INFO(output);
  const std::string line = "daily for " + old_ds + ": failed: run 1 has no driver and its stored plan cannot be read";
  CHECK(output.find(line) != std::string::npos);
  CHECK(output.find(line, output.find(line) + 1) == std::string::npos);
  CHECK(query_one(dsn, "select status from flow.runs where id = 1") == "running");
}

TEST_CASE("schedule: a scheduler that stays up adopts the run of another one that died mid-run") {
  std::string dsn = fresh_database("schedule_watch");
  std::string project = write_project("schedule_watch", daily_project(0, 0));
  // A creates the day's run and drives it, but runs no task itself.
  Background a = start_flowc(project, {"schedule", ".", "--concurrency", "0", "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select count(*) from flow.runs where status = 'running'", "1", 30));
  // B owes the same run; A has it.
  Background b = start_flowc(project, {"schedule", ".", "--dsn", dsn});
  for (int i = 0; i < 300 && !contains(b.output(), "not started here"); ++i) ::usleep(100 * 1000);
  REQUIRE(contains(b.output(), "not started here"));
  ::kill(a.pid, SIGKILL);
  a.wait();
  // B looks again within 15 seconds, finds the run without a driver, and finishes it.
  CHECK(wait_for(dsn, "select status from flow.runs", "succeeded", 40));
  ::kill(b.pid, SIGTERM);
  CHECK(b.wait() == 0);
  INFO(b.output());
  CHECK(contains(b.output(), "(adopted: its scheduler was gone): succeeded"));
  CHECK(query_one(dsn, "select count(*) from flow.runs") == "1");
}

TEST_CASE("schedule: an adopted run whose tasks a worker finished after its scheduler died is recorded succeeded") {
  std::string dsn = fresh_database("schedule_adopt_done");
  std::string project = write_project("schedule_adopt_done", daily_project(2, 0));
  // The scheduler dies while the worker runs the task; the worker finishes it.
  Background worker = kill_scheduler_while_worker_runs(project, dsn);
  REQUIRE(wait_for(dsn, "select state from flow.task_runs", "succeeded", 30));
  REQUIRE(query_one(dsn, "select status from flow.runs") == "running");

  auto second = run_flowc(project, {"schedule", ".", "--once", "--dsn", dsn});
  INFO(second.output);
  CHECK(second.exit_code == 0);
  CHECK(contains(second.output, "run 1 of daily for " + query_one(dsn, kOwedDs) +
                                    " (adopted: its scheduler was gone): succeeded"));
  CHECK(query_one(dsn, "select status from flow.runs where id = 1") == "succeeded");
  CHECK(query_one(dsn, "select count(*) from flow.attempts") == "1");
  ::kill(worker.pid, SIGTERM);
  CHECK(worker.wait() == 0);
}

TEST_CASE(
    "schedule: an adopted run reports a worker's attempt from its recorded start, not from the adoption") {
  std::string dsn = fresh_database("schedule_adopt_running");
  std::string project = write_project("schedule_adopt_running", daily_project(5, 0));
  Background worker = kill_scheduler_while_worker_runs(project, dsn);
  // Adopted two seconds into the worker's five-second attempt.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  REQUIRE(query_one(dsn, "select state from flow.task_runs") == "running");

  auto second = run_flowc(project, {"schedule", ".", "--once", "--dsn", dsn});
  INFO(second.output);
  CHECK(second.exit_code == 0);
  CHECK(contains(second.output, "daily work succeeded (attempt 1, 5."));
  ::kill(worker.pid, SIGTERM);
  CHECK(worker.wait() == 0);
}

TEST_CASE("schedule: an adopted run does not run again by itself a command that may have run partly") {
  std::string dsn = fresh_database("schedule_adopt_unsafe");
  auto files = daily_project(0, 0);
  // Not idempotent (the default for a command): each start appends a line.
  files[0].second.replace(files[0].second.find("sleep 0; exit 0"), 15,
                          "echo $$ > cmd.pid; echo ran >> ran.txt; sleep 20");
  std::string project = write_project("schedule_adopt_unsafe", files);
  Background first = start_flowc(project, {"schedule", ".", "--once", "--dsn", dsn});
  REQUIRE(wait_for(dsn, "select count(*) from flow.task_runs where state = 'running'", "1", 30));
  REQUIRE(wait_for_file(project + "/ran.txt", 30));
  ::kill(first.pid, SIGKILL);
  first.wait();
  // A second later: the page must give the lost attempt's start, not the adoption's.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));

  // The adopting scheduler finds the attempt lost with its process: the
  // reclaim rule fails it (one attempt, no retries) instead of a fresh start.
  auto second = run_flowc(project, {"schedule", ".", "--once", "--dsn", dsn});
  INFO(second.output);
  CHECK(second.exit_code == 1);
  CHECK(contains(second.output, "run 1 of daily for " + query_one(dsn, kOwedDs) +
                                    " (adopted: its scheduler was gone): failed"));
  CHECK(contains(query_one(dsn, "select message from flow.task_runs"),
                 "the command may have run partly and the task is not idempotent, so flowc does not run it again "
                 "by itself (`flowc retry` does)"));
  CHECK(query_one(dsn, "select string_agg(attempt || ' ' || outcome, ', ') from flow.attempts") == "1 lost");
  CHECK(contains(second.output, "  started: " +
                                    query_one(dsn,
                                              "select to_char(started_at at time zone 'UTC', "
                                              "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') from flow.attempts") +
                                    ", "));
  CHECK(file_text(project + "/ran.txt") == "ran\n");
  // Recorded failed, the command the killed scheduler left running does not go on with its work.
  pid_t command = std::atoi(file_text(project + "/cmd.pid").c_str());
  REQUIRE(command > 0);
  CHECK(gone_within(command, 5));
}

TEST_CASE("schedule --once: attempt logs that cannot be written start no run, one line and exit 2") {
  std::string dsn = fresh_database("schedule_logs");
  auto files = daily_project(0, 0);
  files.emplace_back(".flow/logs", "a file where the directory should be\n");
  std::string project = write_project("schedule_logs", files);
  auto r = run_flowc(project, {"schedule", ".", "--once", "--dsn", dsn});
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK(contains(r.output, "flowc: daily for "));
  CHECK(contains(r.output, ": not started: the attempt log directory "));
  CHECK(contains(r.output, "/.flow/logs cannot be created: "));
  CHECK(lines(r.output) == 1);
  CHECK(query_one(dsn, "select count(*) from pg_tables where schemaname = 'flow' and tablename = 'runs'") ==
        "0");
}
