// The fakes and the harness of the execution-model tests (exec_test.cpp,
// exec_recovery_test.cpp): a real state database, a fake task runner (the
// runner is not what these tests test), a fake alert sink and observer.
#pragma once

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
#include "runtime/exec/policy.h"
#include "runtime/localpg/localpg.h"
#include "runtime/state/store.h"
#include "tests/support/pg_harness.h"

namespace flowc::testing::exec_support {

using namespace flowc;
using namespace flowc::runtime;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

// A plan of command tasks: {name, deps}.
inline plan::Plan make_plan(const std::vector<std::pair<std::string, std::vector<uint32_t>>>& tasks,
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

inline AttemptResult succeeded() {
  AttemptResult r;
  r.outcome = AttemptResult::Outcome::Succeeded;
  r.error_class = ErrorClass::None;
  return r;
}

inline AttemptResult failed(ErrorClass error_class, std::string message) {
  AttemptResult r;
  r.outcome = AttemptResult::Outcome::Failed;
  r.error_class = error_class;
  r.message = std::move(message);
  return r;
}

/// What every runner returns for an attempt its stop ended (mark_cancelled).
inline AttemptResult cancelled(std::string message = std::string(kCancelledByStop)) {
  AttemptResult r;
  mark_cancelled(r, std::move(message));
  return r;
}

inline AttemptResult not_ready() {
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

  AttemptResult run(const AttemptContext& given) override {
    // Connected as the real runner connects: on demand.
    AttemptContext context = given;
    if (!context.target && context.connect_target) {
      std::string error;
      context.target = context.connect_target(error);
      if (!context.target) return failed(ErrorClass::Transient, error);
    }
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
  void note_in_log(const std::string& log_path, std::string_view line) override {
    std::lock_guard lock(mutex_);
    notes_.push_back(log_path + ": " + std::string(line));
  }
  std::vector<Call> calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::vector<std::string> notes() {
    std::lock_guard lock(mutex_);
    return notes_;
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
  std::vector<std::string> notes_;  // note_in_log's, "<log path>: <line>"
};

class FakeAlerts : public AlertSink {
 public:
  /// How long each raise() takes, like a channel that answers slowly.
  std::chrono::milliseconds delay{0};
  void raise(const plan::Plan&, const Incident& incident) override {
    std::this_thread::sleep_for(delay);
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
  void on_notice(const std::string& text) override {
    std::lock_guard lock(mutex_);
    notices_.push_back(text);
  }
  void on_run_finished(const RunSummary&) override { finished_ = true; }
  std::vector<TaskEvent> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::vector<std::string> notices() {
    std::lock_guard lock(mutex_);
    return notices_;
  }
  std::atomic<bool> finished_{false};

 private:
  std::mutex mutex_;
  std::vector<TaskEvent> events_;
  std::vector<std::string> notices_;
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

inline Call only(const std::vector<Call>& calls) {
  REQUIRE(calls.size() == 1);
  return calls[0];
}

inline std::vector<TaskState> states(std::initializer_list<TaskState> s) { return s; }

}  // namespace flowc::testing::exec_support
