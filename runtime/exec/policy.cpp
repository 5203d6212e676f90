#include "runtime/exec/policy.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "compiler/spelling/spelling.h"

namespace flowc::runtime::exec {

using std::chrono::milliseconds;
using std::chrono::seconds;

milliseconds retry_delay(const plan::RetryPolicy& policy, uint32_t failed_attempt, double unit_random) {
  double initial = static_cast<double>(std::max<int64_t>(policy.initial_seconds, 0)) * 1000.0;
  double cap = static_cast<double>(std::max<int64_t>(policy.max_seconds, 0)) * 1000.0;
  double delay = initial;
  if (policy.exponential && failed_attempt > 1)
    delay = initial * std::pow(2.0, std::min<double>(failed_attempt - 1, 40));
  if (cap > 0) delay = std::min(delay, cap);
  double jitter = 0.75 + 0.25 * std::clamp(unit_random, 0.0, 1.0);
  return milliseconds(static_cast<int64_t>(delay * jitter));
}

Decision decide_failure(const plan::RetryPolicy& retry, const AttemptResult& result, uint32_t attempt,
                        uint32_t max_attempts, double unit_random) {
  Decision decision;
  decision.error_class = result.expectation_failed ? ErrorClass::Permanent : result.error_class;
  if (decision.error_class == ErrorClass::None) decision.error_class = ErrorClass::Permanent;
  decision.message = result.message;
  // runtime.md: only transient errors retry by default; a timeout is its
  // own class, retried with `retry(on = any)`.
  bool retryable = !result.expectation_failed && (retry.on_any || decision.error_class == ErrorClass::Transient);
  if (retryable && attempt < max_attempts) {
    decision.state = TaskState::RetryWait;
    // Which attempt of its budget this is: a `flowc retry` gives a fresh
    // budget after the run's attempts (and a lost attempt one more), and
    // the backoff starts again with it.
    const uint32_t budget = 1 + retry.retries;
    const uint32_t nth = max_attempts > budget && attempt > max_attempts - budget
                             ? attempt - (max_attempts - budget)
                             : attempt;
    decision.not_before = retry_delay(retry, nth, unit_random);
    return decision;
  }
  decision.state = decision.error_class == ErrorClass::Timeout ? TaskState::TimedOut : TaskState::Failed;
  if (retryable && max_attempts > 1)
    decision.message += " (after " + std::to_string(attempt) + " attempts)";
  return decision;
}

Decision decide_not_ready(seconds wait, seconds poll, milliseconds since_start, const std::string& what) {
  Decision decision;
  milliseconds remaining = std::chrono::duration_cast<milliseconds>(wait) - since_start;
  if (remaining <= milliseconds(0)) {
    // A wait that ran out is a timeout, as a task's own timeout is: one
    // rule, error class `timeout` <=> state `timed_out`.
    decision.state = TaskState::TimedOut;
    decision.error_class = ErrorClass::Timeout;
    decision.message = what + " after " + spelling::duration_text(wait.count());
    return decision;
  }
  decision.state = TaskState::Waiting;
  decision.not_before = std::min<milliseconds>(std::max<milliseconds>(poll, milliseconds(1)), remaining);
  decision.message = what;
  return decision;
}

bool safe_to_repeat(const plan::Task& task, bool state_in_target) {
  return task.idempotent || task.kind == plan::TaskKind::Source ||
         (task.kind == plan::TaskKind::Sql && state_in_target);
}

ReclaimDecision decide_reclaim(const plan::Task& task, bool state_in_target, uint32_t lost, uint32_t attempt,
                               uint32_t max_attempts) {
  using Action = ReclaimDecision::Action;
  const bool safe = safe_to_repeat(task, state_in_target);
  ReclaimDecision decision;
  if (safe && lost < kMaxLostAttempts) {
    decision.action = Action::RunFree;
    return decision;
  }
  if (attempt < max_attempts) {
    decision.action = Action::RunSpending;
    return decision;
  }
  decision.action = Action::Fail;
  const std::string died = fmt::format("the executor running attempt {} died mid-attempt", attempt);
  if (safe) {
    decision.message = fmt::format("{}: {} attempts of this task were lost with their executors, so flowc does not "
                                   "run it again by itself (`flowc retry` does)",
                                   died, lost);
  } else if (task.kind == plan::TaskKind::Command) {
    decision.message = died + ": the command may have run partly and the task is not idempotent, so flowc does "
                              "not run it again by itself (`flowc retry` does)";
  } else {
    decision.message = died + ": its write may have committed without its success being recorded and the task is "
                              "not idempotent, so flowc does not run it again by itself (`flowc retry` does)";
  }
  return decision;
}

}  // namespace flowc::runtime::exec
