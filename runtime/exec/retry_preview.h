// `flowc retry RUN_ID [--task T] --dry-run`: what a retry would run again and
// what it would keep, and for each task it runs whether running it again is
// safe (runtime.md: "can we safely retry one step"). It reads the state
// database and writes nothing; which tasks run is choose_retry()'s decision,
// the retry's own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/plan/plan.h"
#include "runtime/exec/exec.h"
#include "runtime/state/store.h"

namespace flowc::runtime::exec {

/// Whether running a task instance again can repeat an effect of its earlier
/// attempts, and why (one line).
struct RepeatVerdict {
  bool safe = true;
  std::string why;
};

/// Why a task that is not idempotent repeats an effect when it runs again
/// after a success: "a command not declared idempotent", "mode append" or
/// "mode none, not declared idempotent" (the dry run's and the backfill's words).
std::string what_repeats(const plan::Task& task);

/// The verdict for running `task` again, its instance in `state` after the
/// attempts `ends` (this instance's, in order; one still running counts as
/// lost: a retry runs it again only when its process is gone or its lease
/// expired). Safe: a
/// readiness check, an idempotent task, a task that has not run, SQL whose
/// attempts all failed (one transaction each, rolled back). Not safe: a task
/// that is not idempotent and succeeded (`append` appends again, mode `none`
/// and commands run again), a command that is not idempotent and ran (it may
/// have done part of its work), SQL that is not idempotent with an attempt
/// lost while the state database is not the target (`state_in_target`: its
/// write may have committed without its success being recorded).
/// `earlier_success`: the latest earlier run of the same day in which the
/// task succeeded (0: none), whose effect a task that is not idempotent
/// repeats though it has not run in this one, or failed in it.
RepeatVerdict judge_repeat(const plan::Task& task, TaskState state,
                           const std::vector<state::AttemptEnd>& ends, bool state_in_target,
                           int64_t earlier_success = 0);

/// One task of the run, as the retry would treat it.
struct RetryStep {
  enum class Action : uint8_t {
    Keep,  // left as it is (succeeded upstream, or outside --task)
    Run,   // runs again with a fresh attempt budget
    Wait,  // a live lease's holder runs its attempt: the retry waits for it
  };
  uint32_t index = 0;              // the plan's task
  std::optional<TaskState> state;  // as recorded (nullopt: the run has no row for it)
  uint32_t attempts = 0;           // made so far
  Action action = Action::Keep;
  RepeatVerdict verdict;  // Run: judge_repeat(); Keep and Wait: safe, and why
};

struct RetryPreview {
  /// Finished: the preview is below. Refused: the retry would be refused,
  /// `message` says why in its own words. Error: the state database could
  /// not be read.
  RunResult::Outcome outcome = RunResult::Outcome::Error;
  std::string message;
  RunStatus run_status = RunStatus::Failed;
  std::string stage;             // the run's stage (model, mirror, production)
  std::vector<RetryStep> steps;  // in plan order
  /// Every task that would run again may safely repeat.
  [[nodiscard]] bool safe() const;
  /// How many steps take `action`.
  [[nodiscard]] size_t count(RetryStep::Action action) const;
};

/// Reads run `selection.run_id` from `request.state_dsn` and says what
/// retry_run(request, selection) would do, refusing as it would refuse (a
/// run in progress, nothing to retry, an upstream of --task that did not
/// succeed, ...), and also a state schema older than this flowc's (the
/// retry would upgrade it; its dry run only reads). `request.plan` must be
/// the run's stored plan. Never throws; writes nothing.
RetryPreview preview_retry(const RunRequest& request, const RetrySelection& selection);

}  // namespace flowc::runtime::exec
