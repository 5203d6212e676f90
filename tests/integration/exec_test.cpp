// The execution model against a real PostgreSQL: scheduling, retries,
// readiness, fencing, NOTIFY and run locks, with the fakes of exec_support.h.
// exec_recovery_test.cpp has the crash, restart and bookkeeping cases.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <thread>

#include "tests/integration/exec_support.h"

using namespace flowc::testing::exec_support;

namespace {

/// Makes task 0 of `p` a source that waits on `ready = row_count() > 0`:
/// probed every second, for `wait_seconds` from the run's start.
void make_waiting_source(plan::Plan& p, int64_t wait_seconds) {
  p.tasks[0].kind = plan::TaskKind::Source;
  p.tasks[0].readiness = plan::Readiness{};
  p.tasks[0].readiness->wait_seconds = wait_seconds;
  p.tasks[0].readiness->poll_seconds = 1;
  p.tasks[0].readiness->text = "row_count() > 0";
}

}  // namespace

TEST_CASE("a chain and a diamond run in dependency order and the run succeeds") {
  Harness h;
  // a -> b -> c, and a -> {d, e} -> f
  plan::Plan p = make_plan({{"a", {}}, {"b", {0}}, {"c", {1}}, {"d", {0}}, {"e", {0}}, {"f", {3, 4}}});
  exec::RunResult result = h.run(p);
  REQUIRE_MESSAGE(result.outcome == exec::RunResult::Outcome::Finished, result.message);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(exec::exit_code(result) == 0);
  CHECK(result.summary.task_states == std::vector<TaskState>(6, TaskState::Succeeded));
  CHECK(result.summary.task_attempts == std::vector<uint32_t>(6, 1));
  for (size_t i = 0; i < p.tasks.size(); ++i) {
    Call call = only(h.runner.calls_of(p.tasks[i].name));
    for (uint32_t dep : p.tasks[i].deps)
      CHECK_MESSAGE(only(h.runner.calls_of(p.tasks[dep].name)).end <= call.start,
                    p.tasks[i].name << " started before " << p.tasks[dep].name << " ended");
  }
  CHECK(h.scalar("select status from flow.runs") == "succeeded");
  CHECK(h.scalar("select count(*) from flow.attempts where outcome = 'succeeded'") == "6");
  CHECK(h.scalar("select log_path from flow.attempts where task = 'f'") ==
        h.logs + "/" + std::to_string(result.summary.run_id) + "/f.1.log");
  CHECK(h.alerts.incidents().empty());
  CHECK(h.observer.finished_);
  int succeeded_events = 0;
  for (const TaskEvent& e : h.observer.events()) succeeded_events += e.state == TaskState::Succeeded;
  CHECK(succeeded_events == 6);
}

TEST_CASE("every task of a wide DAG with joins runs once, after all its dependencies, with 8 executors") {
  Harness h;
  // 80 tasks; task i depends on one to three earlier ones (a fixed
  // pseudo-random pattern): fan-outs the hand-off splits between
  // executors, and joins whose upstreams finish at the same moment.
  std::vector<std::pair<std::string, std::vector<uint32_t>>> tasks;
  uint32_t seed = 12345;
  auto next = [&seed] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff; };
  for (uint32_t i = 0; i < 80; ++i) {
    std::vector<uint32_t> deps;
    for (uint32_t k = 0, n = i < 4 ? 0 : 1 + next() % 3; k < n; ++k) {
      uint32_t dep = next() % i;
      if (std::find(deps.begin(), deps.end(), dep) == deps.end()) deps.push_back(dep);
    }
    tasks.push_back({"t" + std::to_string(i), deps});
  }
  plan::Plan p = make_plan(tasks);
  h.runner.work = 2ms;
  exec::RunRequest request = h.request(p);
  request.concurrency = 8;
  exec::RunResult result = exec::execute_run(request);
  REQUIRE_MESSAGE(result.outcome == exec::RunResult::Outcome::Finished, result.message);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(result.stale_writes == 0);
  for (size_t i = 0; i < p.tasks.size(); ++i) {
    std::vector<Call> calls = h.runner.calls_of(p.tasks[i].name);
    REQUIRE_MESSAGE(calls.size() == 1, p.tasks[i].name << " ran " << calls.size() << " times");
    for (uint32_t dep : p.tasks[i].deps)
      CHECK_MESSAGE(only(h.runner.calls_of(p.tasks[dep].name)).end <= calls[0].start,
                    p.tasks[i].name << " started before " << p.tasks[dep].name << " ended");
  }
  CHECK(h.scalar("select count(*) from flow.attempts where outcome = 'succeeded' and attempt = 1") == "80");
  CHECK(h.runner.max_in_flight() > 1);  // the work was shared
}

TEST_CASE("the concurrency limit is honoured") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}, {"b", {}}, {"c", {}}, {"d", {}}, {"e", {}}, {"f", {}}});
  h.runner.work = 150ms;
  exec::RunRequest request = h.request(p);
  request.concurrency = 2;
  exec::RunResult result = exec::execute_run(request);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(h.runner.max_in_flight() == 2);
}

TEST_CASE("a failure blocks its downstream while an independent branch finishes") {
  Harness h;
  // a -> b -> c fails at a; d -> e is independent and slower.
  plan::Plan p = make_plan({{"a", {}}, {"b", {0}}, {"c", {1}}, {"d", {}}, {"e", {3}}});
  p.tasks[0].retry.retries = 2;
  h.runner.behaviour["a"] = [](const AttemptContext&, int) {
    return failed(ErrorClass::Permanent, "syntax error at or near \"selec\"");
  };
  h.runner.behaviour["d"] = [](const AttemptContext&, int) {
    std::this_thread::sleep_for(300ms);
    return succeeded();
  };
  exec::RunResult result = h.run(p);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.status == RunStatus::Failed);
  CHECK(result.summary.task_states == states({TaskState::Failed, TaskState::UpstreamFailed, TaskState::UpstreamFailed,
                                              TaskState::Succeeded, TaskState::Succeeded}));
  CHECK(result.summary.task_errors[1] == "upstream a failed");
  CHECK(exec::exit_code(result) == 1);
  CHECK(h.runner.calls_of("a").size() == 1);  // permanent: no retry
  CHECK(h.runner.calls_of("b").empty());
  CHECK(h.runner.calls_of("c").empty());
  auto incidents = h.alerts.incidents();
  REQUIRE(incidents.size() == 1);  // blocked tasks raise none of their own
  CHECK(incidents[0].kind == Incident::Kind::Failure);
  CHECK(incidents[0].task == 0u);
  CHECK(incidents[0].error_class == ErrorClass::Permanent);
  CHECK(incidents[0].message == "syntax error at or near \"selec\"");
  CHECK(h.scalar("select status from flow.runs") == "failed");
}

TEST_CASE("transient errors retry with backoff and permanent ones do not") {
  Harness h;
  plan::Plan p = make_plan({{"flaky", {}}, {"broken", {}}, {"any", {}}, {"bad_data", {}}});
  for (auto& task : p.tasks) {
    task.retry.retries = 2;
    task.retry.exponential = false;
    task.retry.initial_seconds = 1;
  }
  p.tasks[2].retry.on_any = true;
  p.tasks[3].retry.on_any = true;
  h.runner.behaviour["flaky"] = [](const AttemptContext&, int call) {
    return call < 3 ? failed(ErrorClass::Transient, "could not serialize access") : succeeded();
  };
  h.runner.behaviour["broken"] = [](const AttemptContext&, int) {
    return failed(ErrorClass::Permanent, "division by zero");
  };
  h.runner.behaviour["any"] = [](const AttemptContext&, int call) {
    return call < 2 ? failed(ErrorClass::Permanent, "exit 1") : succeeded();
  };
  h.runner.behaviour["bad_data"] = [](const AttemptContext&, int) {
    AttemptResult r = failed(ErrorClass::Permanent, "expectation row_count() > 0 failed");
    r.expectation_failed = true;
    return r;
  };
  exec::RunResult result = h.run(p);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.task_states ==
        states({TaskState::Succeeded, TaskState::Failed, TaskState::Succeeded, TaskState::Failed}));
  auto flaky = h.runner.calls_of("flaky");
  REQUIRE(flaky.size() == 3);
  CHECK(flaky[0].attempt == 1);
  CHECK(flaky[2].attempt == 3);
  for (size_t i = 1; i < flaky.size(); ++i)
    CHECK(flaky[i].start - flaky[i - 1].end >= 700ms);  // 1s backoff, jitter at most -25%
  CHECK(h.runner.calls_of("broken").size() == 1);
  CHECK(h.runner.calls_of("any").size() == 2);       // on_any retries a permanent error
  CHECK(h.runner.calls_of("bad_data").size() == 1);  // ... but never bad data
  CHECK(h.scalar("select string_agg(outcome || ':' || coalesce(error_class, '-'), ',' order by attempt) "
                 "from flow.attempts where task = 'flaky'") == "failed:transient,failed:transient,succeeded:-");
  CHECK(result.summary.task_attempts[0] == 3);
}

TEST_CASE("a source that never gets ready fails its dependents with one incident") {
  Harness h;
  plan::Plan p = make_plan({{"orders", {}}, {"load", {0}}, {"report", {1}}, {"other", {}}});
  make_waiting_source(p, 2);
  h.runner.behaviour["orders"] = [](const AttemptContext&, int) { return not_ready(); };
  exec::RunResult result = h.run(p);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.status == RunStatus::Failed);
  CHECK(result.summary.task_states == states({TaskState::TimedOut, TaskState::UpstreamFailed,
                                              TaskState::UpstreamFailed, TaskState::Succeeded}));
  CHECK(result.summary.task_errors[0] == "source orders not ready after 2s (ready: row_count() > 0)");
  CHECK(h.scalar("select state from flow.task_runs where task = 'orders'") == "timed_out");
  // The dependents fail with a readiness timeout (runtime.md), and say so.
  CHECK(result.summary.task_errors[1] ==
        "readiness timeout: source orders not ready after 2s (ready: row_count() > 0)");
  CHECK(h.scalar("select message from flow.task_runs where task = 'report'") ==
        "readiness timeout: source orders not ready after 2s (ready: row_count() > 0)");
  auto probes = h.runner.calls_of("orders");
  CHECK(probes.size() >= 2);
  CHECK(probes.size() <= 4);
  CHECK(probes.back().start - probes.front().start >= 1500ms);
  for (const Call& probe : probes) CHECK(probe.attempt == 1);  // probes are not attempts
  auto incidents = h.alerts.incidents();
  REQUIRE(incidents.size() == 1);
  CHECK(incidents[0].task == 0u);
  CHECK(incidents[0].error_class == ErrorClass::Timeout);
  CHECK(incidents[0].duration >= 2s);  // the whole wait, not its last probe
  // The probe's log ends with how the wait ended, which the page points to.
  CHECK(h.runner.notes() ==
        std::vector<std::string>{incidents[0].log_path +
                                 ": timed_out (timeout): source orders not ready after 2s "
                                 "(ready: row_count() > 0)"});
  CHECK(h.scalar("select error_class from flow.task_runs where task = 'orders'") == "timeout");
  // Its one attempt row spans the wait too: `status` shows it from the first probe.
  CHECK(h.scalar("select count(*) from flow.attempts where task = 'orders'") == "1");
  CHECK(h.scalar("select extract(epoch from finished_at - started_at) >= 1.5 from flow.attempts "
                 "where task = 'orders'") == "t");
  bool waited = false;
  for (const TaskEvent& e : h.observer.events()) waited = waited || (e.task == 0 && e.state == TaskState::Waiting);
  CHECK(waited);
}

TEST_CASE("a source whose table has not landed says so while it waits and when the wait runs out") {
  Harness h;
  plan::Plan p = make_plan({{"orders", {}}, {"load", {0}}});
  make_waiting_source(p, 2);
  h.runner.behaviour["orders"] = [](const AttemptContext&, int) {
    AttemptResult r = not_ready();
    r.sqlstate = "42P01";
    r.message = "relation \"raw.orders\" does not exist";
    return r;
  };
  exec::RunResult result = h.run(p);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.task_states == states({TaskState::TimedOut, TaskState::UpstreamFailed}));
  CHECK(result.summary.task_errors[0] ==
        "source orders not ready after 2s (ready: row_count() > 0): relation \"raw.orders\" does not exist");
  CHECK(h.scalar("select sqlstate from flow.attempts where task = 'orders'") == "42P01");
  bool said_why = false;
  for (const TaskEvent& e : h.observer.events())
    said_why = said_why || (e.task == 0 && e.state == TaskState::Waiting &&
                            e.message ==
                                "source orders not ready: relation \"raw.orders\" does not exist; checked "
                                "every 1s, for up to 2s from the run's start");
  CHECK(said_why);
}

TEST_CASE(
    "a source that is not ready says which condition and which values while it waits and when it gives up") {
  Harness h;
  plan::Plan p = make_plan({{"orders", {}}, {"load", {0}}});
  make_waiting_source(p, 2);
  h.runner.behaviour["orders"] = [](const AttemptContext&, int) {
    AttemptResult r = not_ready();
    r.readiness_values = "row_count() = 0";
    r.message = "not ready: row_count() > 0 (row_count() = 0)";
    return r;
  };
  exec::RunResult result = h.run(p);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.task_errors[0] ==
        "source orders not ready after 2s (ready: row_count() > 0; last read: row_count() = 0)");
  bool said_why = false;
  for (const TaskEvent& e : h.observer.events())
    said_why = said_why || (e.task == 0 && e.state == TaskState::Waiting &&
                            e.message ==
                                "source orders not ready: row_count() > 0 (row_count() = 0); checked every "
                                "1s, for up to 2s from the run's start");
  CHECK(said_why);
  // A retry's waits count from the retry's start, and it says so.
  exec::RunResult retried = exec::retry_run(h.request(p), {result.summary.run_id, ""});
  REQUIRE_MESSAGE(retried.outcome == exec::RunResult::Outcome::Finished, retried.message);
  bool said_retry = false;
  for (const TaskEvent& e : h.observer.events())
    said_retry = said_retry || (e.task == 0 && e.state == TaskState::Waiting &&
                                e.message.ends_with("checked every 1s, for up to 2s from the retry's start"));
  CHECK(said_retry);
}

TEST_CASE("a source that becomes ready lets its dependents run") {
  Harness h;
  plan::Plan p = make_plan({{"orders", {}}, {"load", {0}}});
  make_waiting_source(p, 30);
  h.runner.behaviour["orders"] = [](const AttemptContext&, int call) { return call < 2 ? not_ready() : succeeded(); };
  exec::RunResult result = h.run(p);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(h.runner.calls_of("orders").size() == 2);
  CHECK(h.runner.calls_of("load").size() == 1);
}

TEST_CASE("a task waiting on another workflow whose run of the day failed says so while it waits") {
  Harness h;
  plan::Plan upstream = make_plan({{"publish", {}}}, "orders_etl");
  h.runner.behaviour["publish"] = [](const AttemptContext&, int) {
    return failed(ErrorClass::Permanent, "boom");
  };
  exec::RunResult first = h.run(upstream);
  REQUIRE(first.summary.status == RunStatus::Failed);
  plan::Plan p = make_plan({{"load", {}}});
  p.tasks[0].external.push_back({"orders_etl", "publish", 1, 1});
  exec::RunResult result = h.run(p);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  const std::string failed_run = std::to_string(first.summary.run_id);
  bool said = false;
  for (const TaskEvent& e : h.observer.events())
    said = said || (e.state == TaskState::Waiting &&
                    e.message.find("has not succeeded for 2026-11-24 (its run " + failed_run +
                                   " for the day failed: `flowc retry " + failed_run +
                                   "` finishes it); checked every") != std::string::npos);
  CHECK(said);
}

TEST_CASE("in an environment, a cross-workflow wait names the environment its success is awaited in") {
  Harness h;
  plan::Plan upstream = make_plan({{"publish", {}}}, "orders_etl");
  REQUIRE(h.run(upstream).summary.status == RunStatus::Succeeded);  // in production: not what dev waits for
  plan::Plan p = make_plan({{"load", {}}});
  p.env = "dev";
  p.tasks[0].external.push_back({"orders_etl", "publish", 1, 1});
  exec::RunResult result = h.run(p);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.task_errors[0] ==
        "task publish of workflow orders_etl has not succeeded for 2026-11-24 in dev after 1s");
}

TEST_CASE("a cross-workflow dependency that never succeeds fails clearly") {
  Harness h;
  plan::Plan p = make_plan({{"load", {}}});
  p.tasks[0].external.push_back({"orders_etl", "publish", 1, 1});
  exec::RunResult result = h.run(p);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.task_states == states({TaskState::TimedOut}));
  CHECK(result.summary.task_errors[0] ==
        "task publish of workflow orders_etl has not succeeded for 2026-11-24 after 1s");
  CHECK(h.runner.calls_of("load").empty());
  // While it waited, it said for how long it may.
  bool said_how_long = false;
  for (const TaskEvent& e : h.observer.events())
    said_how_long =
        said_how_long || (e.task == 0 && e.state == TaskState::Waiting &&
                          e.message ==
                              "task publish of workflow orders_etl has not succeeded for 2026-11-24; "
                              "checked every 1s, for up to 1s from the run's start");
  CHECK(said_how_long);
  REQUIRE(h.alerts.incidents().size() == 1);
  // Nothing ran, but the wait's end is written to the attempt's log, which
  // the page names: the attempt that ran out has one.
  const std::string log_path = h.alerts.incidents()[0].log_path;
  CHECK(log_path.ends_with("/load.1.log"));
  CHECK(h.scalar("select string_agg(attempt || ':' || coalesce(log_path, ''), ',' order by attempt) from "
                 "flow.attempts where task = 'load' and log_path <> ''") == "1:" + log_path);
  CHECK(h.runner.notes() ==
        std::vector<std::string>{log_path + ": timed_out (timeout): task publish of workflow "
                                            "orders_etl has not succeeded for 2026-11-24 after 1s"});

  // Once orders_etl.publish has succeeded for that ds, the dependency holds.
  plan::Plan upstream = make_plan({{"publish", {}}}, "orders_etl");
  REQUIRE(h.run(upstream).summary.status == RunStatus::Succeeded);
  exec::RunResult again = h.run(p);
  CHECK(again.summary.status == RunStatus::Succeeded);
  CHECK(h.runner.calls_of("load").size() == 1);
}

TEST_CASE(
    "a task waiting on another workflow's task starts when that success is announced, not at its next poll") {
  Harness h;
  plan::Plan p = make_plan({{"load", {}}});
  p.tasks[0].external.push_back({"orders_etl", "publish", 120, 60});  // probed again after a minute
  exec::RunResult waited;
  std::jthread waiting([&] { waited = h.run(p); });
  auto load_waits = [&] {
    try {
      return h.scalar("select count(*) from flow.task_runs where task = 'load' and state = 'waiting'") == "1";
    } catch (const std::exception&) {
      return false;  // the run has not created the state tables yet
    }
  };
  for (int i = 0; i < 600 && !load_waits(); ++i) std::this_thread::sleep_for(50ms);
  REQUIRE(load_waits());

  plan::Plan upstream = make_plan({{"publish", {}}}, "orders_etl");
  upstream.tasks[0].announce_success = true;  // lowering's word: another workflow waits on it
  exec::RunRequest other = h.request(upstream);
  other.worker = "upstream";
  // Its sessions write dates as 24/11/2026: the announcement's ds must not.
  ::setenv("PGDATESTYLE", "SQL, DMY", 1);
  exec::RunResult announced = exec::execute_run(other);
  ::unsetenv("PGDATESTYLE");
  REQUIRE(announced.summary.status == RunStatus::Succeeded);
  waiting.join();
  CHECK(waited.summary.status == RunStatus::Succeeded);
  CHECK(h.runner.calls_of("load").size() == 1);
  // Started on the announcement, not at the poll a minute after its first probe.
  CHECK(h.scalar("select (select finished_at from flow.task_runs where task = 'load') - "
                 "(select finished_at from flow.task_runs where task = 'publish') < interval '30 seconds'") ==
        "t");
}

TEST_CASE("one incident per failed task after its last attempt") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}, {"b", {}}, {"c", {0, 1}}});
  for (auto& task : p.tasks) {
    task.retry.retries = 1;
    task.retry.initial_seconds = 0;
  }
  h.runner.behaviour["a"] = [](const AttemptContext&, int) { return failed(ErrorClass::Transient, "deadlock"); };
  h.runner.behaviour["b"] = [](const AttemptContext&, int) { return failed(ErrorClass::Timeout, "timeout"); };
  exec::RunResult result = h.run(p);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.task_states == states({TaskState::Failed, TaskState::TimedOut, TaskState::UpstreamFailed}));
  auto incidents = h.alerts.incidents();
  REQUIRE(incidents.size() == 2);
  for (const Incident& incident : incidents) {
    CHECK(incident.kind == Incident::Kind::Failure);
    CHECK(incident.attempt == (incident.task == 0u ? 2u : 1u));
  }
  CHECK(incidents[0].task != incidents[1].task);
  // The transient failure was retried, the timeout not (runtime.md: only
  // transient errors retry by default): each alerted once, after its last attempt.
  CHECK(h.runner.calls_of("a").size() == 2);
  CHECK(h.runner.calls_of("b").size() == 1);
}

TEST_CASE("a warn-level expectation failure succeeds and raises a warning") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}});
  h.runner.behaviour["a"] = [](const AttemptContext&, int) {
    AttemptResult r = succeeded();
    r.warnings = true;
    r.expectations = {{"few nulls", true, {{"null_rate(x)", "0.4"}}, false}};
    return r;
  };
  exec::RunResult result = h.run(p);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(result.summary.warnings == 1);
  auto incidents = h.alerts.incidents();
  REQUIRE(incidents.size() == 1);
  CHECK(incidents[0].kind == Incident::Kind::Warning);
  CHECK(incidents[0].message == "expectation failed: few nulls");
  CHECK(h.scalar("select value || ':' || passed from flow.expectation_results") == "0.4:false");
}

TEST_CASE("an executor that loses its lease stops its attempt and its write is fenced") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}, {"b", {0}}});
  p.tasks[0].retry.retries = 1;
  p.tasks[0].retry.initial_seconds = 0;
  std::string dsn = h.dsn;
  h.runner.behaviour["a"] = [dsn](const AttemptContext& context, int call) {
    if (call > 1) return succeeded();
    {
      // Another executor reclaims the task: the lease token changes.
      pqxx::connection c(dsn);
      pqxx::nontransaction tx(c);
      tx.exec("update flow.task_runs set lease_token = gen_random_uuid() where task = 'a'");
    }
    auto deadline = SteadyClock::now() + 10s;
    while (!context.stop.stop_requested() && SteadyClock::now() < deadline) std::this_thread::sleep_for(10ms);
    return cancelled();
  };
  exec::RunRequest request = h.request(p);
  request.lease = 900ms;
  request.poll = 200ms;
  exec::RunResult result = exec::execute_run(request);
  REQUIRE_MESSAGE(result.outcome == exec::RunResult::Outcome::Finished, result.message);
  auto calls = h.runner.calls_of("a");
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].stop_requested);
  CHECK(calls[0].end - calls[0].start < 2s);  // stopped at the next heartbeat, not after 10 s
  CHECK(result.stale_writes == 1);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(result.summary.task_attempts[0] == 2);
  CHECK(h.scalar("select outcome from flow.attempts where task = 'a' and attempt = 1") == "lost");
  // The fenced attempt's own log says its outcome was not taken.
  CHECK(h.runner.notes() ==
        std::vector<std::string>{
            h.logs + "/" + std::to_string(result.summary.run_id) +
            "/a.1.log: not recorded: the lease on this task was lost (another executor took it "
            "over), so this outcome was rejected as a stale write"});
}

TEST_CASE("NOTIFY hands a dependent over well before the poll interval") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}, {"b", {0}}});
  // Another worker (this test) claims `a` before the executors start, and
  // finishes it later: only the NOTIFY can tell the idle executors.
  state::StateStore remote(h.dsn, "flow");
  std::optional<state::Claim> claim;
  std::thread finisher;
  std::atomic<int64_t> finished_at_ns{0};
  h.observer.started_hook = [&](int64_t run_id) {
    state::ClaimRequest r;
    r.run_id = run_id;
    r.owner = "remote:1:0";
    r.log_dir = "";
    claim = remote.claim(r).claim;
    REQUIRE(claim);
    REQUIRE(claim->task == "a");
    finisher = std::thread([&] {
      std::this_thread::sleep_for(1500ms);
      state::Finish f;
      f.run_id = claim->run_id;
      f.task = claim->task;
      f.token = claim->token;
      f.attempt = claim->attempt;
      f.state = TaskState::Succeeded;
      f.outcome = "succeeded";
      f.dependents = {1};  // b, as the plan says
      bool applied = remote.finish(f).applied;
      finished_at_ns = SteadyClock::now().time_since_epoch().count();
      CHECK(applied);
    });
  };
  exec::RunRequest request = h.request(p);
  request.poll = 6s;
  auto started = SteadyClock::now();
  exec::RunResult result = exec::execute_run(request);
  finisher.join();
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(h.runner.calls_of("a").empty());
  Call b = only(h.runner.calls_of("b"));
  auto handoff = b.start - SteadyClock::time_point(SteadyClock::duration(finished_at_ns.load()));
  CHECK(handoff < 1500ms);                      // the poll would take until ~6 s after the start
  CHECK(b.start - started < 4s);
}

TEST_CASE("of two concurrent runs of the same workflow and ds and env the second refuses") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}});
  std::atomic<bool> entered{false}, release{false};
  h.runner.behaviour["a"] = [&](const AttemptContext&, int) {
    entered = true;
    while (!release) std::this_thread::sleep_for(10ms);
    return succeeded();
  };
  exec::RunResult first;
  std::thread running([&] { first = h.run(p); });
  while (!entered) std::this_thread::sleep_for(10ms);
  FakeRunner other_runner;
  exec::RunRequest second_request = h.request(p);
  second_request.runner = &other_runner;
  exec::RunResult second = exec::execute_run(second_request);
  release = true;
  running.join();
  CHECK(second.outcome == exec::RunResult::Outcome::Refused);
  CHECK(exec::exit_code(second) == 2);
  CHECK(second.message == "a run of daily_kpi for 2026-11-24 is already in progress (run " +
                              std::to_string(first.summary.run_id) + ")");
  CHECK(other_runner.calls().empty());
  CHECK(first.outcome == exec::RunResult::Outcome::Finished);
  CHECK(first.summary.status == RunStatus::Succeeded);
  CHECK(h.scalar("select count(*) from flow.runs") == "1");
}

TEST_CASE("retry delays are fixed or exponential and capped with bounded jitter") {
  plan::RetryPolicy fixed;
  fixed.exponential = false;
  fixed.initial_seconds = 10;
  CHECK(exec::retry_delay(fixed, 3, 0.999) <= 10s);
  CHECK(exec::retry_delay(fixed, 3, 0.0) == 7500ms);
  plan::RetryPolicy exponential;
  exponential.initial_seconds = 30;
  exponential.max_seconds = 600;
  CHECK(exec::retry_delay(exponential, 1, 0.0) == 22500ms);
  CHECK(exec::retry_delay(exponential, 2, 0.0) == 45000ms);
  CHECK(exec::retry_delay(exponential, 3, 0.0) == 90000ms);
  CHECK(exec::retry_delay(exponential, 30, 0.0) == 450000ms);  // capped at 600 s before jitter
  // A readiness wait that ran out says how long it waited as `.flow` spells it.
  CHECK(exec::decide_not_ready(90s, 10s, 91000ms, "source s not ready").message ==
        "source s not ready after 1m30s");
  CHECK(exec::decide_not_ready(3601s, 10s, 3602000ms, "source s not ready").message ==
        "source s not ready after 1h1s");
}

TEST_CASE("runs of two state databases with the same id never share a log directory, nor do their retries") {
  Harness one, two;
  two.logs = one.logs;  // one project, two state databases: both runs are run 1
  plan::Plan p = make_plan({{"a", {}}});
  std::vector<std::string> paths;
  std::mutex mutex;
  auto record_path = [&](const AttemptContext& context, int) {
    std::lock_guard lock(mutex);
    paths.push_back(context.log_path);
    return paths.size() == 2 ? failed(ErrorClass::Permanent, "boom") : succeeded();
  };
  one.runner.behaviour["a"] = record_path;
  two.runner.behaviour["a"] = record_path;
  exec::RunResult first = one.run(p);
  exec::RunResult second = two.run(p);
  REQUIRE(first.summary.run_id == 1);
  REQUIRE(second.summary.run_id == 1);
  CHECK(second.summary.status == RunStatus::Failed);
  exec::RunResult retried = exec::retry_run(two.request(p), {1, ""});
  REQUIRE_MESSAGE(retried.outcome == exec::RunResult::Outcome::Finished, retried.message);
  CHECK(retried.summary.status == RunStatus::Succeeded);
  // Again run 1 of the first database: its own directory.
  exec::RunResult again = exec::retry_run(one.request(p), {1, "a"});
  REQUIRE_MESSAGE(again.outcome == exec::RunResult::Outcome::Finished, again.message);

  CHECK(paths == std::vector<std::string>{one.logs + "/1/a.1.log", one.logs + "/1-2/a.1.log",
                                          one.logs + "/1-2/a.2.log", one.logs + "/1/a.2.log"});
  // What the state databases record is where the logs went.
  CHECK(one.scalar("select string_agg(log_path, ' ' order by attempt) from flow.attempts") ==
        one.logs + "/1/a.1.log " + one.logs + "/1/a.2.log");
  CHECK(two.scalar("select string_agg(log_path, ' ' order by attempt) from flow.attempts") ==
        one.logs + "/1-2/a.1.log " + one.logs + "/1-2/a.2.log");
}

TEST_CASE("an attempt whose log could not be written says so in its record and to the operator") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}, {"b", {}}});
  h.runner.behaviour["a"] = [](const AttemptContext& context, int) {
    AttemptResult r = succeeded();
    r.log_error = "cannot write " + context.log_path + ": No space left on device";
    return r;
  };
  h.runner.behaviour["b"] = [](const AttemptContext& context, int) {
    AttemptResult r = failed(ErrorClass::Permanent, "boom");
    r.log_error = "cannot write " + context.log_path + ": No space left on device";
    return r;
  };
  exec::RunResult result = h.run(p);
  REQUIRE_MESSAGE(result.outcome == exec::RunResult::Outcome::Finished, result.message);
  CHECK(result.summary.task_states == std::vector<TaskState>{TaskState::Succeeded, TaskState::Failed});
  const std::string a_log = h.logs + "/1/a.1.log", b_log = h.logs + "/1/b.1.log";
  CHECK(h.scalar("select message from flow.attempts where task = 'a'") ==
        "its log could not be written: cannot write " + a_log + ": No space left on device");
  CHECK(h.scalar("select message from flow.attempts where task = 'b'") ==
        "boom; its log could not be written: cannot write " + b_log + ": No space left on device");
  // The task's own message (and its alert) stays the error.
  CHECK(h.scalar("select message from flow.task_runs where task = 'b'") == "boom");
  std::vector<std::string> notices = h.observer.notices();
  std::sort(notices.begin(), notices.end());
  CHECK(notices == std::vector<std::string>{"a attempt 1: its log could not be written: cannot write " +
                                                a_log + ": No space left on device",
                                            "b attempt 1: its log could not be written: cannot write " +
                                                b_log + ": No space left on device"});
}

TEST_CASE("a log directory that cannot be made refuses the run before it is created") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}});
  std::ofstream(h.logs + "/file") << "in the way\n";
  exec::RunRequest request = h.request(p);
  request.log_dir = h.logs + "/file/logs";
  exec::RunResult result = exec::execute_run(request);
  CHECK(result.outcome == exec::RunResult::Outcome::Error);
  CHECK(exec::exit_code(result) == 2);
  CHECK(result.message ==
        "the attempt log directory " + h.logs + "/file/logs cannot be created: Not a directory");
  CHECK(h.runner.calls().empty());
  // Refused before the state schema was even touched.
  CHECK(h.scalar("select count(*) from pg_namespace where nspname = 'flow'") == "0");
}

TEST_CASE("a run whose alerts take more than a moment to deliver says it has ended and is delivering them") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}});
  h.runner.behaviour["a"] = [](const AttemptContext&, int) { return failed(ErrorClass::Permanent, "boom"); };
  h.alerts.delay = 2500ms;  // a channel slower than the moment the run waits silently
  exec::RunResult result = h.run(p);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  const std::string said =
      "run " + std::to_string(result.summary.run_id) +
      " has ended (failed); its alerts are still being delivered (each channel tries up to 3 "
      "times)";
  CHECK(h.observer.notices() == std::vector<std::string>{said});
  CHECK(h.alerts.incidents().size() == 1);  // delivered all the same

  Harness quick;  // delivered at once: nothing to say
  quick.runner.behaviour["a"] = h.runner.behaviour["a"];
  quick.run(p);
  CHECK(quick.observer.notices().empty());
}
