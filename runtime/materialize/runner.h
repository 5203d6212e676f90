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
  /// and writes its log to `context.log_path`. SQL tasks and sources need
  /// `context.target`; command tasks ignore it.
  AttemptResult run(const AttemptContext& context) override;
};

}  // namespace flowc::runtime
