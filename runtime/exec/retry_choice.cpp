// Which instances a retry runs again (retry_choice.h).
#include "runtime/exec/retry_choice.h"

#include <fmt/format.h>

namespace flowc::runtime::exec {
namespace {

/// Every task `task` depends on, directly or not.
std::set<uint32_t> upstream_of(const plan::Plan& plan, uint32_t task) {
  std::set<uint32_t> out;
  std::vector<uint32_t> todo = {task};
  while (!todo.empty()) {
    uint32_t t = todo.back();
    todo.pop_back();
    for (uint32_t dep : plan.tasks[t].deps)
      if (dep < plan.tasks.size() && out.insert(dep).second) todo.push_back(dep);
  }
  return out;
}

RetryChoice refused_choice(std::string why) {
  RetryChoice choice;
  choice.refusal = std::move(why);
  return choice;
}

}  // namespace

std::vector<const state::TaskRow*> rows_by_task(const plan::Plan& plan, const state::TaskRows& rows) {
  std::vector<const state::TaskRow*> by_task(plan.tasks.size(), nullptr);
  for (const state::TaskRow& row : rows.rows)
    if (row.index < plan.tasks.size()) by_task[row.index] = &row;
  return by_task;
}

RetryChoice choose_retry(const plan::Plan& plan, const state::StoredRun& stored,
                         const std::vector<const state::TaskRow*>& by_task, const RetrySelection& selection) {
  const int64_t run_id = selection.run_id;
  // A run is retried to finish the day it ran; once a newer run of the
  // same day (and stage) exists, its stored plan would write over that
  // run's results (a fix since then undone without a word).
  if (stored.latest_id > run_id) {
    // A latest run that succeeded has nothing to retry: the day is done.
    const std::string next = stored.latest_status == RunStatus::Succeeded
                                 ? "the day is done; to run it again, run the day again"
                                 : fmt::format("retry run {}, or run the day again", stored.latest_id);
    return refused_choice(fmt::format(
        "run {} is not the latest run of {} for {}{}: run {} is ({}), and a retry of run {} would write its "
        "stored plan's results over it; {}",
        run_id, stored.workflow, stored.ds, stored.env.empty() ? "" : " in " + stored.env, stored.latest_id,
        to_string(stored.latest_status), run_id, next));
  }
  if (stored.run_status == RunStatus::Pending)
    return refused_choice(fmt::format("run {} has not started yet: nothing to retry", run_id));
  RetryChoice choice;
  if (selection.task.empty()) {
    for (uint32_t i = 0; i < plan.tasks.size(); ++i)
      if (!by_task[i] || by_task[i]->state != TaskState::Succeeded) choice.again.insert(i);
    // A run whose tasks all succeeded but that did not (a mirror run failed
    // on parity, or its driver died after the last task) is driven again
    // re-running no task: drive_run() records its final status as at any
    // run's end (a mirror run compares again: the legacy table, or what fed
    // it, may have been put right).
    if (choice.again.empty() && stored.run_status == RunStatus::Succeeded)
      return refused_choice(fmt::format(
          "every task of run {} succeeded: nothing to retry (--task T reruns T and its downstream)", run_id));
    return choice;
  }
  uint32_t task = 0;
  while (task < plan.tasks.size() && plan.tasks[task].name != selection.task) ++task;
  if (task == plan.tasks.size())
    return refused_choice(fmt::format("no task `{}` in run {}", selection.task, run_id));
  // The task could never start: say so rather than leave it pending.
  for (uint32_t up : upstream_of(plan, task)) {
    if (by_task[up] && by_task[up]->state == TaskState::Succeeded) continue;
    return refused_choice(fmt::format(
        "task `{}` cannot run again alone: its upstream `{}` did not succeed (retry without --task, or with "
        "--task {})",
        selection.task, plan.tasks[up].name, plan.tasks[up].name));
  }
  for (uint32_t below : plan::downstream_of(plan, task)) choice.again.insert(below);
  choice.again.insert(task);
  // A downstream task that also waits on a task outside the selection that
  // did not succeed could never start: it keeps its state (upstream_failed),
  // and so does what waits on it. Deps come first in the plan's order.
  for (uint32_t i = task + 1; i < plan.tasks.size(); ++i) {
    if (!choice.again.contains(i)) continue;
    for (uint32_t dep : plan.tasks[i].deps) {
      const bool succeeded = by_task[dep] && by_task[dep]->state == TaskState::Succeeded;
      if (dep >= plan.tasks.size() || choice.again.contains(dep) || succeeded) continue;
      choice.again.erase(i);
      choice.blocked_by[i] = choice.blocked_by.contains(dep) ? choice.blocked_by[dep] : dep;
      break;
    }
  }
  // An instance left unfinished by a stopped run, outside the selection,
  // might never become final (its upstream failed): the whole run first.
  for (uint32_t i = 0; i < plan.tasks.size(); ++i) {
    if (choice.again.contains(i) || (by_task[i] && is_final(by_task[i]->state))) continue;
    return refused_choice(
        fmt::format("run {} stopped before task `{}` ended: retry the run without --task first", run_id,
                    plan.tasks[i].name));
  }
  return choice;
}

}  // namespace flowc::runtime::exec
