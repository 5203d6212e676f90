// `flowc ops`: the operating rhythm of each workflow over a window, from the
// state database (runtime/state/schema.cpp). read_ops() returns plain rows
// (SQL in ops_report.cpp only, never throws); compute_ops() and its pieces
// are pure functions of those rows, tested without a database; formatting
// is in ops_format.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/run_report.h"

namespace flowc::cli {

/// One run in the window.
struct OpsRun {
  int64_t id = 0;
  std::string workflow, status;
  std::optional<TimePoint> finished, deadline;
};

/// One task run of a run in the window, with its final attempt.
struct OpsTaskRun {
  int64_t run_id = 0;
  std::string workflow, task, state;
  std::optional<TimePoint> finished;
  std::string final_outcome, final_error_class;  // the last attempt's ("" without attempts)
  std::optional<TimePoint> final_finished;
  uint32_t tries = 0;  // attempts that ran to an outcome (succeeded or failed)
};

/// One row of `alerts` (one per channel) raised in the window.
struct OpsAlert {
  std::string workflow;
  std::optional<int64_t> run_id;
  std::string task, kind, dedup_key, status;
};

/// What read_ops() read.
struct OpsData {
  std::vector<OpsRun> runs;
  std::vector<OpsTaskRun> task_runs;
  std::vector<OpsAlert> alerts;
};

/// Which runs `ops` looks at: those started (or created) `since` ago or later.
struct OpsFilter {
  std::string workflow;  // "" = every workflow
  std::chrono::seconds since{30 * 86400};
};

/// Reads the runs, task runs and alerts of the window. Never throws.
ReadStatus read_ops(const StateDatabase& db, const OpsFilter& filter, OpsData& data);

/// A task failing the same way again: (task, error class) of the final
/// attempts of failed or timed-out task runs, seen at least twice.
struct RecurringFailure {
  std::string task, error_class;
  uint32_t count = 0;
  TimePoint last_seen;
};

/// A task run's end as mean time to recovery sees it.
struct TaskEnd {
  std::string task;
  TimePoint finished;
  bool succeeded = false;  // else failed or timed out
};

/// Mean time to recovery: each failure's finish to the next success of the
/// same task finished after it (in any later run); failures with no later
/// success are counted, not averaged.
struct Recovery {
  std::optional<std::chrono::milliseconds> mean;  // none without any recovery
  uint32_t recoveries = 0;
  uint32_t unrecovered = 0;
};

/// Recovery over `ends` (any order).
Recovery mean_time_to_recovery(std::vector<TaskEnd> ends);

/// Alerts counted once per alert: rows with the same (run, task, kind,
/// dedup key) are one alert sent to several channels. An alert is `sent`
/// when any channel delivered it, `suppressed` when every row was
/// suppressed (deduplicated), `failed` otherwise.
struct AlertCounts {
  uint32_t sent = 0, suppressed = 0, failed = 0;
};

/// The alert counts of `alerts` (one workflow's).
AlertCounts count_alerts(const std::vector<OpsAlert>& alerts);

/// One workflow's figures over the window.
struct WorkflowOps {
  std::string workflow;
  uint32_t runs = 0, succeeded = 0, failed = 0;  // failed + succeeded = finished
  uint32_t with_deadline = 0, on_time = 0;       // runs with a deadline that finished (or passed it)
  std::vector<RecurringFailure> recurring;       // most frequent first
  Recovery recovery;
  uint32_t retries = 0;  // attempts beyond the first, over all task runs
  AlertCounts alerts;
};

/// Per workflow, by name. `now` decides whether an unfinished run with a
/// deadline is already late.
std::vector<WorkflowOps> compute_ops(const OpsData& data, TimePoint now);

}  // namespace flowc::cli
