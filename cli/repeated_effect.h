// A new run of a day that earlier runs already did part of: which task it
// would repeat an effect of (a task that is not idempotent and succeeded in
// one of them: not only the latest, as a failed run after a good one leaves
// the good one's appended rows in place). `flowc backfill` refuses such a day; `flowc run --ds`, asked
// for that day by name, says so before it starts.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "compiler/plan/plan.h"
#include "runtime/state/store.h"

namespace flowc::cli {

struct RepeatedEffect {
  std::string task;    // the task's name
  std::string what;    // what it does (`mode append`), exec::what_repeats
  std::string effect;  // what a new run would do: "append its rows a second time"
  int64_t run_id = 0;  // the latest run of the day it succeeded in
};

/// Whether `task`, once it succeeded, repeats an effect when it runs again:
/// a task or command that is not idempotent (a source only reads).
bool repeats_effect(const plan::Task& task);

/// What a new run would do again of `task`, which succeeded before:
/// "append its rows a second time" (SQL, mode append), else "run it a
/// second time".
std::string effect_repeated_by(const plan::Task& task);

/// The tasks of `plan` that are not idempotent and succeeded in run
/// `run_id` or an earlier run of its day, in plan order; none when there is
/// none, or the runs cannot be read (the run itself then reads the state
/// again, and says what is wrong).
std::vector<RepeatedEffect> repeated_effects(runtime::state::StateStore& store, const plan::Plan& plan,
                                             int64_t run_id);

/// The first of repeated_effects().
std::optional<RepeatedEffect> repeated_effect(runtime::state::StateStore& store, const plan::Plan& plan,
                                              int64_t run_id);

/// Whether `run` is still driven by a live process: a new run of its day is
/// then refused as in progress, and repeats nothing.
bool driven_now(runtime::state::StateStore& store, const runtime::state::DayRun& run);

/// Where a task that is not idempotent got partly through its work, none
/// of its attempts succeeding: `what` is "task T (<why>)" for a command
/// that ran (killed mid-way, or failed after some of its work) or SQL whose
/// write may have stayed, as `flowc retry --dry-run` judges a run
/// (exec::judge_repeat); `run_id` the run it was in.
struct PartlyDone {
  int64_t run_id = 0;
  std::string what;  // "" when none did
};

/// The latest run of `run_id`'s day, up to `run_id`, whose attempts got
/// partly through such a task: a new run of the day would run it again
/// over what it did. None when none did, or the runs cannot be read.
PartlyDone partly_done(runtime::state::StateStore& store, const plan::Plan& plan, int64_t run_id,
                       bool state_in_target);

/// Why a new run of a day whose latest run `run` did not succeed would
/// repeat an effect: a task that is not idempotent succeeded in it, or in an
/// earlier run of the day, or none succeeded but an attempt of it in `run`
/// may have done part of its work (a command that ran; SQL as
/// `exec::judge_repeat` says, with `state_in_target`); `otherwise` ends it
/// with what the operator may do instead ("pass --force"). "" when none
/// did, and for a run a live process still drives (the new run is refused
/// as in progress then).
std::string repeated_by_new_run(runtime::state::StateStore& store, const plan::Plan& plan,
                                const runtime::state::DayRun& run, bool state_in_target,
                                std::string_view otherwise);

}  // namespace flowc::cli
