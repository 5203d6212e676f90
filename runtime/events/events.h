// What a run tells the outside world while it happens: task state changes
// (for the operator view) and incidents (for alerts). The executor produces
// them; runtime/alert and the CLI's operator view consume them.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/attempt/attempt.h"

namespace flowc::runtime {

/// runtime.md's task life cycle.
enum class TaskState : uint8_t {
  Pending, Waiting, Ready, Running, RetryWait, Succeeded, Failed, UpstreamFailed, TimedOut,
};
std::string_view to_string(TaskState state);
std::optional<TaskState> parse_task_state(std::string_view text);
/// Succeeded, Failed, UpstreamFailed, TimedOut.
bool is_final(TaskState state);

enum class RunStatus : uint8_t { Pending, Running, Succeeded, Failed };
std::string_view to_string(RunStatus status);
std::optional<RunStatus> parse_run_status(std::string_view text);

using Clock = std::chrono::system_clock;

/// `2026-11-24T07:00:03Z`: how every runtime output (views, alerts, reports) writes a time.
std::string format_utc(Clock::time_point at);
/// The same for a time read from the state database, in milliseconds: any
/// year PostgreSQL stores (a deadline of ds 9999-12-31 is in 10000), where
/// the clock's nanoseconds end in 2262.
std::string format_utc(std::chrono::sys_time<std::chrono::milliseconds> at);

/// How the failure of an attempt an operator's stop (Ctrl-C, SIGTERM)
/// cancelled begins: the executor writes it, and `history`, `status` and
/// `ops` read it back from the state database to tell such a task from one
/// that failed on its own.
inline constexpr std::string_view kStoppedByOperator = "the run was stopped";

/// The first line of a message (an exception's text, an error from the
/// server), without trailing spaces or CR: how every runtime output quotes
/// an error in one line.
std::string first_line(std::string_view text);

/// The same, at most `limit` characters (UTF-8 aware), with `...` when cut.
std::string first_line(std::string_view text, size_t limit);

/// The first line of a PostgreSQL error without libpq's `ERROR:  ` or
/// `FATAL:  ` prefix.
std::string error_line(std::string_view what);

/// Characters (code points) in UTF-8 text.
size_t text_width(std::string_view text);

struct TaskEvent {
  int64_t run_id = 0;
  uint32_t task = 0;        // index into the plan's tasks
  TaskState state = TaskState::Pending;
  uint32_t attempt = 0;
  std::string message;      // error or "waiting for raw.orders to be ready"
  std::string log_path;
  Clock::time_point at;
  /// The attempt's start and end as recorded, when another process ran it
  /// and this one heard of it later (an adopted run, a `flowc worker`'s
  /// attempt): durations are counted between them, not from when this
  /// process heard of each.
  std::optional<Clock::time_point> attempt_started, attempt_finished;
};

struct RunSummary {
  int64_t run_id = 0;
  std::string workflow, ds, env;
  RunStatus status = RunStatus::Failed;
  /// Whether `status` is in the state database: false when recording it
  /// failed (the state database lost), which leaves the run `running` there.
  bool status_recorded = true;
  Clock::time_point started, finished;  // this drive of the run: the run, or one retry of it
  /// A retry: when the run first started (runs.started_at). A run's
  /// duration is always first start to last finish (`history`, `status`).
  std::optional<Clock::time_point> first_started;
  std::vector<TaskState> task_states;   // per plan task
  std::vector<uint32_t> task_attempts;  // per plan task
  std::vector<std::string> task_errors; // per plan task ("" when none)
  uint32_t warnings = 0;
  uint32_t alerts_sent = 0, alerts_suppressed = 0;
  uint32_t alerts_failed = 0;           // no channel delivered them: recorded, see `flowc status`
  /// `--concurrency 0`: `flowc worker`s ran every task, and raised its
  /// tasks' alerts, which the counts above (this process's) do not hold.
  bool tasks_ran_elsewhere = false;
  /// Mirror runs: whether every output matched its legacy table (nullopt:
  /// not compared: another stage, or a task failed first).
  std::optional<bool> parity_ok;
  /// The parity report for people (runtime/parity's render_human); "" when not compared.
  std::string parity_text;
  /// What did not match, in one line (ParityReport::mismatch_summary, or
  /// why the report could not be stored); "" when parity held.
  std::string parity_mismatch;
};

/// What every "stopping" notice ends with: a second interrupt does not wait
/// (cli.md, "Interrupting").
inline constexpr std::string_view kInterruptAgain = "(interrupt again to exit at once)";

/// The operator view: plain lines or a live TTY table. Called from executor
/// threads: implementations synchronise themselves.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void on_run_started(int64_t run_id, const plan::Plan& plan) {}
  virtual void on_task(const TaskEvent& event) {}
  /// The run was asked to stop (Ctrl-C, SIGTERM): the attempts in progress
  /// are being cancelled and recorded, which may take a while; `ended`:
  /// every task had already ended, and the run is delivering its alerts,
  /// which the stop does not cut short. Called once, on the thread that asked.
  virtual void on_run_stopping(bool ended) {}
  /// Something the operator must know that is not a task's state, one line
  /// starting with the task's name: an attempt whose log could not be
  /// written (`orders attempt 1: its log could not be written: cannot write ...`).
  virtual void on_notice(const std::string& text) {}
  virtual void on_run_finished(const RunSummary& summary) {}
};

/// One incident: a task failed after its last attempt (or a readiness or
/// cross-workflow wait ran out), a warn-level expectation failed, the run is
/// late, or mirror parity failed. Blocked tasks are never incidents of their
/// own: they are the impact listed in the failed task's alert.
struct Incident {
  enum class Kind : uint8_t { Failure, Warning, Late, Parity } kind = Kind::Failure;
  int64_t run_id = 0;
  std::optional<uint32_t> task;      // index into the plan's tasks; none for Late/Parity
  ErrorClass error_class = ErrorClass::None;
  std::string sqlstate;
  std::optional<int> exit_code;
  std::string message;
  uint32_t attempt = 0;
  std::string log_path;
  Clock::time_point started;         // of the task's last attempt (of the run for Late)
  std::chrono::milliseconds duration{0};
};

/// Counts of what a sink did, for the run summary.
struct AlertCounts {
  uint32_t sent = 0;
  uint32_t suppressed = 0;
  uint32_t failed = 0;
};

/// Turns incidents into alerts (routes, channels, dedupe). Never throws and
/// never changes the run's outcome. Called from executor threads.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void raise(const plan::Plan& plan, const Incident& incident) = 0;
  [[nodiscard]] virtual AlertCounts counts() const = 0;
  /// Delivers what an earlier process of the plan's workflow was sending
  /// when it ended (runtime.md "Incidents"); called once a run's own alerts
  /// are delivered, and by `flowc schedule` at each wake. A `stop` request
  /// ends it (what it had not delivered stays for a later flowc). Sinks
  /// that keep no record have nothing to resend.
  virtual void resend_interrupted(const plan::Plan& plan, std::stop_token stop = {}) {
    (void)plan;
    (void)stop;
  }
};

}  // namespace flowc::runtime
