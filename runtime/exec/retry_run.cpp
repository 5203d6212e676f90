// `flowc retry`: the same run record driven again. Which instances run again
// is choose_retry()'s decision (retry_choice.h, shared with the dry run);
// resetting them is done here, and running them is drive_run()'s job,
// exactly as for a fresh run (one code path).
#include <fmt/format.h>

#include <set>

#include "runtime/exec/drive.h"
#include "runtime/exec/exec.h"
#include "runtime/exec/policy.h"
#include "runtime/exec/retry_choice.h"
#include "runtime/exec/run_shared.h"
#include "runtime/state/store.h"

namespace flowc::runtime::exec {

RunResult retry_run(const RunRequest& request, const RetrySelection& selection) {
  RunResult result;
  if (!request.plan || !request.runner) {
    result.message = "internal error: retry_run needs a plan and a task runner";
    return result;
  }
  const plan::Plan& plan = *request.plan;
  const std::string schema = plan.state_schema;
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
  state::TaskRows rows = store.task_rows(run_id);
  if (!rows.status) {
    result.message = rows.status.described();
    return result;
  }
  const std::vector<const state::TaskRow*> by_index = rows_by_task(plan, rows);
  const RetryChoice choice = choose_retry(plan, stored, by_index, selection);
  if (!choice.refusal.empty()) {
    result.outcome = RunResult::Outcome::Refused;
    result.message = choice.refusal;
    return result;
  }
  const std::set<uint32_t>& again = choice.again;

  std::vector<state::RetryTask> reset;
  // A process of this machine (and PID namespace: the lease records both)
  // that ran an attempt and is gone (a `flowc run` killed with -9) will not
  // renew its lease: its attempts are taken up now, not after the lease
  // runs out. In an adopted run, one that may have run partly is the
  // reclaim rule's to judge, as if the run's own executors had found it lost.
  std::vector<std::string> gone, gone_unsafe;
  DriveOptions drive;
  drive.lock = lock.lock.get();
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
