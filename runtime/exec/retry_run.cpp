// `flowc retry`: the same run record driven again. Which instances run again
// is decided here; running them is drive_run()'s job, exactly as for a fresh
// run (one code path).
#include <fmt/format.h>

#include <set>

#include "runtime/exec/drive.h"
#include "runtime/exec/exec.h"
#include "runtime/exec/policy.h"
#include "runtime/exec/run_shared.h"
#include "runtime/state/store.h"

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

}  // namespace

RunResult retry_run(const RunRequest& request, const RetrySelection& selection) {
  RunResult result;
  if (!request.plan || !request.runner) {
    result.message = "internal error: retry_run needs a plan and a task runner";
    return result;
  }
  const plan::Plan& plan = *request.plan;
  const std::string schema = plan.state_schema.empty() ? "flow" : plan.state_schema;
  const int64_t run_id = selection.run_id;
  if (std::string problem = log_dir_problem(request); !problem.empty()) {
    result.message = problem;
    return result;
  }
  state::StateStore store(request.state_dsn, schema);
  // The run lock proves nobody drives the run (or another run of its key)
  // now; another run of its key still `running` with the lock free was left
  // by a process that is gone, and is marked failed. This one is driven
  // again as it stands: a worker may still be running one of its tasks.
  state::RunLock::Acquired lock;
  if (std::optional<RunResult> failed = take_run_lock(request, store, lock, run_id)) return *failed;
  if (!lock.lock) {
    result.outcome = RunResult::Outcome::Refused;
    result.message = lock.holder_run_id == run_id || lock.holder_run_id == 0
                         ? fmt::format("run {} is still in progress: retry it once it has ended", run_id)
                         : fmt::format("{}: retry run {} once it has ended", lock.refusal, run_id);
    return result;
  }
  state::StoredRun stored = store.stored_run(run_id);
  if (!stored.status) {
    result.message = stored.status.described();
    return result;
  }
  if (!stored.found) {
    result.outcome = RunResult::Outcome::Refused;
    result.message = fmt::format("no run {} in the state database", run_id);
    return result;
  }
  if (stored.workflow != plan.workflow || stored.ds != plan.ds || stored.env != plan.env) {
    result.message = fmt::format("internal error: the plan given for run {} is not the run's", run_id);
    return result;
  }
  if (stored.run_status == RunStatus::Pending) {
    result.outcome = RunResult::Outcome::Refused;
    result.message = fmt::format("run {} has not started yet: nothing to retry", run_id);
    return result;
  }

  state::TaskRows rows = store.task_rows(run_id);
  if (!rows.status) {
    result.message = rows.status.described();
    return result;
  }
  std::vector<const state::TaskRow*> by_index(plan.tasks.size(), nullptr);
  for (const state::TaskRow& row : rows.rows)
    if (row.index < plan.tasks.size()) by_index[row.index] = &row;

  std::set<uint32_t> again;
  if (selection.task.empty()) {
    for (uint32_t i = 0; i < plan.tasks.size(); ++i)
      if (!by_index[i] || by_index[i]->state != TaskState::Succeeded) again.insert(i);
    // A run whose tasks all succeeded but that did not (a mirror run failed
    // on parity, or its driver died after the last task) is driven again
    // re-running no task: drive_run() records its final status as at any
    // run's end (a mirror run compares again: the legacy table, or what fed
    // it, may have been put right).
    if (again.empty() && stored.run_status == RunStatus::Succeeded) {
      result.outcome = RunResult::Outcome::Refused;
      result.message = fmt::format(
          "every task of run {} succeeded: nothing to retry (--task T reruns T and its downstream)", run_id);
      return result;
    }
  } else {
    uint32_t task = 0;
    while (task < plan.tasks.size() && plan.tasks[task].name != selection.task) ++task;
    if (task == plan.tasks.size()) {
      result.outcome = RunResult::Outcome::Refused;
      result.message = fmt::format("no task `{}` in run {}", selection.task, run_id);
      return result;
    }
    // The task could never start: say so rather than leave it pending.
    for (uint32_t up : upstream_of(plan, task)) {
      if (by_index[up] && by_index[up]->state == TaskState::Succeeded) continue;
      result.outcome = RunResult::Outcome::Refused;
      result.message = fmt::format(
          "task `{}` cannot run again alone: its upstream `{}` did not succeed (retry without --task, or with "
          "--task {})",
          selection.task, plan.tasks[up].name, plan.tasks[up].name);
      return result;
    }
    for (uint32_t below : plan::downstream_of(plan, task)) again.insert(below);
    again.insert(task);
    // An instance left unfinished by a stopped run, outside the selection,
    // might never become final (its upstream failed): the whole run first.
    for (uint32_t i = 0; i < plan.tasks.size(); ++i) {
      if (again.contains(i) || (by_index[i] && is_final(by_index[i]->state))) continue;
      result.outcome = RunResult::Outcome::Refused;
      result.message = fmt::format("run {} stopped before task `{}` ended: retry the run without --task first",
                                   run_id, plan.tasks[i].name);
      return result;
    }
  }

  std::vector<state::RetryTask> reset;
  // A process of this machine (and PID namespace: the lease records both)
  // that ran an attempt and is gone (a `flowc run` killed with -9) will not
  // renew its lease: its attempts are taken up now, not after the lease
  // runs out. In an adopted run, one that may have run partly is the
  // reclaim rule's to judge, as if the run's own executors had found it lost.
  std::vector<std::string> gone, gone_unsafe;
  DriveOptions drive;
  drive.run_id = run_id;
  // A retry repairs a run after the fact: lateness was the original run's to report.
  drive.alert_late = false;
  drive.first_started = stored.started;
  for (uint32_t i = 0; i < plan.tasks.size(); ++i) {
    const state::TaskRow* row = by_index[i];
    if (again.contains(i)) {
      const bool running = row && row->state == TaskState::Running;
      const bool holder_gone = running && worker_gone(row->owner, row->machine);
      if (selection.adopting && running && !safe_to_repeat(plan.tasks[i], state_in_target(request))) {
        if (holder_gone) gone_unsafe.push_back(row->owner);
        continue;
      }
      if (holder_gone) gone.push_back(row->owner);
      reset.push_back({i, 1 + plan.tasks[i].retry.retries, row && row->state == TaskState::Succeeded});
    } else if (row) {
      drive.kept.push_back({i, row->state, row->attempts, row->message});
    }
  }
  if (state::Status status = store.reset_for_retry(run_id, reset, gone); !status) {
    result.message = status.described();
    return result;
  }
  if (!gone_unsafe.empty()) {
    if (state::Status status = store.end_leases(run_id, gone_unsafe); !status) {
      result.message = status.described();
      return result;
    }
  }
  return drive_run(request, store, drive);
}

}  // namespace flowc::runtime::exec
