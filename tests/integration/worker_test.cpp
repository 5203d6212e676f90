// `flowc worker` end to end: the built binary against the test cluster. A
// run started with --concurrency 0 (no executors of its own) is executed by
// workers, through the same claims, leases and finishes; two workers share
// a run's tasks; SIGTERM lets the attempts in progress finish; a worker
// without a run's target DSN fails its SQL task with a clear message, an
// alert and no secret; a worker killed mid-attempt loses its lease, and
// another runs the task; a
// hanging alert channel does not hold up the worker's next task, nor
// another run's alerts, and the worker delivers that alert before it exits.
#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "tests/integration/run_support.h"

using namespace flowc::testing;

namespace {

/// What every project of these tests starts with: the target, whose DSN
/// the tests give, and the failure route.
const std::string kTargetAndRoute = R"FLOW(target warehouse {
  dsn = env("WORKER_TEST_DSN")
}

route oncall {
  owner  = "data-eng"
  notify = [stderr()]
}

)FLOW";

/// A fan-out of `width` command tasks sleeping `sleep` seconds, after one
/// first task, and a SQL task at the end writing `out.done`.
std::vector<std::pair<std::string, std::string>> fan_out_project(int width, const std::string& sleep) {
  std::string flow = kTargetAndRoute + R"FLOW(workflow fan {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(oncall)

  param ds: date = logical_date

  task first {
    run = command(["true"])
  }
)FLOW";
  std::string after;
  for (int i = 0; i < width; ++i) {
    std::string name = "wide_" + std::to_string(i);
    flow += "\n  task " + name + " {\n    after = [first]\n    run = command([\"sleep\", \"" + sleep + "\"])\n  }\n";
    after += (after.empty() ? "" : ", ") + name;
  }
  flow += "\n  task last {\n    after = [" + after + R"(]
    writes = "out.done"
    mode   = overwrite_partition(ds)
    sql    = "select ${ds} as ds, 1 as n"
  }
}
)";
  return {{"fan.flow", flow}};
}

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

/// The state schema exists (the run that created it started).
bool state_ready(const std::string& dsn) {
  return wait_for(dsn, "select to_regclass('flow.runs') is not null", "t", 30);
}

/// Whether `count` sessions of the test database are LISTENing: that many
/// workers are up and hear of new runs. (flowc's sessions say who they are.)
bool listening(const std::string& dsn, int count) {
  return wait_for(dsn,
                  "select count(*) from pg_stat_activity where datname = current_database() "
                  "and application_name = 'flowc' and query like 'LISTEN%'",
                  std::to_string(count), 30);
}

/// How many workers (processes) ran attempts of the run of `ds`.
std::string workers_of(const std::string& dsn, const std::string& ds) {
  return query_one(dsn, "select count(distinct regexp_replace(a.worker, ':[0-9]+$', '')) from flow.attempts a "
                        "join flow.runs r on r.id = a.run_id where r.ds = '" + ds + "'");
}

}  // namespace

TEST_CASE("worker: a run with --concurrency 0 is executed by two workers sharing its tasks") {
  std::string dsn = fresh_database("worker_share");
  std::string project = write_project("worker_share", fan_out_project(6, "1"));
  std::vector<std::string> env = {"WORKER_TEST_DSN=" + dsn};
  // The schema exists before the workers start, as it does in production.
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-01"}, env).exit_code == 0);

  Background a = start_flowc(project, {"worker", ".", "--slots", "2"}, env);
  Background b = start_flowc(project, {"worker", ".", "--slots", "2"}, env);
  REQUIRE(listening(dsn, 2));  // both hear of the run
  auto run = run_flowc(project, {"run", ".", "--ds", "2026-11-02", "--concurrency", "0"}, env);
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(contains(run.output, "this process runs no task"));
  // The workers raise its tasks' alerts; the counts are this process's.
  CHECK(contains(run.output,
                 "alerts: 0 sent, 0 suppressed by this process; its tasks' alerts are the workers' "
                 "(`flowc status 2` lists them)\n"));
  // Its view follows what the workers did, from the rows it reads back.
  CHECK(contains(run.output, "fan last succeeded"));
  CHECK(contains(run.output, "succeeded"));
  // Every attempt ran on a worker; both workers took some.
  const std::string run2 = "(select id from flow.runs where ds = '2026-11-02')";
  CHECK(query_one(dsn, "select count(*) from flow.attempts where run_id = " + run2) == "8");
  CHECK(query_one(dsn, "select count(*) from flow.attempts where outcome = 'succeeded' and run_id = " + run2) == "8");
  CHECK(workers_of(dsn, "2026-11-02") == "2");
  CHECK(query_one(dsn, "select count(*) from out.done where ds = '2026-11-02'") == "1");

  ::kill(a.pid, SIGTERM);
  ::kill(b.pid, SIGTERM);
  CHECK(a.wait() == 0);
  CHECK(b.wait() == 0);
  INFO(a.output());
  CHECK(contains(a.output(), "fan run "));  // its task lines name the run
  CHECK(contains(a.output(), "stopped"));
  CHECK_FALSE(contains(a.output() + b.output() + run.output, dsn));
}

TEST_CASE("worker: a run with an executor of its own also shows the tasks a worker ran, each once") {
  std::string dsn = fresh_database("worker_mixed");
  std::string project = write_project("worker_mixed", fan_out_project(4, "1"));
  std::vector<std::string> env = {"WORKER_TEST_DSN=" + dsn};
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-01"}, env).exit_code == 0);
  Background worker = start_flowc(project, {"worker", ".", "--slots", "2"}, env);
  REQUIRE(listening(dsn, 1));
  // One executor here for four one-second tasks: the worker takes some.
  auto run = run_flowc(project, {"run", ".", "--ds", "2026-11-02", "--concurrency", "1"}, env);
  INFO(run.output);
  CHECK(run.exit_code == 0);
  REQUIRE(workers_of(dsn, "2026-11-02") == "2");  // this process and the worker
  auto count = [&](const std::string& needle) {
    size_t n = 0;
    for (size_t at = run.output.find(needle); at != std::string::npos; at = run.output.find(needle, at + 1)) ++n;
    return n;
  };
  for (const std::string task : {"first", "wide_0", "wide_1", "wide_2", "wide_3", "last"}) {
    CAPTURE(task);
    CHECK(count("fan " + task + " succeeded") == 1);
    CHECK(count("fan " + task + " running") <= 1);
  }
  ::kill(worker.pid, SIGTERM);
  CHECK(worker.wait() == 0);
}

TEST_CASE("worker: after Ctrl-C of the run's driver, a worker finishing its task hands nothing on") {
  std::string dsn = fresh_database("worker_driver_stopped");
  std::string project = write_project("worker_driver_stopped", fan_out_project(1, "4"));
  std::vector<std::string> env = {"WORKER_TEST_DSN=" + dsn};
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-01"}, env).exit_code == 0);

  Background worker = start_flowc(project, {"worker", ".", "--slots", "1"}, env);
  Background run = start_flowc(project, {"run", ".", "--ds", "2026-11-02", "--concurrency", "0"}, env);
  const std::string wide =
      "select t.state from flow.task_runs t join flow.runs r on r.id = t.run_id "
      "where r.ds = '2026-11-02' and t.task = ";
  REQUIRE(wait_for(dsn, wide + "'wide_0'", "running", 30));
  ::kill(run.pid, SIGINT);
  CHECK(run.wait() == 1);
  CHECK(query_one(dsn, "select status from flow.runs where ds = '2026-11-02'") == "failed");
  // wide_0 ends under the worker (4 s, before its first lease renewal);
  // its finish promotes `last` but no longer takes it: the run has ended.
  CHECK(wait_for(dsn, wide + "'wide_0'", "succeeded", 30));
  ::sleep(2);
  CHECK(query_one(dsn, wide + "'last'") == "ready");
  CHECK(query_one(dsn,
                  "select to_regclass('out.done') is null or not exists (select 1 from out.done where "
                  "ds = '2026-11-02')") == "t");
  ::kill(worker.pid, SIGTERM);
  CHECK(worker.wait() == 0);
}

TEST_CASE("worker: a lease of a run that has ended is not renewed: the worker stops its attempt") {
  std::string dsn = fresh_database("worker_run_ended");
  std::string project = write_project("worker_run_ended", fan_out_project(1, "60"));
  std::vector<std::string> env = {"WORKER_TEST_DSN=" + dsn};
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-01"}, env).exit_code == 0);

  Background worker = start_flowc(project, {"worker", ".", "--slots", "1"}, env);
  Background run = start_flowc(project, {"run", ".", "--ds", "2026-11-02", "--concurrency", "0"}, env);
  REQUIRE(wait_for(dsn,
                   "select t.state from flow.task_runs t join flow.runs r on r.id = t.run_id "
                   "where r.ds = '2026-11-02' and t.task = 'wide_0'",
                   "running", 30));
  ::kill(run.pid, SIGINT);
  CHECK(run.wait() == 1);
  // The next renewal (every 10 s) finds the run failed: the worker's
  // `sleep 60` is stopped well before it would have ended.
  CHECK(wait_for(dsn,
                 "select count(*) from flow.attempts a join flow.runs r on r.id = a.run_id where "
                 "r.ds = '2026-11-02' and a.task = 'wide_0' and a.finished_at is not null",
                 "1", 30));
  CHECK(query_one(dsn,
                  "select a.outcome <> 'succeeded' and a.finished_at - a.started_at < interval '30 s' from "
                  "flow.attempts a join flow.runs r on r.id = a.run_id where r.ds = '2026-11-02' and "
                  "a.task = 'wide_0'") == "t");
  // Stopped with its run, as an executor of the run's own process would
  // have been: recorded so, nobody paged, nothing downstream blamed on it.
  const std::string of_run =
      " from flow.task_runs t join flow.runs r on r.id = t.run_id where r.ds = '2026-11-02'";
  CHECK(query_one(dsn, "select t.message" + of_run + " and t.task = 'wide_0'") ==
        "the run was stopped: its run ended while this attempt ran (the process driving it stopped it)");
  CHECK(query_one(dsn, "select t.state" + of_run + " and t.task = 'last'") == "pending");
  ::kill(worker.pid, SIGTERM);
  CHECK(worker.wait() == 0);  // its alerts, had it raised any, are delivered before it exits
  CHECK(query_one(dsn,
                  "select count(*) from flow.alerts a join flow.runs r on r.id = a.run_id "
                  "where r.ds = '2026-11-02'") == "0");
}

TEST_CASE("worker: SIGTERM lets the attempt in progress finish and be recorded, then the worker exits 0") {
  std::string dsn = fresh_database("worker_drain");
  std::string project = write_project("worker_drain", fan_out_project(1, "2"));
  std::vector<std::string> env = {"WORKER_TEST_DSN=" + dsn};
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-01"}, env).exit_code == 0);

  Background worker = start_flowc(project, {"worker", ".", "--slots", "1"}, env);
  Background run = start_flowc(project, {"run", ".", "--ds", "2026-11-02", "--concurrency", "0"}, env);
  REQUIRE(wait_for(dsn, "select state from flow.task_runs t join flow.runs r on r.id = t.run_id "
                        "where r.ds = '2026-11-02' and t.task = 'wide_0'", "running", 30));
  ::kill(worker.pid, SIGTERM);
  CHECK(worker.wait() == 0);
  INFO(worker.output());
  CHECK(worker.output().find(" stopping: claiming nothing more, letting the attempts in progress finish "
                             "(interrupt again to exit at once)\n") != std::string::npos);
  // The sleeping task finished under the draining worker; nothing new was claimed.
  CHECK(query_one(dsn, "select t.state from flow.task_runs t join flow.runs r on r.id = t.run_id "
                       "where r.ds = '2026-11-02' and t.task = 'wide_0'") == "succeeded");
  CHECK(query_one(dsn, "select t.state from flow.task_runs t join flow.runs r on r.id = t.run_id "
                       "where r.ds = '2026-11-02' and t.task = 'last'") == "ready");
  // Another worker finishes the run: given only --dsn, it finds the state
  // database there too (as flowc run does).
  Background second = start_flowc(project, {"worker", ".", "--slots", "1", "--dsn", dsn}, {});
  CHECK(run.wait() == 0);
  ::kill(second.pid, SIGTERM);
  CHECK(second.wait() == 0);
  CHECK(query_one(dsn, "select status from flow.runs where ds = '2026-11-02'") == "succeeded");
}

TEST_CASE(
    "worker: a run whose target has no DSN on the worker fails its SQL task with a clear message, and "
    "alerts") {
  std::string dsn = fresh_database("worker_unbound");
  std::string project = write_project("worker_unbound", fan_out_project(1, "0"));
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-01"}, {"WORKER_TEST_DSN=" + dsn}).exit_code == 0);
  // This worker has the state database but not WORKER_TEST_DSN.
  Background worker = start_flowc(project, {"worker", ".", "--state-dsn", dsn});
  REQUIRE(state_ready(dsn));
  auto run = run_flowc(project, {"run", ".", "--ds", "2026-11-02", "--concurrency", "0"}, {"WORKER_TEST_DSN=" + dsn});
  INFO(run.output);
  CHECK(run.exit_code == 1);
  // The command tasks need no target and run; the SQL task fails.
  CHECK(query_one(dsn,
                  "select string_agg(t.state, ',' order by t.task_index) from flow.task_runs t "
                  "join flow.runs r on r.id = t.run_id where r.ds = '2026-11-02'") ==
        "succeeded,succeeded,failed");
  std::string message =
      query_one(dsn,
                "select t.message from flow.task_runs t join flow.runs r on r.id = t.run_id "
                "where r.ds = '2026-11-02' and t.task = 'last'");
  CHECK(
      contains(message, "no DSN for target `warehouse` on this worker (set WORKER_TEST_DSN or pass --dsn)"));
  // Its owner hears of it, as of any failed task: the route's channel, recorded.
  CHECK(query_one(dsn,
                  "select string_agg(a.kind || ' ' || a.task || ' ' || a.status, ',') from flow.alerts a "
                  "join flow.runs r on r.id = a.run_id where r.ds = '2026-11-02'") ==
        "failure last delivered");
  ::kill(worker.pid, SIGTERM);
  CHECK(worker.wait() == 0);
  CHECK(contains(worker.output(), "no DSN for target `warehouse` on this worker"));
  CHECK_FALSE(contains(worker.output() + run.output, dsn));
}

TEST_CASE("worker: a run whose driving process is gone is not served") {
  std::string dsn = fresh_database("worker_abandoned");
  std::string project = write_project("worker_abandoned", fan_out_project(1, "0"));
  std::vector<std::string> env = {"WORKER_TEST_DSN=" + dsn};
  // A run left `running` with ready tasks by a `flowc run` killed outright.
  Background run = start_flowc(project, {"run", ".", "--ds", "2026-11-02", "--concurrency", "0"}, env);
  REQUIRE(wait_for(dsn, "select count(*) from flow.runs where status = 'running'", "1", 30));
  ::kill(run.pid, SIGKILL);
  run.wait();
  Background worker = start_flowc(project, {"worker", "."}, env);
  REQUIRE(wait_for(dsn, "select state from flow.task_runs where task = 'first'", "failed", 30));
  std::string message = query_one(dsn, "select message from flow.task_runs where task = 'first'");
  CHECK(contains(message, "no process drives the run any more"));
  CHECK(contains(message, "`flowc retry 1` finishes it"));
  ::kill(worker.pid, SIGTERM);
  CHECK(worker.wait() == 0);
  // The worker's own output says so too: no run view of its would.
  INFO(worker.output());
  CHECK(contains(worker.output(), "flowc: task first of run 1 failed without running: "));
  CHECK(contains(worker.output(), "no process drives the run any more"));
  // `flowc retry` drives it again (its tasks on its own executors).
  auto retried = run_flowc(project, {"retry", "1"}, env);
  INFO(retried.output);
  CHECK(retried.exit_code == 0);
  CHECK(query_one(dsn, "select status from flow.runs where id = 1") == "succeeded");
}

TEST_CASE("worker: a worker killed mid-attempt loses its lease and another worker runs the task again") {
  std::string dsn = fresh_database("worker_killed");
  std::string project = write_project("worker_killed", {{"k.flow", kTargetAndRoute + R"FLOW(workflow killed {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(oncall)
  param ds: date = logical_date

  task slow {
    run        = command(["sleep", "3"])
    idempotent = true
    retry      = retry(1, backoff = fixed(1s))
  }
}
)FLOW"}});
  std::vector<std::string> env = {"WORKER_TEST_DSN=" + dsn};
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-01"}, env).exit_code == 0);
  Background a = start_flowc(project, {"worker", ".", "--slots", "1"}, env);
  Background b = start_flowc(project, {"worker", ".", "--slots", "1"}, env);
  REQUIRE(listening(dsn, 2));
  Background run = start_flowc(project, {"run", ".", "--ds", "2026-11-02", "--concurrency", "0"}, env);
  // The worker running the first attempt dies outright: no finish, no
  // release, its lease simply stops being renewed.
  const std::string holder_pid =
      "select substring(worker from ':([0-9]+):[0-9]+$') from flow.attempts a join flow.runs r on r.id = a.run_id "
      "where r.ds = '2026-11-02' and a.attempt = 1";
  REQUIRE(wait_for(dsn, "select count(*) from (" + holder_pid + ") h", "1", 30));
  const pid_t killed = static_cast<pid_t>(std::stol(query_one(dsn, holder_pid)));
  REQUIRE((killed == a.pid || killed == b.pid));
  Background& dead = killed == a.pid ? a : b;
  Background& alive = killed == a.pid ? b : a;
  const pid_t survivor = alive.pid;
  ::kill(killed, SIGKILL);
  dead.wait();
  // Once the lease (30 s) has expired, the other worker reclaims the task
  // and runs it again; the run succeeds.
  CHECK(run.wait() == 0);
  INFO(run.output());
  CHECK(query_one(dsn, "select string_agg(a.attempt || ' ' || a.outcome, ', ' order by a.attempt) from flow.attempts a "
                       "join flow.runs r on r.id = a.run_id where r.ds = '2026-11-02'") ==
        "1 lost, 2 succeeded");
  CHECK(query_one(dsn, "select substring(worker from ':([0-9]+):[0-9]+$') from flow.attempts a join flow.runs r "
                       "on r.id = a.run_id where r.ds = '2026-11-02' and a.attempt = 2") ==
        std::to_string(survivor));
  ::kill(alive.pid, SIGTERM);
  CHECK(alive.wait() == 0);
}

namespace {

/// A project whose task `slow` (`slow_task`: its body) runs for a few
/// seconds, with no retries, before a task `after`.
std::string lost_lease_project(const std::string& name, const std::string& slow_task) {
  return write_project(name, {{"k.flow", kTargetAndRoute + R"FLOW(workflow killed {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(oncall)
  param ds: date = logical_date

  task slow {
)FLOW" + slow_task + R"FLOW(
  }

  task after {
    after = [slow]
    run   = command(["true"])
  }
}
)FLOW"}});
}

struct KilledHolder {
  int exit_code = -1;
  std::string output;
  pid_t survivor = -1;
};

/// Runs ds 2026-11-02 of the project on two workers (state database = target)
/// and SIGKILLs the worker running the first attempt of `slow`; returns once
/// the run ended (the lease, 30 s, has to expire first).
KilledHolder kill_holder_of_slow(const std::string& dsn, const std::string& project) {
  KilledHolder out;
  std::vector<std::string> env = {"WORKER_TEST_DSN=" + dsn};
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-01"}, env).exit_code == 0);
  Background a = start_flowc(project, {"worker", ".", "--slots", "2"}, env);
  Background b = start_flowc(project, {"worker", ".", "--slots", "2"}, env);
  REQUIRE(listening(dsn, 2));
  Background run = start_flowc(project, {"run", ".", "--ds", "2026-11-02", "--concurrency", "0"}, env);
  const std::string holder_pid =
      "select substring(worker from ':([0-9]+):[0-9]+$') from flow.attempts a join flow.runs r on r.id = a.run_id "
      "where r.ds = '2026-11-02' and a.task = 'slow' and a.attempt = 1";
  REQUIRE(wait_for(dsn, "select count(*) from (" + holder_pid + ") h", "1", 30));
  const pid_t killed = static_cast<pid_t>(std::stol(query_one(dsn, holder_pid)));
  REQUIRE((killed == a.pid || killed == b.pid));
  Background& dead = killed == a.pid ? a : b;
  Background& alive = killed == a.pid ? b : a;
  out.survivor = alive.pid;
  ::kill(killed, SIGKILL);
  dead.wait();
  out.exit_code = run.wait();
  out.output = run.output();
  ::kill(alive.pid, SIGTERM);
  CHECK(alive.wait() == 0);
  return out;
}

std::string attempts_of_slow(const std::string& dsn) {
  return query_one(dsn, "select string_agg(a.attempt || ' ' || a.outcome, ', ' order by a.attempt) "
                        "from flow.attempts a join flow.runs r on r.id = a.run_id "
                        "where r.ds = '2026-11-02' and a.task = 'slow'");
}

}  // namespace

TEST_CASE("worker: a SQL task without retries whose worker was killed is run again by another worker") {
  std::string dsn = fresh_database("worker_killed_sql");
  // Not idempotent (mode none), but its success is recorded in its own
  // transaction: the dead worker's attempt committed nothing.
  std::string project = lost_lease_project("worker_killed_sql", R"X(    mode = none
    sql  = "select pg_sleep(4)")X");
  KilledHolder killed = kill_holder_of_slow(dsn, project);
  INFO(killed.output);
  CHECK(killed.exit_code == 0);
  CHECK(attempts_of_slow(dsn) == "1 lost, 2 succeeded");
  // The lost attempt did not spend a retry: one allowed attempt, plus the lost one.
  CHECK(query_one(dsn, "select t.attempts || '/' || t.max_attempts || ' ' || t.state from flow.task_runs t "
                       "join flow.runs r on r.id = t.run_id where r.ds = '2026-11-02' and t.task = 'slow'") ==
        "2/2 succeeded");
  CHECK(query_one(dsn, "select substring(worker from ':([0-9]+):[0-9]+$') from flow.attempts a join flow.runs r "
                       "on r.id = a.run_id where r.ds = '2026-11-02' and a.task = 'slow' and a.attempt = 2") ==
        std::to_string(killed.survivor));
}

TEST_CASE("worker: a command task that is not idempotent whose worker was killed fails saying it may have run partly") {
  std::string dsn = fresh_database("worker_killed_command");
  std::string project = lost_lease_project("worker_killed_command", R"X(    run = command(["sh", "-c", "sleep 4"]))X");
  KilledHolder killed = kill_holder_of_slow(dsn, project);
  INFO(killed.output);
  CHECK(killed.exit_code == 1);
  const std::string message =
      "the executor running attempt 1 died mid-attempt: the command may have run partly and "
      "the task is not idempotent, so flowc does not run it again by itself (`flowc retry` does)";
  CHECK(contains(killed.output, message));
  CHECK(attempts_of_slow(dsn) == "1 lost");
  CHECK(query_one(dsn, "select string_agg(t.task || ' ' || t.state || ': ' || t.message, '; ' order by t.task) "
                       "from flow.task_runs t join flow.runs r on r.id = t.run_id where r.ds = '2026-11-02'") ==
        "after upstream_failed: upstream slow failed; slow failed: " + message);
}

TEST_CASE("worker: a killed driver's run whose tasks a worker finished is recorded succeeded by retry") {
  std::string dsn = fresh_database("worker_driver_gone");
  std::string project = write_project("worker_driver_gone", fan_out_project(1, "2"));
  std::vector<std::string> env = {"WORKER_TEST_DSN=" + dsn};
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-01"}, env).exit_code == 0);  // the schema exists
  Background worker = start_flowc(project, {"worker", ".", "--slots", "4"}, env);
  REQUIRE(listening(dsn, 1));
  Background run = start_flowc(project, {"run", ".", "--ds", "2026-11-02", "--concurrency", "0"}, env);
  REQUIRE(wait_for(dsn, "select state from flow.task_runs where run_id = 2 and task = 'wide_0'", "running", 30));
  ::kill(run.pid, SIGKILL);
  run.wait();
  // The worker, serving the run already, runs its tasks to the end.
  REQUIRE(wait_for(dsn, "select count(*) from flow.task_runs where run_id = 2 and state = 'succeeded'", "3", 30));
  REQUIRE(query_one(dsn, "select status from flow.runs where id = 2") == "running");

  auto retried = run_flowc(project, {"retry", "2"}, env);
  INFO(retried.output);
  CHECK(retried.exit_code == 0);
  CHECK(query_one(dsn, "select status from flow.runs where id = 2") == "succeeded");
  CHECK(query_one(dsn, "select count(*) from flow.attempts where run_id = 2") == "3");
  auto again = run_flowc(project, {"retry", "2"}, env);
  CHECK(again.exit_code == 2);
  CHECK(contains(again.output, "every task of run 2 succeeded: nothing to retry"));
  ::kill(worker.pid, SIGTERM);
  CHECK(worker.wait() == 0);
}

TEST_CASE("worker: retry of a killed driver's run waits for the attempt a live worker is running") {
  std::string dsn = fresh_database("worker_retry_live");
  std::string project = write_project("worker_retry_live", fan_out_project(1, "4"));
  std::vector<std::string> env = {"WORKER_TEST_DSN=" + dsn};
  REQUIRE(run_flowc(project, {"run", ".", "--ds", "2026-11-01"}, env).exit_code == 0);  // the schema exists
  Background worker = start_flowc(project, {"worker", ".", "--slots", "1"}, env);
  REQUIRE(listening(dsn, 1));
  Background run = start_flowc(project, {"run", ".", "--ds", "2026-11-02", "--concurrency", "0"}, env);
  REQUIRE(wait_for(dsn, "select state from flow.task_runs where run_id = 2 and task = 'wide_0'", "running", 30));
  ::kill(run.pid, SIGKILL);
  run.wait();

  // wide_0's lease is live (its worker renews it): the retry leaves the
  // attempt to its worker and waits for it.
  auto retried = run_flowc(project, {"retry", "2"}, env);
  INFO(retried.output);
  CHECK(retried.exit_code == 0);
  CHECK(query_one(dsn, "select status from flow.runs where id = 2") == "succeeded");
  CHECK(query_one(dsn, "select string_agg(attempt || ' ' || outcome, ', ' order by attempt) from flow.attempts "
                       "where run_id = 2 and task = 'wide_0'") == "1 succeeded");
  ::kill(worker.pid, SIGTERM);
  CHECK(worker.wait() == 0);
}

TEST_CASE("worker: a hanging alert channel does not delay the next task, and is delivered before exit") {
  std::string dsn = fresh_database("worker_alert_hang");
  // The pager's command hangs for 6 s, then writes when it ended (epoch
  // seconds, the clock the state database's timestamps are on too).
  std::string project = write_project("worker_alert_hang", {{"h.flow", R"FLOW(target warehouse {
  dsn = env("WORKER_TEST_DSN")
}

route pager {
  owner  = "data-eng"
  notify = [command(["sh", "-c", "cat >/dev/null; sleep 6; date +%s.%N > alert_ended"])]
}

workflow hang {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(pager)
  param ds: date = logical_date

  task fails {
    run = command(["sh", "-c", "exit 3"])
  }

  task next {
    run = command(["true"])
  }
}
)FLOW"}});
  std::vector<std::string> env = {"WORKER_TEST_DSN=" + dsn};
  // One slot: the executor that raised the alert is the one that runs `next`.
  Background worker = start_flowc(project, {"worker", ".", "--slots", "1"}, env);
  REQUIRE(listening(dsn, 1));
  auto run = run_flowc(project, {"run", ".", "--ds", "2026-11-02", "--concurrency", "0"}, env);
  INFO(run.output);
  CHECK(run.exit_code == 1);
  // Claims go by task index: `fails` first, then `next`.
  const std::string attempts =
      "select string_agg(task || ' ' || outcome, ', ' order by started_at) from flow.attempts";
  REQUIRE(query_one(dsn, attempts) == "fails failed, next succeeded");
  // SIGTERM: the worker waits for the alert still on its way, then exits.
  ::kill(worker.pid, SIGTERM);
  CHECK(worker.wait() == 0);
  INFO(worker.output());
  const std::filesystem::path ended = std::filesystem::path(project) / "alert_ended";
  REQUIRE(std::filesystem::exists(ended));
  std::ifstream in(ended);
  std::string epoch;
  in >> epoch;
  REQUIRE(!epoch.empty());
  // `next` started while the channel still hung, not after it.
  const std::string before =
      "select started_at < to_timestamp(" + epoch + ") from flow.attempts where task = 'next'";
  CHECK(query_one(dsn, before) == "t");
  CHECK(query_one(dsn, "select string_agg(kind || ' ' || channel || ' ' || status, ',') from flow.alerts") ==
        "failure command delivered");
}

TEST_CASE("worker: a channel hanging for one run does not delay another run's alert") {
  std::string dsn = fresh_database("worker_alert_lanes");
  // Two workflows failing to two routes: `slow`'s command hangs for 8 s,
  // `quick`'s returns at once; each writes when it ended (epoch seconds).
  std::string project = write_project("worker_alert_lanes", {{"l.flow", R"FLOW(target warehouse {
  dsn = env("WORKER_TEST_DSN")
}

route slow_pager {
  owner  = "data-eng"
  notify = [command(["sh", "-c", "cat >/dev/null; sleep 8; date +%s.%N > slow_ended"])]
}

route quick_pager {
  owner  = "data-eng"
  notify = [command(["sh", "-c", "cat >/dev/null; date +%s.%N > quick_ended"])]
}

workflow slow {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(slow_pager)
  param ds: date = logical_date

  task fails {
    run = command(["sh", "-c", "exit 3"])
  }
}

workflow quick {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(quick_pager)
  param ds: date = logical_date

  task fails {
    run = command(["sh", "-c", "exit 3"])
  }
}
)FLOW"}});
  std::vector<std::string> env = {"WORKER_TEST_DSN=" + dsn};
  Background worker = start_flowc(project, {"worker", ".", "--slots", "1"}, env);
  REQUIRE(listening(dsn, 1));
  // `slow` fails first: its alert hangs in the worker while `quick` runs and fails.
  for (const char* workflow : {"slow", "quick"}) {
    auto run = run_flowc(project, {"run", ".", "--workflow", workflow, "--ds", "2026-11-02", "--concurrency", "0"}, env);
    INFO(run.output);
    CHECK(run.exit_code == 1);
  }
  const std::filesystem::path dir(project);
  REQUIRE(wait_for_file(dir / "quick_ended", 30));
  ::kill(worker.pid, SIGTERM);
  CHECK(worker.wait() == 0);
  INFO(worker.output());
  REQUIRE(std::filesystem::exists(dir / "slow_ended"));
  auto epoch = [](const std::filesystem::path& file) {
    std::ifstream in(file);
    double seconds = 0;
    in >> seconds;
    return seconds;
  };
  // With one lane for the whole worker, `quick`'s page waited for `slow`'s to end.
  CHECK(epoch(dir / "quick_ended") < epoch(dir / "slow_ended"));
  CHECK(query_one(dsn, "select string_agg(route || ' ' || status, ', ' order by route) from flow.alerts") ==
        "quick_pager delivered, slow_pager delivered");
}

TEST_CASE("worker: no state database is one line and exit 2, and a bad --slots is a usage error") {
  std::string project = write_project("worker_usage", fan_out_project(1, "0"));
  auto none = run_flowc(project, {"worker", "."});
  INFO(none.output);
  CHECK(none.exit_code == 2);
  CHECK(std::count(none.output.begin(), none.output.end(), '\n') == 1);
  auto unreachable = run_flowc(project, {"worker", ".", "--state-dsn",
                                        "host=/nonexistent port=1 user=x password=hunter2 dbname=y"});
  INFO(unreachable.output);
  CHECK(unreachable.exit_code == 2);
  CHECK(std::count(unreachable.output.begin(), unreachable.output.end(), '\n') == 1);
  CHECK(contains(unreachable.output, "flowc: cannot reach the state database: "));
  CHECK_FALSE(contains(unreachable.output, "hunter2"));
  auto slots = run_flowc(project, {"worker", ".", "--slots", "0"});
  CHECK(slots.exit_code == 2);
  CHECK(contains(slots.output, "--slots"));
}
