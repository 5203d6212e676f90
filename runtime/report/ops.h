// `flowc ops`: the operating rhythm of each workflow over a window, from the
// state database (runtime/state/schema.cpp). read_ops() returns plain rows
// (SQL in ops.cpp only, never throws); compute_ops() and its pieces
// are pure functions of those rows, tested without a database; formatting
// is in cli/ops_format.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/report/runs.h"

namespace flowc::runtime::report {

/// One run in the window.
struct OpsRun {
  int64_t id = 0;
  std::string workflow, env, status, trigger;
  std::optional<TimePoint> finished, deadline;
  int64_t failed_before = 0;  // executions that ended failed before a retry (runs.failed_before)
};

/// One task run of a run in the window: how many attempts ran to an outcome.
struct OpsTaskRun {
  int64_t run_id = 0;
  std::string workflow, env, task;
  uint32_t retries = 0;  // tries beyond the first: attempts that succeeded, failed or were lost
};

/// How one execution of a task run ended: the run's first execution, or one
/// `flowc retry` of it, each ended by its last attempt. Read from the
/// attempts, so a failure a retry later fixed stays a failure.
struct TaskEnd {
  int64_t run_id = 0;
  std::string workflow, task, ds, env;
  TimePoint finished;
  bool succeeded = false;   // else failed (timed out, lost, or a readiness wait that ran out)
  std::string error_class;  // of the failed attempt ("" when it succeeded)
};

/// One row of `alerts` (one per channel) raised in the window.
struct OpsAlert {
  std::string workflow, env;  // env: its run's ("" for production, and for an alert without a run)
  std::optional<int64_t> run_id;
  std::string task, kind, dedup_key, status;
  TimePoint created;
};

/// What read_ops() read.
struct OpsData {
  std::vector<OpsRun> runs;
  std::vector<OpsTaskRun> task_runs;
  std::vector<TaskEnd> ends;
  std::vector<OpsAlert> alerts;
};

/// Which runs `ops` looks at: those started (or created) `since` ago or later.
struct OpsFilter {
  std::string workflow;  // "" = every workflow
  std::chrono::seconds since{30 * 86400};
};

/// Reads the runs, task runs, task ends and alerts of the window. Never throws.
ReadStatus read_ops(const StateDatabase& db, const OpsFilter& filter, OpsData& data);

/// A task failing the same way again: (task, error class) of failed task
/// ends, seen at least twice.
struct RecurringFailure {
  std::string task, error_class;
  uint32_t count = 0;
  TimePoint last_seen;
};

/// Mean time to recovery: each failed end to the first later success of the
/// same task for the same ds and env (a retry of the run, or a later run of
/// that ds); failures with no such success are counted, not averaged.
struct Recovery {
  std::optional<std::chrono::milliseconds> mean;  // none without any recovery
  uint32_t recoveries = 0;
  uint32_t unrecovered = 0;
};

/// Recovery over one workflow's `ends` (any order).
Recovery mean_time_to_recovery(std::vector<TaskEnd> ends);

/// Alerts counted once per alert, as alerts.md defines one: the rows with
/// the same dedup key and creation time (one per channel). An alert is
/// `sent` when any channel delivered it, `suppressed` when every row was
/// suppressed (deduplicated), `failed` otherwise.
struct AlertCounts {
  uint32_t sent = 0, suppressed = 0, failed = 0;
};

/// The alert counts of `alerts` (one workflow's).
AlertCounts count_alerts(const std::vector<OpsAlert>& alerts);

/// One workflow's figures over the window.
struct WorkflowOps {
  std::string workflow;
  std::string env;  // "" for production: one workflow's runs in each environment are counted apart
  uint32_t runs = 0;
  uint32_t failed = 0;                      // failed at least once: a failed task end, or the run's status
  uint32_t failed_then_fixed_by_retry = 0;  // of those, succeeded since by a retry
  uint32_t succeeded = 0;                   // succeeded without ever failing
  uint32_t with_deadline = 0, on_time = 0;  // non-backfill runs with a deadline that finished (or passed it)
  uint32_t backfill_runs_not_counted = 0;   // backfill runs with a deadline: late by construction, left out
  std::vector<RecurringFailure> recurring;  // most frequent first
  Recovery recovery;
  uint32_t retries = 0;  // attempts beyond the first, over all task runs
  AlertCounts alerts;
};

/// Per workflow and environment, by name (production first). `now` decides whether an unfinished run with a
/// deadline is already late.
std::vector<WorkflowOps> compute_ops(const OpsData& data, TimePoint now);

}  // namespace flowc::runtime::report
