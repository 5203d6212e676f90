#include "runtime/materialize/sql_session.h"

#include <algorithm>
#include <exception>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "runtime/connect/fields.h"
#include "runtime/materialize/error_position.h"

namespace flowc::runtime::materialize_detail {

std::string quote_table(const plan::TableName& table) {
  return table.schema.empty() ? plan::quote_identifier(table.name) : table.quoted();
}

void SqlSession::before(std::string_view what, const std::string& sql, const std::vector<plan::BoundParam>& params) {
  if (stop_.stop_requested()) throw StopRequested("stop requested");
  if (deadline_) {
    // The task's timeout bounds the whole attempt, not each statement: every
    // statement may use only what is left.
    // Rounded up: the server's cancel must not come before the deadline,
    // which is what tells a timeout from someone else's cancel.
    auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline_ - Clock::now()).count();
    if (left <= 0) throw DeadlineExpired("deadline passed");
    tx_.exec0(fmt::format("set local statement_timeout = {}", left));
  }
  std::string text = fmt::format("{}:", what);
  log_.block(text, sql);
  for (size_t i = 0; i < params.size(); ++i)
    log_.line(fmt::format("  ${} ({} {}) = {}", i + 1, params[i].name, params[i].sql_type, params[i].value));
}

void SqlSession::after(Clock::time_point start, const pqxx::result& r) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  log_.line(fmt::format("  done in {} ms: {} rows returned, {} rows affected", ms, r.size(), r.affected_rows()));
}

pqxx::result SqlSession::exec(std::string_view what, const std::string& sql,
                              const std::vector<plan::BoundParam>& params) {
  before(what, sql, params);
  auto start = Clock::now();
  std::vector<std::string> values;
  values.reserve(params.size());
  for (const plan::BoundParam& p : params) values.push_back(p.value);
  // Also without parameters: the extended protocol is what takes one statement only.
  pqxx::result r = tx_.exec_params(sql, pqxx::prepare::make_dynamic_params(values));
  after(start, r);
  return r;
}

pqxx::result SqlSession::exec_script(std::string_view what, const std::string& sql) {
  before(what, sql, {});
  auto start = Clock::now();
  pqxx::result r = tx_.exec(sql);
  after(start, r);
  return r;
}

MetricRow SqlSession::fetch_metrics(std::string_view what, const plan::MetricQuery& query) {
  pqxx::result r = exec(what, query.statement.sql, query.statement.params);
  if (r.size() != 1 || r.columns() != query.metrics.size())
    throw PlanProblem(fmt::format("{} returned {} rows of {} columns; expected one row of {}", what, r.size(),
                                  r.columns(), query.metrics.size()));
  MetricRow row;
  for (const pqxx::field& value : r[0]) row.push_back(nullable<std::string>(value));
  return row;
}

namespace {

/// Whether a failed metric select is the fault of a metric, which computing
/// each alone can find: a permanent error. A lost connection, a timeout, a
/// cancellation or a transient error fails the attempt as it is.
bool metric_fault(const pqxx::sql_error& e) {
  return classify_sqlstate(sqlstate_of(e)) == ErrorClass::Permanent;
}

}  // namespace

MetricRow SqlSession::fetch_metrics_isolating(std::string_view what, const plan::MetricQuery& query,
                                              std::vector<std::string>& broken) {
  broken.assign(query.metrics.size(), "");
  const bool alone = std::all_of(query.metrics.begin(), query.metrics.end(),
                                 [](const plan::Metric& m) { return !m.alone.sql.empty(); });
  if (!alone) return fetch_metrics(what, query);
  // One round trip, for tasks with expectations only: without it a failed
  // select aborts the transaction, and one broken warn-level check would
  // roll back the write and lose every other check's result.
  tx_.exec0("savepoint flow_metrics");
  std::exception_ptr failure;
  try {
    return fetch_metrics(what, query);
  } catch (const pqxx::sql_error& e) {
    if (!metric_fault(e)) throw;
    failure = std::current_exception();
    log_.line(fmt::format("the select failed ({}): each metric is computed on its own to tell which broke",
                          error_line(e.what())));
  }
  tx_.exec0("rollback to savepoint flow_metrics");
  MetricRow row;
  bool any_broken = false;
  for (size_t i = 0; i < query.metrics.size(); ++i) {
    const plan::Metric& metric = query.metrics[i];
    try {
      pqxx::result r = exec(metric.label, metric.alone.sql, metric.alone.params);
      if (r.size() != 1 || r.columns() != 1)
        throw PlanProblem(
            fmt::format("{} returned {} rows of {} columns", metric.label, r.size(), r.columns()));
      row.push_back(nullable<std::string>(r[0][0]));
    } catch (const pqxx::sql_error& e) {
      if (!metric_fault(e)) throw;
      tx_.exec0("rollback to savepoint flow_metrics");
      broken[i] = error_line(e.what());
      any_broken = true;
      row.emplace_back(std::nullopt);
    }
  }
  if (!any_broken) std::rethrow_exception(failure);
  return row;
}

bool NoticeLog::operator()(const char message[]) noexcept {
  try {
    std::string_view m(message);
    while (!m.empty() && m.back() == '\n') m.remove_suffix(1);
    log_.line(fmt::format("notice: {}", m));
  } catch (...) {
  }
  return true;
}

std::optional<Clock::time_point> deadline_of(const plan::Task& task) {
  if (task.timeout_seconds <= 0) return std::nullopt;
  return Clock::now() + std::chrono::seconds(task.timeout_seconds);
}

namespace {

/// libpqxx 6.4 drops the SQLSTATE of some of the exceptions it maps to its
/// own classes (insufficient_privilege among them); the class still says
/// which condition it was.
std::string sqlstate_of_type(const pqxx::sql_error& e) {
  if (dynamic_cast<const pqxx::insufficient_privilege*>(&e)) return "42501";
  if (dynamic_cast<const pqxx::undefined_table*>(&e)) return "42P01";
  if (dynamic_cast<const pqxx::undefined_column*>(&e)) return "42703";
  if (dynamic_cast<const pqxx::undefined_function*>(&e)) return "42883";
  if (dynamic_cast<const pqxx::syntax_error*>(&e)) return "42601";
  if (dynamic_cast<const pqxx::unique_violation*>(&e)) return "23505";
  if (dynamic_cast<const pqxx::foreign_key_violation*>(&e)) return "23503";
  if (dynamic_cast<const pqxx::not_null_violation*>(&e)) return "23502";
  if (dynamic_cast<const pqxx::check_violation*>(&e)) return "23514";
  if (dynamic_cast<const pqxx::integrity_constraint_violation*>(&e)) return "23000";
  if (dynamic_cast<const pqxx::data_exception*>(&e)) return "22000";
  if (dynamic_cast<const pqxx::disk_full*>(&e)) return "53100";
  if (dynamic_cast<const pqxx::out_of_memory*>(&e)) return "53200";
  if (dynamic_cast<const pqxx::too_many_connections*>(&e)) return "53300";
  if (dynamic_cast<const pqxx::insufficient_resources*>(&e)) return "53000";
  if (dynamic_cast<const pqxx::feature_not_supported*>(&e)) return "0A000";
  return "";
}

}  // namespace

std::string sqlstate_of(const pqxx::sql_error& e) { return e.sqlstate().empty() ? sqlstate_of_type(e) : e.sqlstate(); }

AttemptResult failure_from_exception(const AttemptContext& context, AttemptLog& log,
                                     const QueryWatchdog& watchdog, bool connection_open) {
  const ConnectionCut cut = watchdog.cut();
  const int64_t timeout_seconds = context.plan->tasks[context.task].timeout_seconds;
  AttemptResult r;
  r.outcome = AttemptResult::Outcome::Failed;
  r.error_class = ErrorClass::Permanent;
  std::string detail;
  try {
    throw;
  } catch (const pqxx::in_doubt_error& e) {
    r.error_class = ErrorClass::Transient;
    r.sqlstate = "08007";  // transaction_resolution_unknown
    r.reconnect = r.outcome_unknown = true;
    r.message = "connection to the target lost during COMMIT: the outcome is unknown";
    detail = e.what();
  } catch (const pqxx::too_many_connections& e) {
    // libpqxx 6.4 makes 53300 a broken connection; the server said it, and
    // it is class 53 (transient) like the rest of its class.
    r.error_class = ErrorClass::Transient;
    r.sqlstate = "53300";
    r.reconnect = true;
    r.message = error_line(e.what());
    detail = e.what();
  } catch (const pqxx::broken_connection& e) {
    detail = e.what();
    if (connection_open && cut == ConnectionCut::None) {
      // libpqxx 6.4 throws broken_connection for every SQLSTATE of class 08
      // the server sends, and drops the code. With the connection still
      // open, the server reported an error and the session goes on: a
      // connection the statement itself needed failed (postgres_fdw or
      // dblink cannot reach their server: 08001, 08006). Class 08 is
      // transient (runtime.md), retried on this connection; the class is
      // all that is known of the code.
      r.error_class = ErrorClass::Transient;
      r.sqlstate = "08000";
      r.message = error_line(e.what());
    } else {
      r.error_class = ErrorClass::Transient;
      r.sqlstate = "08006";  // connection_failure
      r.reconnect = true;
      // libpqxx 6.4, finding the session gone mid-statement, reports its
      // own follow-up failure ("Could not obtain client encoding: not
      // connected."), not what the server said; that says nothing to a reader.
      const std::string said = error_line(e.what());
      r.message = said.find("not connected") != std::string::npos
                      ? "connection to the target lost: the server ended the session (a restart or shutdown, "
                        "pg_terminate_backend, or the network)"
                      : "connection to the target lost: " + said;
    }
    const auto grace = QueryWatchdog::kCancelGrace.count();
    if (cut == ConnectionCut::Deadline) {
      r.error_class = ErrorClass::Timeout;
      r.sqlstate = "57014";
      r.message = fmt::format(
          "timed out after {}s: the server did not end the statement, nor answer a cancel within {}s; flowc "
          "closed the connection",
          timeout_seconds, grace);
    } else if (cut == ConnectionCut::Stop) {
      mark_cancelled(r,
                     fmt::format("{}; the server did not answer the cancel within {}s, so flowc closed the "
                                 "connection",
                                 kCancelledByStop, grace));
    }
  } catch (const pqxx::sql_error& e) {
    r.sqlstate = sqlstate_of(e);
    r.error_class = r.sqlstate.empty() ? ErrorClass::Permanent : classify_sqlstate(r.sqlstate);
    r.message = error_line(e.what());
    const plan::Task& task = context.plan->tasks[context.task];
    if (task.mode == plan::WriteMode::Merge && r.sqlstate == "21000") {
      // PostgreSQL's words ("ON CONFLICT DO UPDATE command cannot affect row
      // a second time", and a hint about "proposed" rows) do not say which
      // rows: the select's.
      r.message += fmt::format(
          " (merge({}): the select returns some key more than once; a merge takes one row "
          "per key)",
          fmt::join(task.merge_key, ", "));
    } else {
      // Where in the project the server points, and its hint: what the
      // log's `LINE n` (of the statement sent, not of the file) does not say.
      const std::string where = sql_error_location(task, e.what(), e.query());
      const std::string hint = error_hint(e.what());
      if (!where.empty() || !hint.empty())
        r.message +=
            fmt::format(" ({}{}{})", where.empty() ? "" : "at " + where,
                        !where.empty() && !hint.empty() ? "; " : "", hint.empty() ? "" : "hint: " + hint);
    }
    if (r.sqlstate.starts_with("08")) r.reconnect = true;
    if (r.sqlstate == "57014" && context.stop.stop_requested()) {
      // Cancelled by us because the lease was lost or the run cancelled, not
      // by statement_timeout: another attempt may follow.
      mark_cancelled(r);
    } else if (r.sqlstate == "57014" && watchdog.deadline_passed()) {
      r.message = fmt::format("timed out after {}s: {}", timeout_seconds, r.message);
    } else if (r.sqlstate == "57014") {
      // Not the task's timeout, which has none or has time left: the same
      // statement is likely cancelled again (a DBA's cancel means stop).
      r.error_class = ErrorClass::Permanent;
      r.message = fmt::format(
          "cancelled by the server, not by flowc's timeout (another session's pg_cancel_backend, a "
          "statement_timeout of the role or database, or the SQL raising 57014): {}",
          r.message);
    }
    detail = e.what();
  } catch (const pqxx::transaction_rollback& e) {
    // libpqxx 6.4 throws these for class 40 without keeping the SQLSTATE:
    // the type says which; any other code of the class is recorded as the
    // class (40000). Only 40001 and 40P01 are transient (runtime.md): a
    // deferred constraint failing at COMMIT (40002) fails the same way again.
    r.sqlstate = dynamic_cast<const pqxx::serialization_failure*>(&e)          ? "40001"
                 : dynamic_cast<const pqxx::deadlock_detected*>(&e)            ? "40P01"
                 : dynamic_cast<const pqxx::statement_completion_unknown*>(&e) ? "40003"
                                                                               : "40000";
    r.error_class = classify_sqlstate(r.sqlstate);
    r.message = error_line(e.what());
    detail = e.what();
  } catch (const DeadlineExpired&) {
    r.error_class = ErrorClass::Timeout;
    r.sqlstate = "57014";
    r.message = fmt::format("timed out after {}s", timeout_seconds);
  } catch (const StopRequested&) {
    mark_cancelled(r);
  } catch (const PlanProblem& e) {
    r.message = e.what();
  } catch (const pqxx::failure& e) {
    r.message = error_line(e.what());
    detail = e.what();
  } catch (const std::exception& e) {
    r.message = e.what();
  } catch (...) {
    r.message = "unknown error";
  }
  r.message = log.scrub(r.message);
  log.line(fmt::format("error ({}{}{}): {}", to_string(r.error_class), r.sqlstate.empty() ? "" : ", SQLSTATE ",
                       r.sqlstate, r.message));
  if (!detail.empty() && detail.find('\n') != std::string::npos) log.block("server said:", detail);
  return r;
}

bool run_expectations(SqlSession& session, const plan::Task& task, const AttemptContext& context,
                      AttemptResult& result) {
  if (!task.metrics || task.checks.empty()) return true;
  std::vector<std::string> broken;
  MetricRow row = session.fetch_metrics_isolating("expectations", *task.metrics, broken);
  result.expectations = evaluate_checks(task.checks, task.conditions, task.metrics->metrics, row,
                                        context.previous_value);
  std::vector<std::string> errors, warnings;
  for (size_t i = 0; i < task.checks.size(); ++i) {
    const plan::Check& check = task.checks[i];
    const ExpectationResult& r = result.expectations[i];
    std::string values = describe_values(task.conditions, check.condition, task.metrics->metrics, row);
    // A metric that could not be computed fails each check that reads it
    // (it is NULL), which says so, not what its NULL compared to.
    std::string cause;
    const std::vector<uint32_t> read = metrics_read(task.conditions, check.condition);
    for (uint32_t m : read)
      if (m < broken.size() && !broken[m].empty() && cause.empty())
        cause = fmt::format("{} could not be computed: {}", task.metrics->metrics[m].label, broken[m]);
    // Even where its logic would pass without it (`broken > 5 or ...`).
    if (!cause.empty()) result.expectations[i].passed = false;
    session.log().line(fmt::format("expect `{}`{}: {} -> {}{}", check.name, check.warn ? " (warn)" : "",
                                   values.empty() ? "no metric" : values, r.passed ? "passed" : "FAILED",
                                   cause.empty() ? "" : " (" + cause + ")"));
    if (r.passed) continue;
    std::string text = fmt::format("expectation `{}` failed{}{}", check.name, values.empty() ? "" : ": ", values);
    // The cause first; the other metrics' values after it.
    if (!cause.empty())
      text = fmt::format("expectation `{}` failed: {}{}", check.name, cause,
                         read.size() > 1 ? " (" + values + ")" : "");
    (check.warn ? warnings : errors).push_back(std::move(text));
  }
  result.warnings = !warnings.empty();
  auto summary = [](const std::vector<std::string>& list) {
    return list.size() == 1 ? list[0] : fmt::format("{} (and {} more)", list[0], list.size() - 1);
  };
  if (!errors.empty()) {
    result.outcome = AttemptResult::Outcome::Failed;
    result.error_class = ErrorClass::Permanent;
    result.expectation_failed = true;
    result.message = summary(errors);
    return false;
  }
  if (!warnings.empty()) result.message = "warning: " + summary(warnings);
  return true;
}

void commit_success(pqxx::transaction_base& tx, const RecordSuccess* record, AttemptResult& result,
                    AttemptLog& log) {
  result.outcome = AttemptResult::Outcome::Succeeded;
  result.error_class = ErrorClass::None;
  bool recording = record != nullptr && static_cast<bool>(*record);
  if (recording && !(*record)(tx, result)) {
    tx.abort();
    result.outcome = AttemptResult::Outcome::Failed;
    result.error_class = ErrorClass::Transient;
    result.message = "lease lost";
    result.rows_written = -1;
    log.line("lease lost before COMMIT: rolled back");
    return;
  }
  tx.commit();
  result.recorded_in_transaction = recording;
  log.line(recording ? "committed (with the success record)" : "committed");
}

void ensure_schema(pqxx::connection_base& connection, const std::string& schema, AttemptLog& log) {
  for (int attempt = 0;; ++attempt) {
    try {
      pqxx::work tx(connection, "flowc_schema");
      tx.exec0("create schema if not exists " + plan::quote_identifier(schema));
      tx.commit();
      return;
    } catch (const pqxx::sql_error& e) {
      // A concurrent `create schema if not exists` of the same name loses
      // with unique_violation; the schema exists now, so once more succeeds.
      if (attempt == 0 && (e.sqlstate() == "23505" || e.sqlstate() == "42P06")) {
        log.line("schema " + schema + " created concurrently; retrying");
        continue;
      }
      throw;
    }
  }
}

}  // namespace flowc::runtime::materialize_detail
