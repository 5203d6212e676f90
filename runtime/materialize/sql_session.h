// Internal to runtime/materialize: what the SQL-task, source and prepare code
// share. A SqlSession sends the statements of one attempt inside its
// transaction, logging each with its parameters and timing, and keeps the
// attempt inside its deadline by setting `statement_timeout` to the time
// left before every statement. pqxx exceptions pass through here and are
// turned into AttemptResults by failure_from_exception, never beyond.
#pragma once

#include <chrono>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/plan/plan.h"
#include "runtime/attempt/attempt.h"
#include "runtime/events/events.h"
#include "runtime/materialize/attempt_log.h"
#include "runtime/materialize/expectations.h"
#include "runtime/materialize/query_watchdog.h"

namespace flowc::runtime::materialize_detail {

using Clock = std::chrono::steady_clock;

/// The attempt's deadline passed before a statement could start.
struct DeadlineExpired : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// context.stop was requested between statements.
struct StopRequested : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A problem of the plan or the data found by the runner itself (not by
/// PostgreSQL): always permanent.
struct PlanProblem : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// What replace_refusal() judges of the table a replace replaces ($1), in
/// one row: its kind (`r` a table, `p` partitioned, `v` a view...), the
/// views on it, the tables whose foreign keys reference it (each a list, ""
/// or NULL when none), and whether the new table ($2) has its columns. No
/// row when there is no table. The run's own query reads these and more.
const std::string& existing_table_sql();

/// Why a replace cannot swap its new table in for `target`, "" when it
/// can: `referencing` names the tables whose foreign keys reference it,
/// `views` the views on it ("" when none), `same_columns` whether the new
/// table has its columns (with views on it, it is filled in place). The
/// run refuses with this, and `check --db` reports it.
std::string replace_refusal(const std::string& target, const std::string& views,
                            const std::string& referencing, bool same_columns);

/// `"schema"."name"` (`"name"` without a schema).
std::string quote_table(const plan::TableName& table);

/// The SQLSTATE of `e`, also where libpqxx 6.4 dropped it (its exception
/// class still says which condition it was); "" when unknown.
std::string sqlstate_of(const pqxx::sql_error& e);

class SqlSession {
 public:
  SqlSession(pqxx::transaction_base& tx, AttemptLog& log, std::optional<Clock::time_point> deadline,
             std::stop_token stop)
      : tx_(tx), log_(log), deadline_(deadline), stop_(std::move(stop)) {}

  /// Sends one statement with its parameters bound as text, in the extended
  /// protocol: PostgreSQL refuses a second statement in `sql` (a `;` in a
  /// task's select cannot run a statement of its own). Throws pqxx errors,
  /// DeadlineExpired or StopRequested.
  pqxx::result exec(std::string_view what, const std::string& sql, const std::vector<plan::BoundParam>& params = {});
  /// Sends `sql`, which may hold several statements, as one query string (no
  /// parameters). Only for statements meant to run as written: a `none`
  /// task's own, and flowc's. Throws like exec.
  pqxx::result exec_script(std::string_view what, const std::string& sql);

  /// Runs a MetricQuery: one row, one text value per metric. Throws like
  /// exec, or PlanProblem when the row does not have one column per metric.
  MetricRow fetch_metrics(std::string_view what, const plan::MetricQuery& query);
  /// fetch_metrics(), and when the select fails for a fault of its metrics
  /// (a permanent SQLSTATE: a `sql()` metric returning two rows, a division
  /// by zero), computes each metric on its own (plan::Metric::alone) after a
  /// savepoint taken before the select: the metrics that fail are NULL, with
  /// why in `broken` (one entry per metric, "" when computed), and the
  /// transaction goes on. Rethrows the select's error when every metric can
  /// be computed alone, or when the plan has no such statements (stored
  /// before them).
  MetricRow fetch_metrics_isolating(std::string_view what, const plan::MetricQuery& query,
                                    std::vector<std::string>& broken);

  pqxx::transaction_base& tx() { return tx_; }
  AttemptLog& log() { return log_; }

 private:
  /// Stops, sets the statement's timeout and logs it: what every statement does first.
  void before(std::string_view what, const std::string& sql, const std::vector<plan::BoundParam>& params);
  /// Logs how the statement went.
  void after(Clock::time_point start, const pqxx::result& r);

  pqxx::transaction_base& tx_;
  AttemptLog& log_;
  std::optional<Clock::time_point> deadline_;
  std::stop_token stop_;
};

/// Writes PostgreSQL notices (RAISE NOTICE, "table does not exist, skipping")
/// into the attempt log while it lives.
class NoticeLog final : public pqxx::errorhandler {
 public:
  NoticeLog(pqxx::connection_base& connection, AttemptLog& log) : pqxx::errorhandler(connection), log_(log) {}
  bool operator()(const char message[]) noexcept override;

 private:
  AttemptLog& log_;
};

/// The deadline of an attempt of `task` starting now (nullopt = no timeout).
std::optional<Clock::time_point> deadline_of(const plan::Task& task);

/// One attempt on context.target: `body(deadline, watchdog)` with the
/// task's deadline, the server's notices in `log`, and a QueryWatchdog on
/// the connection. A connection the watchdog closed, even after the last
/// statement returned, is not used again (`reconnect`).
template <class Body>
AttemptResult on_target(const AttemptContext& context, AttemptLog& log, Body body) {
  NoticeLog notices(*context.target, log);
  std::optional<Clock::time_point> deadline = deadline_of(context.plan->tasks[context.task]);
  QueryWatchdog watchdog(*context.target, context.stop, deadline);
  AttemptResult result = body(deadline, watchdog);
  if (watchdog.finish() != ConnectionCut::None) result.reconnect = true;
  return result;
}

/// The failed AttemptResult for the exception being handled (call inside a
/// catch block): SQLSTATE and its class, a broken connection (transient,
/// `reconnect`), a connection lost in COMMIT (`outcome_unknown`), a passed
/// deadline (timeout), a stop request (transient). The attempt's
/// `watchdog` says whether it closed the connection, and so why it was
/// lost, and whether the deadline has passed: a `57014` is a timeout only
/// then; after a stop request it is transient, and otherwise (another
/// session's pg_cancel_backend, the role's or database's own
/// statement_timeout, a function raising it) permanent.
/// `connection_open` says whether the connection still works after the
/// error (a class 08 error the server sent on a working connection, as
/// postgres_fdw's when its server is down, is not a lost connection: transient
/// without a reconnect, SQLSTATE recorded as its class, 08000). Logs the error.
AttemptResult failure_from_exception(const AttemptContext& context, AttemptLog& log,
                                     const QueryWatchdog& watchdog, bool connection_open);

/// Runs the task's expectations (its MetricQuery, then every check) into
/// `result`, logging each value. Returns false when an error-level check
/// failed (result then says Failed, permanent, with a message naming it).
bool run_expectations(SqlSession& session, const plan::Task& task, const AttemptContext& context,
                      AttemptResult& result);

/// Marks `result` succeeded, calls `record` when set (the context's
/// record_success_in; a false return rolls back: Failed, "lease lost") and
/// commits. `record` null: a transaction that must not write the state
/// tables (read-only in a mirror run); the executor records after it.
void commit_success(pqxx::transaction_base& tx, const RecordSuccess* record, AttemptResult& result,
                    AttemptLog& log);

/// Creates `schema` if it is missing, in its own short transaction (so two
/// attempts racing to create it do not fail each other).
void ensure_schema(pqxx::connection_base& connection, const std::string& schema, AttemptLog& log);

/// The attempt kinds, each with its log open; they catch their own errors.
AttemptResult run_sql_task(const AttemptContext& context, AttemptLog& log);
AttemptResult run_source(const AttemptContext& context, AttemptLog& log);
AttemptResult run_command_task(const AttemptContext& context, AttemptLog& log);

}  // namespace flowc::runtime::materialize_detail
