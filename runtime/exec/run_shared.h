// What the scheduler and the executors know about one run: its request and
// plan, its fixed facts, and where its events and incidents go. The
// executors' shared machinery (waking, leases, stopping) is the pool's
// (pool.h), which may serve several runs.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/events/events.h"
#include "runtime/exec/exec.h"
#include "runtime/exec/pool.h"
#include "runtime/state/store.h"

namespace flowc::runtime::exec {

/// Whether a SQL task's success is recorded in its write's transaction: the
/// state database is the target database.
bool state_in_target(const RunRequest& request);

class RunShared {
 public:
  /// `alerts`: where raise() sends incidents; null = request.alerts.
  RunShared(const RunRequest& request, int64_t run_id, Clock::time_point started, AlertSink* alerts = nullptr);

  const RunRequest& request;
  const plan::Plan& plan;
  const int64_t run_id;
  const Clock::time_point started;       // the run's start (readiness and external waits count from it)
  const bool state_in_target;
  /// dependents[i]: the tasks that depend on task i directly (every finish
  /// names them; the full downstream is computed on a final failure only).
  const std::vector<std::vector<uint32_t>> dependents;
  /// This run's attempt log directory on this machine (log_dir.h's
  /// run_log_dir); set before any executor sees the run. "" when the request
  /// has no log directory, or when it could not be made: then `log_problem`
  /// says why, and each attempt is recorded without a log, saying so.
  std::string log_dir;
  std::string log_problem;
  /// A retry (or an adopted run): `started` is the retry's start, from
  /// which its waits count again (runtime.md), not the run's first one.
  bool resumed = false;

  // --- completion ------------------------------------------------------
  /// `count` task instances reached a final state (recorded by this process).
  void settled(size_t count) { settled_ += count; }
  /// Whether this process saw every task instance reach a final state: the
  /// scheduler then reads the run back (the database has the last word).
  [[nodiscard]] bool all_settled() const { return settled_ >= plan.tasks.size(); }

  // --- events ------------------------------------------------------------
  /// Tells the observer, unless the task's announcements are past this one:
  /// the same state may come from an executor and from the scheduler
  /// reading the run back (a task a failure blocked, a worker's task), and
  /// a row read a moment ago may be older than what an executor just said.
  /// A task's final state is told once, and nothing after it; otherwise an
  /// announcement of an earlier attempt, or of an earlier step of the same
  /// attempt (ready after running), is dropped. `recorded`: the attempt's
  /// recorded start and end (TaskEvent), for another process's attempt.
  void emit(uint32_t task, TaskState state, uint32_t attempt, const std::string& message,
            const std::string& log_path, const state::AttemptEnd* recorded = nullptr);
  /// Hands the incident to the run's alert sink (counting warnings).
  void raise(const Incident& incident);
  /// Tells the observer `text` (RunObserver::on_notice).
  void notice(const std::string& text);
  std::atomic<uint32_t> warnings{0};

 private:
  AlertSink* alerts_;
  std::atomic<size_t> settled_{0};
  struct Announced {
    uint8_t step = 0;      // progress() of the last state told; 0 = none yet
    uint32_t attempt = 0;  // its attempt
  };
  std::mutex announced_mutex_;
  std::vector<Announced> announced_;  // by task index
};

}  // namespace flowc::runtime::exec
