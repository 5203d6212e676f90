// One attempt of one task: the contract between the executor (runtime/exec),
// which claims task instances, holds their leases and records outcomes, and
// the task runner (runtime/materialize), which performs the work of one
// attempt against the target: a SQL write in one transaction with its
// expectations, a command, or one readiness probe of a source.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/plan/plan.h"

// libpqxx 6.4 declares `connection` as an alias of a template, so a plain
// `class connection;` would conflict with <pqxx/pqxx>; this mirrors its form.
namespace pqxx {
class connect_direct;
template <typename CONNECTPOLICY> class basic_connection_base;
using connection = basic_connection_base<connect_direct>;
class transaction_base;
}  // namespace pqxx

namespace flowc::runtime {

/// runtime.md: transient errors retry, permanent ones fail at once, timeouts
/// are their own class (they retry like transient ones while attempts remain).
enum class ErrorClass : uint8_t { None, Transient, Permanent, Timeout };
std::string_view to_string(ErrorClass error_class);

/// The class of a PostgreSQL SQLSTATE: `08xxx`, `40001`, `40P01`, `55P03`,
/// `57P01`–`57P03` and `53xxx` are transient; `57014` (query cancelled, as by
/// statement_timeout) is a timeout; everything else is permanent.
ErrorClass classify_sqlstate(std::string_view sqlstate);

/// The class of a command's exit: 75 (EX_TEMPFAIL) is transient, any other
/// non-zero exit or signal is permanent; the runtime killing it on timeout is
/// a timeout.
ErrorClass classify_exit(int exit_code, int signal, bool timed_out);

/// The environment entries that say which run of which workflow, day and
/// environment of which project a command belongs to (`FLOW_RUN_ID`,
/// `FLOW_WORKFLOW`, `FLOW_DS`, `FLOW_ENV`, and `FLOW_PROJECT_DIR`, the
/// project directory's canonical path: run ids are per state database, so two
/// projects on one machine have the same ones), and its task when `task` is
/// not empty (`FLOW_TASK`). A command task gets them all; kill_orphaned_groups
/// finds by them what a command left running when its flowc died.
std::vector<std::string> command_identity(int64_t run_id, const plan::Plan& plan, std::string_view task,
                                          const std::string& project_dir);

/// One metric an expectation read, and its value.
struct MetricReading {
  std::string metric;                // the metric's label
  std::optional<std::string> value;  // as fetched; nullopt = NULL
};

/// One expectation's result. Recorded as one row per metric it read (one
/// row with metric "" when it reads none): `change < P%` finds each
/// metric's previous value by (check, metric), so a check comparing two
/// metrics' changes needs both recorded.
struct ExpectationResult {
  std::string check;  // plan::Check::name
  bool warn = false;
  std::vector<MetricReading> readings;  // every metric the check reads, in the condition's order
  bool passed = false;
};

/// Records an attempt's success inside its write transaction (see
/// AttemptContext::record_success_in).
using RecordSuccess = std::function<bool(pqxx::transaction_base&, const struct AttemptResult&)>;

struct AttemptContext {
  const plan::Plan* plan = nullptr;
  uint32_t task = 0;                 // index into plan->tasks
  uint32_t attempt = 1;              // 1-based
  int64_t run_id = 0;
  std::string worker;                // "host:pid:executor"
  std::string log_path;              // the attempt log; the runner writes it
  std::string target_dsn;            // resolved; a secret: never print or log it
  std::string project_dir;           // command tasks run here
  std::string no_target_reason;      // why a SQL task has no target: its failure message
  /// The executor's own connection to the target (nullptr for command tasks
  /// without expectations).
  pqxx::connection* target = nullptr;
  /// When `target` is null: makes (or reuses) the executor's connection to
  /// the target, or returns nullptr with `error` set (one line, no secret).
  /// The runner calls it once its log is open, so that a connection that
  /// fails is in the attempt's log. Null when there is no target.
  std::function<pqxx::connection*(std::string& error)> connect_target;
  /// Requested when the lease is lost (self-fencing) or the run is cancelled:
  /// the runner cancels its statement or kills its process group and returns.
  std::stop_token stop;
  /// A source with a readiness check: when its wait ends (the run's start
  /// plus `wait`). A probe still running then is cancelled (the last probe,
  /// made at the end, has as long as the wait, up to 30 s), and the source
  /// is not ready.
  std::optional<std::chrono::steady_clock::time_point> readiness_ends;
  /// When the state database is the target database, the runner calls this
  /// inside its write transaction just before COMMIT, so that the write and
  /// the `succeeded` record commit together. It returns false when the lease
  /// was lost (fenced): the runner then rolls back. Null when the state
  /// database is elsewhere.
  RecordSuccess record_success_in;
  /// The value a metric had for this check in the previous successful run of
  /// this task (for `change < P%`); nullopt when there is no history.
  std::function<std::optional<std::string>(std::string_view check, std::string_view metric)> previous_value;
};

struct AttemptResult {
  enum class Outcome : uint8_t {
    Succeeded,
    Failed,     // error_class says whether to retry
    NotReady,   // a readiness probe that does not hold yet: poll again later
  };
  Outcome outcome = Outcome::Failed;
  ErrorClass error_class = ErrorClass::Permanent;
  std::string sqlstate;              // SQL failures
  std::optional<int> exit_code;      // command tasks
  std::string message;               // one line for people; never a secret
  /// NotReady from a readiness probe: the values it read for the condition
  /// that does not hold (`row_count() = 0`), for the waiting and the
  /// timeout messages.
  std::string readiness_values;
  int64_t rows_written = -1;         // -1 = unknown / not applicable
  std::vector<ExpectationResult> expectations;
  bool expectation_failed = false;   // an error-level expectation failed (permanent)
  bool warnings = false;             // a warn-level expectation failed
  bool recorded_in_transaction = false;  // record_success_in committed with the write
  /// Ended because its stop was requested (the lease was lost, or the run is
  /// being stopped), not by anything of its own: transient, and no failure
  /// of the task's to page while the run stops.
  bool cancelled = false;
  /// The target connection broke (SQLSTATE class 08): the executor must make
  /// a new connection before it runs anything else on it.
  bool reconnect = false;
  /// The connection broke during COMMIT: the write may or may not have
  /// committed; the executor reconciles from the recorded state before retrying.
  bool outcome_unknown = false;
  /// Why the attempt's log is missing or incomplete (it could not be
  /// opened or written: a full disk), naming its path; "" when it was
  /// written whole. The executor records it with the attempt and says so.
  std::string log_error;
};

/// What every runner says of an attempt its stop ended (the lease lost, or
/// the run being stopped), not anything of its own.
inline constexpr std::string_view kCancelledByStop = "cancelled: the lease was lost or the run was cancelled";

/// Marks `r` as ended by its stop: transient (another attempt may follow),
/// `cancelled`, with `message` (kCancelledByStop, or a longer account).
void mark_cancelled(AttemptResult& r, std::string message = std::string(kCancelledByStop));

/// Performs attempts. Implementations are stateless between calls and
/// thread-safe: every executor calls the same runner with its own connection.
class TaskRunner {
 public:
  virtual ~TaskRunner() = default;
  virtual AttemptResult run(const AttemptContext& context) = 0;
  /// Adds `line` to the log at `log_path` of an attempt it performed, after
  /// the fact: the executor's word that the state database did not take the
  /// attempt's outcome (its lease had been lost). The runner owns the log's
  /// form; one that writes no log ignores it.
  virtual void note_in_log(const std::string& log_path, std::string_view line) {
    (void)log_path;
    (void)line;
  }
};

}  // namespace flowc::runtime
