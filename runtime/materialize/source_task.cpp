// One attempt of a source: one readiness probe, then (once ready) the
// source's expectations. The executor polls: NotReady means "ask again after
// `poll`", and the `wait` bound is the executor's.
#include <fmt/format.h>

#include "runtime/materialize/sql_session.h"

namespace flowc::runtime::materialize_detail {

namespace {

/// How long the probe made when the wait ends may take at most: as long as
/// the wait, up to this.
constexpr std::chrono::seconds kLastProbeTime{30};

/// When the probe starting now must have ended: the end of the wait, or a
/// later time for the last probe (made at the end), or the task's
/// `deadline` when that comes first.
std::optional<Clock::time_point> probe_deadline(const AttemptContext& context,
                                                std::optional<Clock::time_point> deadline) {
  const plan::Task& task = context.plan->tasks[context.task];
  if (!context.readiness_ends || !task.readiness) return deadline;
  const auto last_probe = std::min<std::chrono::seconds>(
      kLastProbeTime, std::chrono::seconds(std::max<int64_t>(task.readiness->wait_seconds, 1)));
  const Clock::time_point wait_ends = std::max(*context.readiness_ends, Clock::now() + last_probe);
  return deadline && *deadline < wait_ends ? deadline : wait_ends;
}

/// A probe that failed for a reason that passes (a transient error: a
/// connection lost, a serialization failure) is not ready yet: probed again
/// until the wait ends, as a table still missing is. `failed` is the
/// failure as an attempt's.
AttemptResult not_ready_yet(const AttemptResult& failed) {
  AttemptResult result;
  result.outcome = AttemptResult::Outcome::NotReady;
  result.error_class = ErrorClass::None;
  result.sqlstate = failed.sqlstate;
  result.reconnect = failed.reconnect;
  result.message = "the probe failed: " + failed.message;
  return result;
}

/// The probe and the expectations (see on_target).
AttemptResult probe_and_check(const AttemptContext& context, AttemptLog& log,
                              std::optional<Clock::time_point> deadline, const QueryWatchdog& watchdog) {
  pqxx::connection& connection = *context.target;
  const plan::Task& task = context.plan->tasks[context.task];
  AttemptResult result;
  bool probing = false;
  const std::optional<Clock::time_point> probe_ends = probe_deadline(context, deadline);
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
        probing = true;
        SqlSession probe(tx, log, probe_ends, context.stop);
        row = probe.fetch_metrics("readiness", ready.metrics);
        probing = false;
        // The probe's bound is not the checks': they have the task's own.
        if (probe_ends != deadline && !deadline)
          s.exec("the checks have no timeout", "set local statement_timeout to default");
      } catch (const pqxx::sql_error& e) {
        // A table that does not exist (its schema neither, which reads the
        // same) has not landed yet: the upstream that creates it may not
        // have run. That is not ready, as an empty table is, and the wait
        // bounds it; a mistyped name shows in the waiting message, and
        // `flowc check --db` finds it before merge.
        const std::string state = sqlstate_of(e);
        // Cancelled by the wait's end (its statement timeout): not ready.
        const bool wait_ended =
            state == "57014" && probe_ends && probe_ends != deadline && Clock::now() >= *probe_ends;
        if (state != "42P01" && !wait_ended) throw;
        tx.abort();
        const std::string reason =
            wait_ended ? "the probe was still running when the wait ended: " + error_line(e.what())
                       : error_line(e.what());
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
    if (!connection.is_open()) failed.reconnect = true;
    if (probing && !failed.cancelled && failed.error_class == ErrorClass::Transient)
      return not_ready_yet(failed);
    failed.expectations = std::move(result.expectations);
    if (read_only && failed.sqlstate == "25006")
      failed.message += " (a mirror run reads its sources only: a `ready` or `expect` metric may not write)";
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
