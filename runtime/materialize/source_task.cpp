// One attempt of a source: one readiness probe, then (once ready) the
// source's expectations. The executor polls: NotReady means "ask again after
// `poll`", and the `wait` bound is the executor's.
#include <fmt/format.h>

#include "runtime/materialize/sql_session.h"

namespace flowc::runtime::materialize_detail {

namespace {

/// The probe and the expectations (see on_target).
AttemptResult probe_and_check(const AttemptContext& context, AttemptLog& log,
                              std::optional<Clock::time_point> deadline, const QueryWatchdog& watchdog) {
  pqxx::connection& connection = *context.target;
  const plan::Task& task = context.plan->tasks[context.task];
  AttemptResult result;
  // A mirror run never writes a production table (runtime.md), and a source
  // is one: its probe and expectations run read-only there (a `sql(...)`
  // metric calling a function that writes fails), and its success is then
  // recorded by the executor after this transaction, not in it.
  const bool read_only = context.plan->stage == plan::Stage::Mirror;
  try {
    pqxx::work tx(connection, "flowc_source");
    SqlSession s(tx, log, deadline, context.stop);
    if (read_only) s.exec("a mirror run reads its sources only", "set transaction read only");
    if (task.readiness) {
      const plan::Readiness& ready = *task.readiness;
      MetricRow row;
      try {
        row = s.fetch_metrics("readiness", ready.metrics);
      } catch (const pqxx::sql_error& e) {
        // A table that does not exist (its schema neither, which reads the
        // same) has not landed yet: the upstream that creates it may not
        // have run. That is not ready, as an empty table is, and the wait
        // bounds it; a mistyped name shows in the waiting message, and
        // `flowc check --db` finds it before merge.
        const std::string state = sqlstate_of(e);
        if (state != "42P01") throw;
        tx.abort();
        const std::string reason = error_line(e.what());
        log.line(fmt::format("ready = {}: {} -> does not hold", ready.text, reason));
        result.outcome = AttemptResult::Outcome::NotReady;
        result.error_class = ErrorClass::None;
        result.sqlstate = state;  // the executor adds the reason to its waiting and timeout messages
        result.message = reason;
        return result;
      }
      Truth holds = evaluate_condition(ready.conditions, ready.condition, ready.metrics.metrics, row, "ready",
                                       context.previous_value);
      std::string values = describe_values(ready.conditions, ready.condition, ready.metrics.metrics, row);
      log.line(fmt::format("ready = {}: {} -> {}", ready.text, values.empty() ? "no metric" : values,
                           holds == Truth::True ? "holds" : "does not hold"));
      if (holds != Truth::True) {
        tx.abort();
        result.outcome = AttemptResult::Outcome::NotReady;
        result.error_class = ErrorClass::None;
        result.readiness_values = values;
        result.message =
            "not ready: " + (values.empty() ? ready.text : fmt::format("{} ({})", ready.text, values));
        return result;
      }
    }
    if (!run_expectations(s, task, context, result)) {
      tx.abort();
      return result;
    }
    commit_success(tx, read_only ? nullptr : &context.record_success_in, result, log);
  } catch (...) {
    AttemptResult failed = failure_from_exception(context, log, watchdog, connection.is_open());
    failed.expectations = std::move(result.expectations);
    if (read_only && failed.sqlstate == "25006")
      failed.message += " (a mirror run reads its sources only: a `ready` or `expect` metric may not write)";
    if (!connection.is_open()) failed.reconnect = true;
    return failed;
  }
  return result;
}

}  // namespace

AttemptResult run_source(const AttemptContext& context, AttemptLog& log) {
  return on_target(context, log, [&](std::optional<Clock::time_point> deadline, const QueryWatchdog& watchdog) {
    return probe_and_check(context, log, deadline, watchdog);
  });
}

}  // namespace flowc::runtime::materialize_detail
