// The operator view when stderr is not a terminal (CI, cron, a pipe): one
// timestamped line per thing that happened, greppable and stable.
#pragma once

#include <functional>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "runtime/events/events.h"

namespace flowc::runtime::view {

/// Writes lines such as
///   `2026-11-24T07:00:03Z daily_kpi stage_orders running (attempt 1)`
///   `2026-11-24T07:00:09Z daily_kpi stage_orders failed: <message> (log <path>)`
/// Pending and Ready changes are not printed, nor a task's repeated waiting
/// message. Thread-safe: every line is written whole.
class PlainView final : public RunObserver {
 public:
  /// `out` must outlive the view. `now` stamps the run's start and end lines
  /// (task lines use their event's time); the system clock when empty.
  /// `for_worker`: the view of one run's tasks in a `flowc worker`, whose
  /// output interleaves runs: task lines name the run
  /// (`daily_kpi run 12 stage_orders running (attempt 1)`) and the start
  /// line says the worker took the run up, not that the run started.
  explicit PlainView(std::ostream& out, std::function<Clock::time_point()> now = {}, bool for_worker = false);

  void on_run_started(int64_t run_id, const plan::Plan& plan) override;
  void on_task(const TaskEvent& event) override;
  void on_run_stopping(bool ended) override;
  void on_notice(const std::string& text) override;
  void on_run_finished(const RunSummary& summary) override;

 private:
  void write(Clock::time_point at, const std::string& text);
  std::string task_name(uint32_t task) const;

  std::ostream& out_;
  std::function<Clock::time_point()> now_;
  std::mutex mutex_;
  bool for_worker_;
  std::string workflow_;  // what starts each task line: the workflow, and the run for a worker
  std::vector<std::string> tasks_;
  int64_t run_id_ = 0;
  struct Last {
    TaskState state = TaskState::Pending;
    std::string message;
    Clock::time_point running_since;
  };
  std::vector<Last> last_;
};

}  // namespace flowc::runtime::view
