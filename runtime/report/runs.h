// Reading run history from the state database (runtime/state/schema.cpp)
// for `flowc history` and `flowc status`: plain structs out, SQL inside
// runs.cpp only, formatting in cli/run_report_format.h. Nothing here
// throws: database problems come back as a ReadStatus.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/events/events.h"
#include "runtime/report/state_database.h"

namespace flowc::runtime::report {

/// A time read from the state database, in milliseconds: the clock's
/// nanoseconds end in 2262, and a deadline may be as late as ds 9999-12-31.
using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

/// One row of `runs`, with the names of its failed tasks.
struct RunRecord {
  int64_t id = 0;
  std::string workflow, ds, env, stage, trigger, status;
  TimePoint created;
  std::optional<TimePoint> started, finished, deadline;
  std::string plan_hash;
  std::optional<std::string> parity;      // jsonb text, mirror runs
  std::vector<std::string> failed_tasks;  // failed or timed out on their own, in plan order
  /// Failed because an operator's stop (Ctrl-C, SIGTERM) cancelled their
  /// attempt: not failures of the task (as `ops` counts them), in plan order.
  std::vector<std::string> stopped_tasks;
  /// Recorded `running`, but nobody holds its run lock: the process that
  /// drove it is gone, and it ends only when `flowc retry` (or, for a
  /// scheduled run, a scheduler) drives it again.
  bool process_gone = false;
  /// How many times `flowc retry` drove it again, and when the last began.
  uint32_t retries = 0;
  std::optional<TimePoint> retried;
  /// Its tasks that have not ended (neither succeeded nor failed nor
  /// blocked): in a finished run, those a stop kept from running.
  uint32_t unfinished = 0;
  /// Who owns it, from the run's stored plan: the workflow's owner, and the
  /// `on_failure` route (name and owner) its failures page; "" when none.
  std::string owner, failure_route, failure_route_owner;
  /// The latest later run (a higher id) of its workflow, ds, env and stage,
  /// and its status: it replaced this one (`flowc retry` refuses it), and
  /// rebuilt its outputs since (`flowc impact --run`). 0 and "" when none.
  int64_t later_run = 0;
  std::string later_status;
};

/// One row of `attempts`.
struct AttemptRecord {
  uint32_t attempt = 0;
  std::string worker;
  TimePoint started;
  std::optional<TimePoint> finished;
  std::string outcome;  // "" while it runs
  std::string sqlstate;
  std::optional<int> exit_code;
  std::string error_class, message;
  std::optional<int64_t> rows_written;
  std::string log_path;
};

/// One row of `task_runs` and its attempts.
struct TaskRecord {
  std::string task;
  uint32_t index = 0;
  std::string state;
  uint32_t attempts = 0, max_attempts = 0;
  std::optional<TimePoint> started, finished;
  std::optional<int64_t> rows_written;
  std::string error_class, message;
  std::vector<AttemptRecord> attempt_records;  // by attempt number
};

/// One row of `expectation_results`.
struct ExpectationRecord {
  std::string task;
  uint32_t attempt = 0;
  std::string expectation, severity, metric;
  std::optional<std::string> value;
  bool passed = false;
};

/// One row of `alerts`.
struct AlertRecord {
  int64_t id = 0;
  std::string task, kind, route, channel, severity, status, error;
  uint32_t tries = 0;
  TimePoint created;
};

/// Everything the state database knows about one run.
struct RunReport {
  RunRecord run;
  std::vector<TaskRecord> tasks;                // in plan order (task_index)
  std::vector<ExpectationRecord> expectations;  // by task order, attempt, then as recorded
  std::vector<AlertRecord> alerts;              // as raised
};

/// Which runs `history` lists.
struct HistoryFilter {
  std::string workflow;               // "" = every workflow
  std::chrono::seconds since{86400};  // runs started (or created) this long ago or later
};

/// Runs matching `filter`, newest first (by start, else creation, then id).
ReadStatus read_history(const StateDatabase& db, const HistoryFilter& filter, std::vector<RunRecord>& runs);

/// The run `run_id`; `report` stays empty when there is no such run.
ReadStatus read_run(const StateDatabase& db, int64_t run_id, std::optional<RunReport>& report);

}  // namespace flowc::runtime::report
