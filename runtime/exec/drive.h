// Private to runtime/exec: driving a run record that exists, shared by
// execute_run() (a fresh run) and retry_run() (a run driven again), so both
// use the same executors, scheduler loop and final-status code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/exec/exec.h"
#include "runtime/exec/run_shared.h"
#include "runtime/state/store.h"

namespace flowc::runtime::exec {

/// What drive_run() needs besides the request.
struct DriveOptions {
  int64_t run_id = 0;
  /// The run's deadline; checked while the run runs when `alert_late`.
  std::optional<std::chrono::sys_seconds> deadline;
  bool alert_late = false;
  /// Final task instances this drive leaves alone (a retry keeps the
  /// succeeded upstream, and failed branches outside `--task`): announced
  /// to the observer in their state at the start.
  struct Kept {
    uint32_t index = 0;
    TaskState state = TaskState::Succeeded;
    uint32_t attempts = 0;
    std::string message;
  };
  std::vector<Kept> kept;
  /// A retry: when the run first started, for the summary (RunSummary::first_started).
  std::optional<Clock::time_point> first_started;
  /// The run's lock, which the caller took: kept while the run runs (taken
  /// again when its session is lost); should another process hold it by
  /// then, this drive stops. Null: not kept (a test's drive).
  state::RunLock* lock = nullptr;
};

/// Starts the executors and the heartbeat for the run (its status must be
/// `running` and its lock held by the caller), listens until every task
/// instance is final, raises a Late incident once if the deadline passes,
/// and records the run's final status. Never throws.
RunResult drive_run(const RunRequest& request, state::StateStore& store, const DriveOptions& options);

/// Why this process cannot write the run's attempt logs (log_dir.h's
/// log_dir_problem), or "": checked before a run is created or taken up.
/// "" when it runs no task (concurrency 0) or has no log directory.
std::string log_dir_problem(const RunRequest& request);

/// Sets `run.log_dir` to the run's own attempt log directory under
/// `run.request.log_dir` (log_dir.h), made if needed, or `run.log_problem`
/// to why there is none. Call it before any executor sees the run.
void find_log_dir(RunShared& run, state::StateStore& store);

/// Migrates the state schema, takes the run lock of the plan's (workflow,
/// ds, env) and, once held, marks failed the runs of that key a process that
/// is gone left `running`, except `retried_run_id` (a retry's own run; 0 =
/// none). A state database error comes back as the run's result; a refusal
/// leaves `lock.lock` null, for the caller to word.
std::optional<RunResult> take_run_lock(const RunRequest& request, state::StateStore& store,
                                      state::RunLock::Acquired& lock, int64_t retried_run_id = 0);


}  // namespace flowc::runtime::exec
