// The TaskRunner the executors use: performs one attempt of one plan task
// against PostgreSQL (SQL tasks in one transaction per attempt, source
// readiness probes and expectations) or as a subprocess (command tasks).
// docs/tasks.md describes what each kind and write mode sends.
#pragma once

#include "runtime/attempt/attempt.h"

namespace flowc::runtime {

/// Stateless and thread-safe: every executor calls the same instance with
/// its own connection in AttemptContext::target. Never throws: every failure
/// is an AttemptResult (SQLSTATE and class, exit code, message).
class PostgresTaskRunner final : public TaskRunner {
 public:
  /// Performs attempt `context.attempt` of `context.plan->tasks[context.task]`
  /// and writes its log to `context.log_path` (AttemptResult::log_error says
  /// when it could not). SQL tasks and sources need `context.target`, or
  /// `context.connect_target` to make it once the log is open (a failed
  /// connection is a transient failure, SQLSTATE 08006, written in the
  /// log); command tasks ignore both.
  AttemptResult run(const AttemptContext& context) override;
  /// One timestamped line appended to the attempt's log.
  void note_in_log(const std::string& log_path, std::string_view line) override;
};

}  // namespace flowc::runtime
