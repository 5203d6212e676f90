// The execution model against a real PostgreSQL: scheduling, retries,
// readiness, fencing and NOTIFY, with a fake task runner (the runner is not
// what is tested here) and fake alert sink and observer.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <thread>

#include "runtime/exec/exec.h"
#include "runtime/localpg/localpg.h"
#include "runtime/exec/policy.h"
#include "runtime/state/store.h"
#include "tests/support/pg_harness.h"

namespace {

using namespace flowc;
using namespace flowc::runtime;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

// A plan of command tasks: {name, deps}.
plan::Plan make_plan(const std::vector<std::pair<std::string, std::vector<uint32_t>>>& tasks,
                     std::string workflow = "daily_kpi") {
  plan::Plan p;
  p.workflow = workflow;
  p.ds = "2026-11-24";
  p.hash = "test";
  p.concurrency = 4;
  for (const auto& [name, deps] : tasks) {
    plan::Task task;
    task.name = name;
    task.kind = plan::TaskKind::Command;
    task.deps = deps;
    p.tasks.push_back(task);
  }
  return p;
}

AttemptResult succeeded() {
  AttemptResult r;
  r.outcome = AttemptResult::Outcome::Succeeded;
  r.error_class = ErrorClass::None;
  return r;
}

AttemptResult failed(ErrorClass error_class, std::string message) {
  AttemptResult r;
  r.outcome = AttemptResult::Outcome::Failed;
  r.error_class = error_class;
  r.message = std::move(message);
  return r;
}

AttemptResult not_ready() {
  AttemptResult r;
  r.outcome = AttemptResult::Outcome::NotReady;
  r.error_class = ErrorClass::None;
  return r;
}

struct Call {
  std::string task;
  uint32_t attempt = 0;
  SteadyClock::time_point start, end;
  bool stop_requested = false;
};

// Runs each task's behaviour (default: succeed after `work`), recording calls
// and the highest number of attempts in flight at once.
class FakeRunner : public TaskRunner {
 public:
  using Behaviour = std::function<AttemptResult(const AttemptContext&, int call)>;
  std::map<std::string, Behaviour> behaviour;
  std::chrono::milliseconds work{20};

  AttemptResult run(const AttemptContext& context) override {
    const std::string& name = context.plan->tasks[context.task].name;
    int call;
    {
      std::lock_guard lock(mutex_);
      call = ++counts_[name];
      max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
    }
    Call record{name, context.attempt, SteadyClock::now(), {}, false};
    AttemptResult result;
    if (auto it = behaviour.find(name); it != behaviour.end()) {
      result = it->second(context, call);
    } else {
      std::this_thread::sleep_for(work);
      result = succeeded();
    }
    record.end = SteadyClock::now();
    record.stop_requested = context.stop.stop_requested();
    std::lock_guard lock(mutex_);
    --in_flight_;
    calls_.push_back(record);
    return result;
  }
  std::vector<Call> calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::vector<Call> calls_of(const std::string& task) {
    std::vector<Call> out;
    for (const Call& c : calls())
      if (c.task == task) out.push_back(c);
    return out;
  }
  int max_in_flight() {
    std::lock_guard lock(mutex_);
    return max_in_flight_;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, int> counts_;
  int in_flight_ = 0, max_in_flight_ = 0;
  std::vector<Call> calls_;
};

class FakeAlerts : public AlertSink {
 public:
  void raise(const plan::Plan&, const Incident& incident) override {
    std::lock_guard lock(mutex_);
    incidents_.push_back(incident);
  }
  AlertCounts counts() const override {
    std::lock_guard lock(mutex_);
    return {static_cast<uint32_t>(incidents_.size()), 0, 0};
  }
  std::vector<Incident> incidents() const {
    std::lock_guard lock(mutex_);
    return incidents_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Incident> incidents_;
};

class FakeObserver : public RunObserver {
 public:
  std::function<void(int64_t)> started_hook;
  void on_run_started(int64_t run_id, const plan::Plan&) override {
    if (started_hook) started_hook(run_id);
  }
  void on_task(const TaskEvent& event) override {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
  }
  void on_run_finished(const RunSummary&) override { finished_ = true; }
  std::vector<TaskEvent> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::atomic<bool> finished_{false};

 private:
  std::mutex mutex_;
  std::vector<TaskEvent> events_;
};

struct Harness {
  std::string dsn = testing::fresh_database("exec");
  std::string logs = testing::scratch_dir("exec-logs");
  FakeRunner runner;
  FakeAlerts alerts;
  FakeObserver observer;

  exec::RunRequest request(const plan::Plan& plan) {
    exec::RunRequest r;
    r.plan = &plan;
    r.state_dsn = dsn;
    r.log_dir = logs;
    r.runner = &runner;
    r.alerts = &alerts;
    r.observer = &observer;
    r.worker = "test";
    return r;
  }
  exec::RunResult run(const plan::Plan& plan) { return exec::execute_run(request(plan)); }
  std::string scalar(const std::string& sql) {
    pqxx::connection c(dsn);
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec(sql);
    return r[0][0].is_null() ? "<null>" : r[0][0].as<std::string>();
  }
};

Call only(const std::vector<Call>& calls) {
  REQUIRE(calls.size() == 1);
  return calls[0];
}

std::vector<TaskState> states(std::initializer_list<TaskState> s) { return s; }

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
  p.tasks[0].kind = plan::TaskKind::Source;
  p.tasks[0].readiness = plan::Readiness{};
  p.tasks[0].readiness->wait_seconds = 2;
  p.tasks[0].readiness->poll_seconds = 1;
  p.tasks[0].readiness->text = "row_count() > 0";
  h.runner.behaviour["orders"] = [](const AttemptContext&, int) { return not_ready(); };
  exec::RunResult result = h.run(p);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.status == RunStatus::Failed);
  CHECK(result.summary.task_states ==
        states({TaskState::Failed, TaskState::UpstreamFailed, TaskState::UpstreamFailed, TaskState::Succeeded}));
  CHECK(result.summary.task_errors[0] == "source orders not ready after 2s (ready: row_count() > 0)");
  auto probes = h.runner.calls_of("orders");
  CHECK(probes.size() >= 2);
  CHECK(probes.size() <= 4);
  CHECK(probes.back().start - probes.front().start >= 1500ms);
  for (const Call& probe : probes) CHECK(probe.attempt == 1);  // probes are not attempts
  auto incidents = h.alerts.incidents();
  REQUIRE(incidents.size() == 1);
  CHECK(incidents[0].task == 0u);
  CHECK(incidents[0].error_class == ErrorClass::Timeout);
  CHECK(h.scalar("select error_class from flow.task_runs where task = 'orders'") == "timeout");
  bool waited = false;
  for (const TaskEvent& e : h.observer.events()) waited = waited || (e.task == 0 && e.state == TaskState::Waiting);
  CHECK(waited);
}

TEST_CASE("a source that becomes ready lets its dependents run") {
  Harness h;
  plan::Plan p = make_plan({{"orders", {}}, {"load", {0}}});
  p.tasks[0].kind = plan::TaskKind::Source;
  p.tasks[0].readiness = plan::Readiness{};
  p.tasks[0].readiness->wait_seconds = 30;
  p.tasks[0].readiness->poll_seconds = 1;
  h.runner.behaviour["orders"] = [](const AttemptContext&, int call) { return call < 2 ? not_ready() : succeeded(); };
  exec::RunResult result = h.run(p);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(h.runner.calls_of("orders").size() == 2);
  CHECK(h.runner.calls_of("load").size() == 1);
}

TEST_CASE("a cross-workflow dependency that never succeeds fails clearly") {
  Harness h;
  plan::Plan p = make_plan({{"load", {}}});
  p.tasks[0].external.push_back({"orders_etl", "publish", 1, 1});
  exec::RunResult result = h.run(p);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.task_states == states({TaskState::Failed}));
  CHECK(result.summary.task_errors[0] ==
        "task publish of workflow orders_etl has not succeeded for 2026-11-24 after 1s");
  CHECK(h.runner.calls_of("load").empty());
  CHECK(h.alerts.incidents().size() == 1);

  // Once orders_etl.publish has succeeded for that ds, the dependency holds.
  plan::Plan upstream = make_plan({{"publish", {}}}, "orders_etl");
  REQUIRE(h.run(upstream).summary.status == RunStatus::Succeeded);
  exec::RunResult again = h.run(p);
  CHECK(again.summary.status == RunStatus::Succeeded);
  CHECK(h.runner.calls_of("load").size() == 1);
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
    CHECK(incident.attempt == 2);
    CHECK(incident.kind == Incident::Kind::Failure);
  }
  CHECK(incidents[0].task != incidents[1].task);
  CHECK(h.runner.calls_of("a").size() == 2);
  CHECK(h.runner.calls_of("b").size() == 2);
}

TEST_CASE("a warn-level expectation failure succeeds and raises a warning") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}});
  h.runner.behaviour["a"] = [](const AttemptContext&, int) {
    AttemptResult r = succeeded();
    r.warnings = true;
    r.expectations = {{"few nulls", true, "null_rate(x)", "0.4", false}};
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
    return failed(ErrorClass::Transient, "stopped: lease lost");
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
  CHECK(exec::format_duration(std::chrono::seconds(7200)) == "2h");
  CHECK(exec::format_duration(std::chrono::seconds(5400)) == "1h30m");
  CHECK(exec::format_duration(std::chrono::seconds(90)) == "90s");
  CHECK(exec::format_duration(std::chrono::seconds(300)) == "5m");
}

namespace {

// A SQL task that writes one row into `out` on the target (= the state
// database) and records its success inside the same transaction.
AttemptResult write_and_record(const AttemptContext& context) {
  pqxx::work tx(*context.target);
  tx.exec("create table if not exists public.out (n integer)");
  tx.exec("insert into public.out values (1)");
  AttemptResult result = succeeded();
  result.rows_written = 1;
  if (!context.record_success_in || !context.record_success_in(tx, result)) {
    tx.abort();
    return failed(ErrorClass::Transient, "lease lost before commit");
  }
  tx.commit();
  result.recorded_in_transaction = true;
  return result;
}

plan::Plan sql_plan() {
  plan::Plan p = make_plan({{"write", {}}, {"after", {0}}});
  p.tasks[0].kind = plan::TaskKind::Sql;
  p.tasks[0].retry.retries = 1;
  p.tasks[0].retry.initial_seconds = 0;
  return p;
}

}  // namespace

TEST_CASE("state database = target: the write and its success commit together") {
  Harness h;
  plan::Plan p = sql_plan();
  h.runner.behaviour["write"] = [](const AttemptContext& context, int) { return write_and_record(context); };
  exec::RunRequest request = h.request(p);
  request.target_dsn = h.dsn;
  exec::RunResult result = exec::execute_run(request);
  REQUIRE_MESSAGE(result.outcome == exec::RunResult::Outcome::Finished, result.message);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(h.scalar("select count(*) from public.out") == "1");
  CHECK(h.scalar("select outcome || ':' || rows_written from flow.attempts where task = 'write'") == "succeeded:1");
  CHECK(h.runner.calls_of("after").size() == 1);
}

TEST_CASE("state database = target: a fenced attempt rolls its write back (exactly once)") {
  Harness h;
  plan::Plan p = sql_plan();
  std::string dsn = h.dsn;
  h.runner.behaviour["write"] = [dsn](const AttemptContext& context, int call) {
    if (call == 1) {
      pqxx::connection c(dsn);
      pqxx::nontransaction tx(c);
      tx.exec("update flow.task_runs set lease_token = gen_random_uuid(), "
              "lease_until = now() + interval '300 milliseconds' where task = 'write'");
    }
    return write_and_record(context);
  };
  exec::RunRequest request = h.request(p);
  request.target_dsn = h.dsn;
  request.poll = 200ms;
  exec::RunResult result = exec::execute_run(request);
  REQUIRE_MESSAGE(result.outcome == exec::RunResult::Outcome::Finished, result.message);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(h.runner.calls_of("write").size() == 2);
  CHECK(result.stale_writes == 1);
  CHECK(h.scalar("select count(*) from public.out") == "1");
}

TEST_CASE("a commit whose outcome is unknown is reconciled from the recorded state") {
  Harness h;
  plan::Plan p = sql_plan();
  h.runner.behaviour["write"] = [](const AttemptContext& context, int) {
    AttemptResult committed = write_and_record(context);
    REQUIRE(committed.recorded_in_transaction);
    // The connection "dropped during COMMIT": the runner cannot know.
    AttemptResult unknown = failed(ErrorClass::Transient, "server closed the connection unexpectedly");
    unknown.sqlstate = "08006";
    unknown.outcome_unknown = true;
    unknown.reconnect = true;
    return unknown;
  };
  exec::RunRequest request = h.request(p);
  request.target_dsn = h.dsn;
  exec::RunResult result = exec::execute_run(request);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(h.runner.calls_of("write").size() == 1);  // not retried: it had committed
  CHECK(h.scalar("select count(*) from public.out") == "1");
  CHECK(result.summary.task_attempts[0] == 1);
}

TEST_CASE("a state database restart mid-run: the executors reconnect and the run finishes") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}, {"b", {0}}});
  h.runner.behaviour["a"] = [](const AttemptContext&, int) {
    std::string error;
    REQUIRE_MESSAGE(runtime::localpg::stop(testing::test_cluster_dir(), error), error);
    REQUIRE_MESSAGE(runtime::localpg::ensure_running(testing::test_cluster_dir(), false, error), error);
    return succeeded();
  };
  exec::RunRequest request = h.request(p);
  request.poll = 300ms;
  exec::RunResult result = exec::execute_run(request);
  REQUIRE_MESSAGE(result.outcome == exec::RunResult::Outcome::Finished, result.message);
  CHECK(result.summary.status == RunStatus::Succeeded);
  CHECK(h.runner.calls_of("a").size() == 1);
  CHECK(h.runner.calls_of("b").size() == 1);
  CHECK(h.scalar("select status from flow.runs") == "succeeded");
}

TEST_CASE("a state database that stays away ends the run with a clear error") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}, {"b", {0}}});
  h.runner.behaviour["a"] = [](const AttemptContext&, int) {
    std::string error;
    REQUIRE_MESSAGE(runtime::localpg::stop(testing::test_cluster_dir(), error), error);
    return succeeded();
  };
  exec::RunRequest request = h.request(p);
  request.poll = 300ms;
  request.state_reconnect_timeout = 2s;
  auto started = SteadyClock::now();
  exec::RunResult result = exec::execute_run(request);
  auto took = SteadyClock::now() - started;
  std::string error;
  REQUIRE_MESSAGE(runtime::localpg::ensure_running(testing::test_cluster_dir(), false, error), error);
  CHECK(result.outcome == exec::RunResult::Outcome::Error);
  CHECK(exec::exit_code(result) == 2);
  CHECK(result.message.find("state database") != std::string::npos);
  CHECK(result.message.find("run " + std::to_string(result.summary.run_id) + " stopped") == 0);
  CHECK(took < 30s);
  CHECK(h.runner.calls_of("b").empty());
}

TEST_CASE("bookkeeping: a long chain of no-op tasks runs without poll delays") {
  Harness h;
  std::vector<std::pair<std::string, std::vector<uint32_t>>> tasks;
  for (uint32_t i = 0; i < 40; ++i)
    tasks.push_back({"t" + std::to_string(i), i == 0 ? std::vector<uint32_t>{} : std::vector<uint32_t>{i - 1}});
  plan::Plan p = make_plan(tasks);
  h.runner.work = 0ms;
  exec::RunRequest request = h.request(p);
  request.poll = 5s;
  auto started = SteadyClock::now();
  exec::RunResult result = exec::execute_run(request);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started);
  REQUIRE(result.summary.status == RunStatus::Succeeded);
  MESSAGE("40-task chain: " << took.count() << " ms");
  CHECK(took < 5s);  // one poll interval: every hand-off was immediate
}

TEST_CASE("bookkeeping: at most 2 commits and 4 round trips per task") {
  Harness h;
  std::vector<std::pair<std::string, std::vector<uint32_t>>> tasks;
  for (uint32_t i = 0; i < 30; ++i)  // a chain of 10, then a fan-out of 20
    tasks.push_back({"t" + std::to_string(i), i == 0 ? std::vector<uint32_t>{} : std::vector<uint32_t>{i < 10 ? i - 1 : 9}});
  plan::Plan p = make_plan(tasks);
  h.runner.work = 0ms;
  exec::RunRequest request = h.request(p);
  request.poll = 10s;  // no polling: every statement counted is bookkeeping
  // The server logs every statement of this database (log_statement is per
  // database): count them between two markers.
  REQUIRE(state::StateStore(h.dsn, "flow").migrate());  // migrations are not per-task bookkeeping
  {
    pqxx::connection c(h.dsn);
    pqxx::nontransaction tx(c);
    tx.exec("alter database " + c.quote_name(c.dbname()) + " set log_statement = 'all'");
  }
  h.scalar("select 'flowc-marker-begin'");
  REQUIRE(exec::execute_run(request).summary.status == RunStatus::Succeeded);
  h.scalar("select 'flowc-marker-end'");
  std::ifstream log(testing::test_cluster_dir() + "/server.log");
  int statements = 0, claims = 0, finishes = 0;
  bool inside = false;
  for (std::string line; std::getline(log, line);) {
    if (line.find("flowc-marker-begin") != std::string::npos) inside = true;
    if (line.find("flowc-marker-end") != std::string::npos) break;
    if (!inside || line.find("flowc-marker") != std::string::npos) continue;
    if (line.find("LOG:  statement: ") == std::string::npos && line.find("LOG:  execute ") == std::string::npos)
      continue;
    ++statements;
    claims += line.find("with candidate as") != std::string::npos;
    finishes += line.find("with fin as") != std::string::npos;
  }
  // The fixed cost of a run: migrate check, lock, create, LISTEN, a few reads, final status.
  const int fixed = 20;
  MESSAGE(statements << " statements for " << tasks.size() << " tasks: " << claims << " claims, " << finishes
                     << " finishes");
  CHECK(finishes == 30);                  // one statement and commit per finish
  CHECK(claims >= 30);                    // one statement and commit per claim + start ...
  // ... plus a few that find nothing (executors going idle); an empty claim
  // is two statements: the fast form over claimable instances, then the
  // full form that also looks at pending ones.
  CHECK(claims <= 60);
  CHECK(statements - fixed <= 4 * 30);    // issue 3's budget: 4 round trips per task
  CHECK(statements - claims - finishes <= fixed);  // the scheduler does not read per task
}

TEST_CASE("cancelling a run stops its attempts and fails the run") {
  Harness h;
  plan::Plan p = make_plan({{"slow", {}}, {"after", {0}}});
  p.tasks[0].retry.retries = 3;
  h.runner.behaviour["slow"] = [](const AttemptContext& context, int) {
    auto deadline = SteadyClock::now() + 10s;
    while (!context.stop.stop_requested() && SteadyClock::now() < deadline) std::this_thread::sleep_for(10ms);
    return failed(ErrorClass::Transient, "cancelled");
  };
  std::stop_source cancel;
  exec::RunRequest request = h.request(p);
  request.cancel = cancel.get_token();
  std::thread canceller([&] {
    std::this_thread::sleep_for(300ms);
    cancel.request_stop();
  });
  auto started = SteadyClock::now();
  exec::RunResult result = exec::execute_run(request);
  canceller.join();
  CHECK(SteadyClock::now() - started < 5s);
  REQUIRE(result.outcome == exec::RunResult::Outcome::Finished);
  CHECK(result.summary.status == RunStatus::Failed);
  CHECK(result.message == "the run was cancelled");
  CHECK(h.runner.calls_of("slow").size() == 1);  // not retried
  CHECK(h.runner.calls_of("after").empty());
  CHECK(h.scalar("select status from flow.runs") == "failed");
}

TEST_CASE("an executor that cannot renew its lease stops its attempt before the lease runs out") {
  Harness h;
  plan::Plan p = make_plan({{"a", {}}});
  p.tasks[0].retry.retries = 1;
  p.tasks[0].retry.initial_seconds = 0;
  std::atomic<int64_t> stopped_after_ms{-1};
  h.runner.behaviour["a"] = [&](const AttemptContext& context, int call) {
    if (call > 1) return succeeded();
    std::string error;
    REQUIRE_MESSAGE(runtime::localpg::stop(testing::test_cluster_dir(), error), error);
    auto down = SteadyClock::now();
    while (!context.stop.stop_requested() && SteadyClock::now() - down < 10s) std::this_thread::sleep_for(5ms);
    stopped_after_ms = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - down).count();
    REQUIRE_MESSAGE(runtime::localpg::ensure_running(testing::test_cluster_dir(), false, error), error);
    return failed(ErrorClass::Transient, "stopped: lease lost");
  };
  exec::RunRequest request = h.request(p);
  request.lease = 1500ms;
  request.poll = 200ms;
  exec::RunResult result = exec::execute_run(request);
  REQUIRE_MESSAGE(result.outcome == exec::RunResult::Outcome::Finished, result.message);
  auto calls = h.runner.calls_of("a");
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].stop_requested);
  CHECK(stopped_after_ms.load() >= 0);
  CHECK(stopped_after_ms.load() < 1500);  // fenced within one lease of the last possible renewal
  CHECK(result.summary.status == RunStatus::Succeeded);
}

TEST_CASE("what follows a failed attempt or a wait that has not held") {
  plan::RetryPolicy retry;
  retry.retries = 2;
  retry.exponential = false;
  retry.initial_seconds = 10;
  auto after = [&](ErrorClass error_class, uint32_t attempt, bool bad_data = false) {
    AttemptResult r = failed(error_class, "boom");
    r.expectation_failed = bad_data;
    return exec::decide_failure(retry, r, attempt, 1 + retry.retries, 0.0);
  };
  CHECK(after(ErrorClass::Transient, 1).state == TaskState::RetryWait);
  CHECK(after(ErrorClass::Transient, 1).not_before == 7500ms);
  CHECK(after(ErrorClass::Timeout, 2).state == TaskState::RetryWait);
  CHECK(after(ErrorClass::Transient, 3).state == TaskState::Failed);
  CHECK(after(ErrorClass::Transient, 3).message == "boom (after 3 attempts)");
  CHECK(after(ErrorClass::Timeout, 3).state == TaskState::TimedOut);
  CHECK(after(ErrorClass::Permanent, 1).state == TaskState::Failed);
  CHECK(after(ErrorClass::Permanent, 1).message == "boom");
  CHECK(after(ErrorClass::Transient, 1, true).state == TaskState::Failed);  // bad data never retries
  retry.on_any = true;
  CHECK(after(ErrorClass::Permanent, 1).state == TaskState::RetryWait);
  CHECK(after(ErrorClass::Permanent, 1, true).state == TaskState::Failed);

  using std::chrono::seconds;
  exec::Decision waiting = exec::decide_not_ready(seconds(60), seconds(10), 55s, "source s not ready");
  CHECK(waiting.state == TaskState::Waiting);
  CHECK(waiting.not_before == 5s);  // a last probe at the deadline, not after it
  exec::Decision late = exec::decide_not_ready(seconds(60), seconds(10), 60s, "source s not ready");
  CHECK(late.state == TaskState::Failed);
  CHECK(late.error_class == ErrorClass::Timeout);
  CHECK(late.message == "source s not ready after 1m");
  CHECK(exec::decide_not_ready(seconds(0), seconds(10), 0s, "x").final_failure());  // wait 0: probe once
}
