#include "runtime/materialize/runner.h"

#include <fmt/format.h>

#include <cstdlib>

#include <chrono>

#include "runtime/materialize/sql_session.h"

namespace flowc::runtime {

namespace {

AttemptResult refuse(AttemptLog& log, std::string message) {
  AttemptResult r;
  r.outcome = AttemptResult::Outcome::Failed;
  r.error_class = ErrorClass::Permanent;
  r.message = std::move(message);
  log.line("error: " + r.message);
  return r;
}

std::string_view kind_name(plan::TaskKind kind) {
  switch (kind) {
    case plan::TaskKind::Source: return "source";
    case plan::TaskKind::Sql: return "sql task";
    case plan::TaskKind::Command: return "command task";
  }
  return "task";
}

std::string_view outcome_name(AttemptResult::Outcome outcome) {
  switch (outcome) {
    case AttemptResult::Outcome::Succeeded: return "succeeded";
    case AttemptResult::Outcome::Failed: return "failed";
    case AttemptResult::Outcome::NotReady: return "not ready";
  }
  return "";
}

AttemptResult perform(const AttemptContext& context, AttemptLog& log) {
  try {
    if (!context.plan || context.task >= context.plan->tasks.size())
      return refuse(log, "no such task in the plan");
    const plan::Plan& plan = *context.plan;
    const plan::Task& task = plan.tasks[context.task];
    log.redact(context.target_dsn);
    // Every secret the run reads, not only this task's: a server's error may
    // echo any stored value (`invalid input syntax ...: "<token>"`).
    for (const std::string& name : plan::secret_env_names(plan))
      if (const char* value = std::getenv(name.c_str())) log.redact(value);
    log.line(fmt::format("attempt {} of {} `{}` (workflow {}, run {}, ds {}, env {}) on {}", context.attempt,
                         kind_name(task.kind), task.name, plan.workflow, context.run_id, plan.ds,
                         plan::env_name(plan.env), context.worker));
    if (context.stop.stop_requested()) {
      AttemptResult r = refuse(log, "cancelled before it started: the lease was lost or the run was cancelled");
      mark_cancelled(r, r.message);
      return r;
    }
    if (task.kind == plan::TaskKind::Command) return materialize_detail::run_command_task(context, log);
    if (!context.target && context.connect_target) {
      // Connected here, with the log open: a connection that fails is in it.
      AttemptContext connected = context;
      std::string error;
      connected.target = context.connect_target(error);
      if (!connected.target) {
        // The task's timeout bounds connecting too (libpq's connect_timeout,
        // Executor::target_connection): its running out is a timeout.
        const bool timed_out = task.timeout_seconds > 0 && error.find("timeout expired") != std::string::npos;
        AttemptResult r = refuse(
            log, timed_out ? fmt::format("timed out after {}s: {}", task.timeout_seconds, log.scrub(error))
                 : error.empty() ? "cannot connect to the target database"
                                 : log.scrub(error));
        r.error_class = timed_out ? ErrorClass::Timeout : ErrorClass::Transient;
        r.sqlstate = "08006";
        return r;
      }
      return task.kind == plan::TaskKind::Source ? materialize_detail::run_source(connected, log)
                                                 : materialize_detail::run_sql_task(connected, log);
    }
    if (!context.target)
      return refuse(
          log, context.no_target_reason.empty() ? "no connection to the target" : context.no_target_reason);
    if (task.kind == plan::TaskKind::Source) return materialize_detail::run_source(context, log);
    return materialize_detail::run_sql_task(context, log);
  } catch (const std::exception& e) {
    // The kinds catch their own errors; this is the last line (bad_alloc, a
    // pqxx error while registering the notice handler).
    return refuse(log, log.scrub(e.what()));
  } catch (...) {
    return refuse(log, "unknown error");
  }
}

}  // namespace

AttemptResult PostgresTaskRunner::run(const AttemptContext& context) {
  auto start = std::chrono::steady_clock::now();
  AttemptLog log(context.log_path);
  AttemptResult result = perform(context, log);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::string detail = result.error_class == ErrorClass::None ? "" : fmt::format(" ({})", to_string(result.error_class));
  log.line(fmt::format("outcome: {}{} in {} ms{}{}", outcome_name(result.outcome), detail, ms,
                       result.message.empty() ? "" : ": ", result.message));
  result.log_error = log.error();
  return result;
}

void PostgresTaskRunner::note_in_log(const std::string& log_path, std::string_view line) {
  if (log_path.empty()) return;
  AttemptLog log(log_path);
  log.line(line);
}

}  // namespace flowc::runtime
