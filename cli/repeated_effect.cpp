#include "cli/repeated_effect.h"

#include <fmt/format.h>

#include "runtime/exec/retry_preview.h"

namespace flowc::cli {

bool repeats_effect(const plan::Task& task) {
  return !task.idempotent && task.kind != plan::TaskKind::Source;
}

std::string effect_repeated_by(const plan::Task& task) {
  return task.mode == plan::WriteMode::Append && task.kind == plan::TaskKind::Sql
             ? "append its rows a second time"
             : "run it a second time";
}

std::vector<RepeatedEffect> repeated_effects(runtime::state::StateStore& store, const plan::Plan& plan,
                                             int64_t run_id) {
  std::vector<RepeatedEffect> out;
  runtime::state::DaySuccesses done = store.day_successes(run_id);
  if (!done.status) return out;
  for (const plan::Task& task : plan.tasks) {
    if (!repeats_effect(task)) continue;
    for (const runtime::state::DaySuccess& success : done.tasks) {
      if (success.task != task.name) continue;
      out.push_back({task.name, runtime::exec::what_repeats(task), effect_repeated_by(task), success.run_id});
      break;
    }
  }
  return out;
}

std::optional<RepeatedEffect> repeated_effect(runtime::state::StateStore& store, const plan::Plan& plan,
                                              int64_t run_id) {
  std::vector<RepeatedEffect> all = repeated_effects(store, plan, run_id);
  if (all.empty()) return std::nullopt;
  return all.front();
}

bool driven_now(runtime::state::StateStore& store, const runtime::state::DayRun& run) {
  bool driven = false;
  return run.run_status != runtime::RunStatus::Failed && store.run_driven(run.run_id, driven) && driven;
}

PartlyDone partly_done(runtime::state::StateStore& store, const plan::Plan& plan, int64_t run_id,
                       bool state_in_target) {
  // Every run of the day: a run that failed before the task, after one that
  // got partly through it, leaves that one's work in place.
  for (int64_t day_run : store.day_runs(run_id)) {
    runtime::state::AttemptEnds ends = store.attempt_ends(day_run);
    if (!ends.status) return {};
    for (const plan::Task& task : plan.tasks) {
      if (!repeats_effect(task)) continue;
      std::vector<runtime::state::AttemptEnd> own;
      for (const runtime::state::AttemptEnd& end : ends.ends)
        if (end.task == task.name) own.push_back(end);
      if (own.empty()) continue;
      const runtime::exec::RepeatVerdict verdict =
          runtime::exec::judge_repeat(task, runtime::TaskState::Failed, own, state_in_target, 0);
      if (!verdict.safe) return {day_run, fmt::format("task {} ({})", task.name, verdict.why)};
    }
  }
  return {};
}

std::string repeated_by_new_run(runtime::state::StateStore& store, const plan::Plan& plan,
                                const runtime::state::DayRun& run, bool state_in_target,
                                std::string_view otherwise) {
  // A run still in progress: the new run's creation refuses the day as in
  // progress, which is what to say.
  if (driven_now(store, run)) return "";
  const std::optional<RepeatedEffect> repeated = repeated_effect(store, plan, run.run_id);
  const std::string ended = run.run_status == runtime::RunStatus::Failed ? "failed" : "did not finish";
  if (!repeated) {
    const PartlyDone partly = partly_done(store, plan, run.run_id, state_in_target);
    if (partly.what.empty()) return "";
    // An earlier run of the day did it: a retry of the latest would run it again too.
    if (partly.run_id != run.run_id)
      return fmt::format(
          "run {}, of the same day, got partly through {}: a new run would run it again over what it did; "
          "check what it did, put it right and {}",
          partly.run_id, partly.what, otherwise);
    return fmt::format(
        "its run {} {} partly through {}: a new run would run it again over what it did; check what it did, "
        "then finish run {} with `flowc retry {}`, or {}",
        run.run_id, ended, partly.what, run.run_id, run.run_id, otherwise);
  }
  // An earlier run of the day did it: a retry of the latest would repeat it too.
  if (repeated->run_id != run.run_id)
    return fmt::format(
        "task {} ({}) succeeded in run {}, of the same day: a new run would {}; put {}'s output "
        "right and {}",
        repeated->task, repeated->what, repeated->run_id, repeated->effect, repeated->task, otherwise);
  // A run still recorded running: its process was killed, or it runs elsewhere.
  return fmt::format(
      "its run {} {} after task {} ({}) succeeded: a new run would {}; finish run {} with `flowc retry {}`, "
      "or "
      "put {}'s output right and {}",
      run.run_id, ended, repeated->task, repeated->what, repeated->effect, run.run_id, run.run_id,
      repeated->task, otherwise);
}

}  // namespace flowc::cli
