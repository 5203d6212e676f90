// What happens after an attempt: retry, wait, or a final state. Pure
// functions of the plan's policies, so they are tested without a database.
#pragma once

#include <chrono>
#include <string>

#include "compiler/plan/plan.h"
#include "runtime/attempt/attempt.h"
#include "runtime/events/events.h"

namespace flowc::runtime::exec {

/// The wait before the attempt after `failed_attempt` (1-based): `initial`
/// (fixed) or `initial * 2^(failed_attempt-1)` (exponential), capped at
/// `max_seconds`, then scaled by a jitter factor in [0.75, 1] from
/// `unit_random` in [0, 1) so that retries of many tasks spread out.
std::chrono::milliseconds retry_delay(const plan::RetryPolicy& policy, uint32_t failed_attempt, double unit_random);

/// The next state of a task instance after one attempt.
struct Decision {
  TaskState state = TaskState::Failed;   // Succeeded, RetryWait, Waiting, Failed or TimedOut
  std::chrono::milliseconds not_before{0};  // RetryWait / Waiting
  ErrorClass error_class = ErrorClass::None;
  std::string message;
  /// A final failure: one incident, dependents blocked.
  [[nodiscard]] bool final_failure() const { return state == TaskState::Failed || state == TaskState::TimedOut; }
};

/// After a failed attempt: transient errors retry while attempts remain,
/// every error does with `retry.on_any`, except failed error-level
/// expectations (bad data is permanent). A timeout that is not retried ends
/// in TimedOut.
Decision decide_failure(const plan::RetryPolicy& retry, const AttemptResult& result, uint32_t attempt,
                        uint32_t max_attempts, double unit_random);

/// After a wait condition did not hold (a readiness probe, or another
/// workflow's task): wait `poll` more while `wait` since the run started has
/// not elapsed (a probe is always made at the deadline), else end TimedOut
/// (error class timeout) with the message "<what> after <wait>".
Decision decide_not_ready(std::chrono::seconds wait, std::chrono::seconds poll, std::chrono::milliseconds since_start,
                          const std::string& what);

/// How many attempts of one task instance may be lost (their executor died,
/// its lease expired) before flowc stops re-running it by itself.
inline constexpr uint32_t kMaxLostAttempts = 3;

/// What the executor that reclaims an expired lease does with the task.
struct ReclaimDecision {
  enum class Action : uint8_t {
    RunFree,      // run it again; the lost attempt does not count against the retries
    RunSpending,  // run it again as a retry (the lost attempt counts)
    Fail,         // record the final failure `message`; nothing runs
  };
  Action action = Action::Fail;
  std::string message;
};

/// Whether an attempt of `task` that was lost may simply run again: the
/// task is idempotent, a source (a probe), or SQL whose success is recorded
/// in its write's transaction (`state_in_target`: a dead executor's
/// transaction committed nothing).
bool safe_to_repeat(const plan::Task& task, bool state_in_target);

/// After an attempt was lost (the `lost`-th of this instance since its
/// latest retry, attempt `attempt` of `max_attempts`). Re-running is safe
/// when the task is idempotent, or is SQL whose success is recorded in its
/// write's transaction (`state_in_target`): a dead executor's transaction
/// committed nothing. Such a task runs again for free up to
/// kMaxLostAttempts lost attempts. Otherwise (a command that may have run
/// partly, a SQL write that may have committed unrecorded, or the bound
/// reached) it runs again only as a retry while retries remain, else fails
/// saying why.
ReclaimDecision decide_reclaim(const plan::Task& task, bool state_in_target, uint32_t lost, uint32_t attempt,
                               uint32_t max_attempts);

}  // namespace flowc::runtime::exec
