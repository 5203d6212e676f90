// Executing one run: a scheduler plus N in-process executors over the state
// database (runtime.md: one execution model, one code path). The executors
// claim ready task instances with leases, call the TaskRunner for each
// attempt, and record outcomes fenced on the lease token; the scheduler
// listens for the state schema's NOTIFY, falls back to polling, and ends the
// run when every task instance is final.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>

#include "compiler/plan/plan.h"
#include "runtime/attempt/attempt.h"
#include "runtime/events/events.h"
#include "runtime/state/machine_key.h"

namespace flowc::runtime::exec {

/// Everything execute_run() needs. The pointers must outlive the call.
struct RunRequest {
  const plan::Plan* plan = nullptr;
  /// The plan's JSON (compiler/plan/json.h), stored in runs.plan.
  std::string plan_json = "{}";
  /// The state database; its schema is plan->state_schema.
  std::string state_dsn;
  /// The resolved target DSN (a secret: never printed); "" = no target
  /// connection is opened (command-only plans).
  std::string target_dsn;
  /// Why target_dsn is "" while the plan has tasks that need it (a worker
  /// without the target's DSN): their attempts fail with it, as any failed
  /// attempt does (logged, alerted, dependents blocked).
  std::string no_target_reason;
  /// The state database is the target database: a SQL task's write and its
  /// `succeeded` record commit in one transaction. Also assumed when
  /// target_dsn == state_dsn.
  bool state_is_target = false;
  std::string trigger = "manual";      // manual | schedule | backfill | retry
  std::string log_dir = ".flow/logs";  // attempt logs: <log_dir>/<run_id>/<task>.<attempt>.log
  std::string project_dir = ".";       // command tasks run here
  /// Executors in this process; unset = plan->concurrency. 0: none, so
  /// `flowc worker` processes claim and run the tasks (the scheduler still
  /// creates, watches and ends the run).
  std::optional<uint32_t> concurrency;
  std::chrono::milliseconds lease{30000};  // renewed every lease/3
  std::chrono::milliseconds poll{1000};    // the fallback when no NOTIFY arrives
  /// How long a lost state database is retried before the run gives up.
  std::chrono::milliseconds state_reconnect_timeout{60000};
  std::string worker;                  // "" = "<host>:<pid>"; executors append ":<n>"
  TaskRunner* runner = nullptr;        // required
  RunObserver* observer = nullptr;     // optional
  AlertSink* alerts = nullptr;         // optional
  /// Cancels the run (Ctrl-C): running attempts are stopped and recorded as failed.
  std::stop_token cancel;
};

/// How execute_run() ended.
struct RunResult {
  enum class Outcome : uint8_t {
    Finished,  // the run ran to its end; summary.status says how it went
    Refused,   // another run of (workflow, ds, env) is in progress; `message` says which
    Error,     // the state database could not be used (or the request is invalid); `message` says why
  };
  Outcome outcome = Outcome::Error;
  std::string message;                 // no "flowc: " prefix, no DSN
  /// Error: the state database could not be reached before the run was
  /// created (its connection never came up: a wrong DSN, server or password).
  bool state_database_unreachable = false;
  RunSummary summary;                  // Finished (and Error after the run was created)
  uint64_t stale_writes = 0;           // fenced writes rejected (this process's executors lost a lease)
};

/// Creates the run (migrating the state schema first), holds the run lock for
/// its whole duration, executes every task instance with up to `concurrency`
/// at once, and records the run's final status. Never throws.
RunResult execute_run(const RunRequest& request);

/// Which task instances of a run `flowc retry` runs again.
struct RetrySelection {
  int64_t run_id = 0;
  /// "" = every instance that did not succeed (failed, timed_out, the
  /// upstream_failed they blocked, and any a stopped run never finished);
  /// else this task, in any state, and everything downstream of it.
  std::string task;
  /// A run taken up by a scheduler because its driver died, not a retry
  /// someone asked for: an attempt still running of a task that is not
  /// safe to repeat (policy.h's safe_to_repeat) keeps its attempt budget and
  /// is left to the reclaim rule (decide_reclaim: it fails saying it may
  /// have run partly, unless retries remain), its lease ended at once when
  /// its holder is gone; `flowc retry` runs it again.
  bool adopting = false;
};

/// Drives the existing run `selection.run_id` again, in the same run record,
/// with the same executors and scheduler as execute_run(): the selected
/// instances go back to pending with a fresh attempt budget (attempt numbers
/// continue), succeeded upstream instances are never touched, the run goes
/// back to running and ends with its new final status. `request.plan` must be
/// the plan stored with the run (runs.plan); `request.trigger` is ignored
/// (runs.trigger keeps how the run began; runs.retries counts retries).
/// An instance a live process is running (its lease is live: a worker
/// whose driver died) is waited for, never taken over. A run whose every
/// task succeeded while the run did not (its driver died after the last
/// task, or a mirror run's parity failed) has its final status recorded
/// again, re-running no task. Refused while the run is in progress (its run
/// lock is held), for a run that succeeded, for a run that never started,
/// for an unknown task, and for --task when an upstream of the task did not
/// succeed. A retry raises no Late incident. Never throws.
RunResult retry_run(const RunRequest& request, const RetrySelection& selection);

/// How executors are named, and when one is known to be gone: one rule for
/// leases, attempts and the alerts a process was sending (state/machine_key.h).
using state::default_worker;
using state::worker_gone;

/// cli.md's exit code for a run: 0 when it finished and succeeded, 1 when it
/// finished and failed, 2 when it was refused (another run of the same
/// workflow, ds and env is in progress) or the state database failed.
int exit_code(const RunResult& result);

}  // namespace flowc::runtime::exec
