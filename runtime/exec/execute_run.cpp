// The scheduler side of a run: create it, hold its lock, start the
// executors and the heartbeat, listen for the schema's NOTIFY (polling as the
// fallback), and end the run when every task instance is final.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <fmt/format.h>
#include <memory>
#include <thread>

#include "compiler/plan/text.h"
#include "compiler/spelling/spelling.h"
#include "runtime/exec/alert_queue.h"
#include "runtime/exec/announcements.h"
#include "runtime/exec/deadline.h"
#include "runtime/exec/drive.h"
#include "runtime/exec/exec.h"
#include "runtime/exec/executor.h"
#include "runtime/exec/log_dir.h"
#include "runtime/exec/mirror_parity.h"
#include "runtime/exec/run_shared.h"
#include "runtime/process/process.h"
#include "runtime/state/machine_key.h"
#include "runtime/state/store.h"

namespace flowc::runtime::exec {
namespace {

using std::chrono::milliseconds;

/// The instant the run must be finished by: the plan's deadline for its
/// day, except for a manual run started a day or more after it. That is a
/// rerun of a past day (the next day's run was due by then), late by
/// construction as a backfill is: it carries no deadline, raises no
/// `on_late`, and `flowc ops` does not count it.
std::optional<std::chrono::sys_seconds> due_by(const RunRequest& request) {
  std::optional<std::chrono::sys_seconds> deadline = run_deadline(*request.plan);
  if (deadline && request.trigger == "manual" &&
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) >=
          *deadline + std::chrono::days{1})
    return std::nullopt;
  return deadline;
}

state::NewRun new_run(const RunRequest& request, std::optional<std::chrono::sys_seconds> deadline) {
  const plan::Plan& plan = *request.plan;
  state::NewRun run;
  run.workflow = plan.workflow;
  run.ds = plan.ds;
  run.env = plan.env;
  run.stage = std::string(plan::to_string(plan.stage));
  run.trigger = request.trigger;
  run.plan_hash = plan.hash;
  run.plan_json = request.plan_json.empty() ? "{}" : request.plan_json;
  if (deadline) run.deadline = format_instant(*deadline);
  for (uint32_t i = 0; i < plan.tasks.size(); ++i) {
    const plan::Task& task = plan.tasks[i];
    run.tasks.push_back({task.name, i, task.deps, 1 + task.retry.retries});
  }
  return run;
}

// Announces what other processes' executors (`flowc worker`s) did in this
// run, from the rows the scheduler loop reads back: the attempts this
// process's own executors claimed (their lease owner starts with
// `own_prefix`) are theirs to announce. An unclaimed row (ready, or
// upstream_failed) may be announced by both, and a row may be older than
// an executor's latest word: RunShared::emit lets a task's announcements
// only move forward. An attempt is announced with its recorded start: this
// process may hear of it long after (a run adopted while a worker ran it).
class ForeignProgress {
 public:
  ForeignProgress(RunShared& shared, std::string own_prefix)
      : shared_(shared), own_prefix_(std::move(own_prefix)), seen_(shared.plan.tasks.size()) {}
  void saw(const std::vector<state::TaskRow>& rows, state::StateStore& store) {
    std::optional<state::AttemptEnds> attempts;  // read once, when an attempt is announced
    for (const state::TaskRow& row : rows) {
      if (row.index >= seen_.size() || (!row.owner.empty() && row.owner.starts_with(own_prefix_))) continue;
      std::optional<std::pair<TaskState, uint32_t>>& last = seen_[row.index];
      if (last == std::make_pair(row.state, row.attempts)) continue;
      last.emplace(row.state, row.attempts);
      const state::AttemptEnd* recorded = nullptr;
      if (row.attempts > 0 && (row.state == TaskState::Running || is_final(row.state))) {
        if (!attempts) attempts = store.attempt_ends(shared_.run_id);
        for (const state::AttemptEnd& end : attempts->ends)
          if (end.task == row.task && end.attempt == row.attempts) recorded = &end;
      }
      shared_.emit(row.index, row.state, row.attempts, is_final(row.state) ? row.message : "", "", recorded);
    }
  }

 private:
  RunShared& shared_;
  std::string own_prefix_;
  std::vector<std::optional<std::pair<TaskState, uint32_t>>> seen_;  // by task index: the state last announced
};

bool all_final(const std::vector<state::TaskRow>& rows) {
  for (const state::TaskRow& row : rows)
    if (!is_final(row.state)) return false;
  return true;
}

RunSummary summarize(const RunShared& shared, const std::vector<state::TaskRow>& rows, RunStatus status) {
  const plan::Plan& plan = shared.plan;
  RunSummary summary;
  summary.run_id = shared.run_id;
  summary.workflow = plan.workflow;
  summary.ds = plan.ds;
  summary.env = plan.env;
  summary.status = status;
  summary.started = shared.started;
  summary.finished = Clock::now();
  summary.task_states.assign(plan.tasks.size(), TaskState::Pending);
  summary.task_attempts.assign(plan.tasks.size(), 0);
  summary.task_errors.assign(plan.tasks.size(), "");
  for (const state::TaskRow& row : rows) {
    if (row.index >= plan.tasks.size()) continue;
    summary.task_states[row.index] = row.state;
    summary.task_attempts[row.index] = row.attempts;
    if (row.state != TaskState::Succeeded) summary.task_errors[row.index] = row.message;
  }
  return summary;
}

// The run's deadline, checked by the scheduler loop. The database decides
// who alerts: mark_late() sets runs.late_alerted only if it was not set, so
// two processes noticing the same late run raise one incident between them.
class Lateness {
 public:
  Lateness(RunShared& shared, state::StateStore& store, const DriveOptions& options)
      : shared_(shared), store_(store), deadline_(options.alert_late ? options.deadline : std::nullopt) {}

  /// Raises the Late incident once the deadline has passed (at most once).
  void check() {
    if (!deadline_ || now() < *deadline_) return;
    bool won = false;
    state::Status status = store_.mark_late(shared_.run_id, won);
    // A lost state database: try again at the next check.
    if (!status) return;
    Incident incident;
    incident.kind = Incident::Kind::Late;
    incident.run_id = shared_.run_id;
    incident.started = shared_.started;
    incident.duration = std::chrono::duration_cast<milliseconds>(Clock::now() - shared_.started);
    const plan::Plan& plan = shared_.plan;
    std::string zone = plan.time_zone.empty() ? "UTC" : plan.time_zone;
    incident.message =
        fmt::format("run {} of {} for {} is late: not finished by its deadline {} {} ({})", shared_.run_id,
                    plan.workflow, plan.ds, spelling::time_of_day_text(plan.deadline_seconds.value_or(0)),
                    zone, format_instant(*deadline_));
    deadline_.reset();
    if (won) shared_.raise(incident);
  }

  /// How long the loop may wait: `poll`, or less when the deadline comes first.
  [[nodiscard]] milliseconds until_due(milliseconds poll) const {
    if (!deadline_) return poll;
    auto left = std::chrono::duration_cast<milliseconds>(*deadline_ - now()) + milliseconds(5);
    return std::clamp(left, milliseconds(5), poll);
  }

 private:
  RunShared& shared_;
  state::StateStore& store_;
  std::optional<std::chrono::sys_seconds> deadline_;  // reset once checked past due

  /// Now, in milliseconds: compared with a deadline in seconds, never in
  /// the clock's nanoseconds, whose range ends in 2262 (a ds of 9999 or
  /// 0001 has a deadline outside it).
  static std::chrono::sys_time<milliseconds> now() {
    return std::chrono::time_point_cast<milliseconds>(Clock::now());
  }
};

// The pool of a run driven here: claiming only that run's instances.
PoolSettings pool_settings(const RunRequest& request, const std::string& schema, int64_t run_id) {
  PoolSettings settings;
  settings.state_dsn = request.state_dsn;
  settings.schema = schema;
  settings.run_id = run_id;
  settings.lease = request.lease;
  settings.poll = request.poll;
  settings.state_reconnect_timeout = request.state_reconnect_timeout;
  settings.log_dir = request.log_dir;
  return settings;
}

/// Whether this process writes attempt logs: it has a log directory and
/// runs tasks (concurrency 0 leaves them all to workers).
bool writes_attempt_logs(const RunRequest& request) {
  return !request.log_dir.empty() && request.concurrency != 0u;
}

}  // namespace

std::string log_dir_problem(const RunRequest& request) {
  return writes_attempt_logs(request) ? log_dir_problem(request.log_dir) : "";
}

void find_log_dir(RunShared& run, state::StateStore& store) {
  std::string identity;
  state::Status status = store.run_identity(run.run_id, identity);
  if (!status || identity.empty()) {
    run.log_problem = "reading the run's identity for its log directory: " +
                      (status ? "the run is not in the state database" : status.error);
    return;
  }
  RunLogDir dir = run_log_dir(run.request.log_dir, run.run_id, identity);
  run.log_dir = dir.path;
  run.log_problem = dir.error;
}

namespace {

// The directory of a `flowc run` (or retry) pool: its one run.
class OneRun final : public RunDirectory {
 public:
  explicit OneRun(std::shared_ptr<RunShared> run) : run_(std::move(run)) {}
  std::shared_ptr<RunShared> find(int64_t run_id, std::string& error) override {
    if (run_id == run_->run_id) return run_;
    error = fmt::format("this process serves run {} only", run_->run_id);
    return nullptr;
  }

 private:
  std::shared_ptr<RunShared> run_;
};

}  // namespace

std::optional<RunResult> take_run_lock(const RunRequest& request, state::StateStore& store,
                                      state::RunLock::Acquired& lock, int64_t retried_run_id) {
  const plan::Plan& plan = *request.plan;
  auto failed = [](const state::Status& status) {
    RunResult result;
    result.message = status.described();
    result.state_database_unreachable = status.connection_lost;
    return result;
  };
  if (state::Status migrated = store.migrate(); !migrated) return failed(migrated);
  lock = state::RunLock::acquire(request.state_dsn, store.schema(), plan.workflow, plan.ds, plan.env);
  if (!lock.status) return failed(lock.status);
  if (!lock.lock) return std::nullopt;
  // The lock goes with its session: after a server restart it is free while
  // the run that held it still runs (until its driver takes it back). For a
  // new run, an executor's unexpired lease, unless its process is known
  // gone, says so. (A retry drives the run those leases belong to, and
  // waits for a live worker's attempt as the run would.)
  std::vector<state::LiveLease> leases;
  if (retried_run_id == 0)
    if (state::Status status = store.live_leases(plan.workflow, plan.ds, plan.env, leases); !status)
      return failed(status);
  for (const state::LiveLease& lease : leases) {
    if (worker_gone(lease.owner, lease.machine)) continue;
    lock.lock.reset();
    lock.holder_run_id = lease.run_id;
    lock.refusal = fmt::format(
        "a run of {} for {}{} is already in progress (run {}): its task {} runs under a live "
        "lease of {}",
        plan.workflow, plan.ds, plan.env.empty() ? "" : " in " + plan.env, lease.run_id, lease.task,
        lease.owner);
    return std::nullopt;
  }
  // A run of this key still marked running belongs to a process that is
  // gone (we hold the lock): it will never finish, so it failed.
  std::vector<int64_t> abandoned;
  if (state::Status status = store.abandon_runs(plan.workflow, plan.ds, plan.env, retried_run_id, abandoned); !status)
    return failed(status);
  // Its commands may still run on this machine, in process groups of their
  // own that outlived a flowc killed with -9: ended before this run starts,
  // so that a command never runs beside its own earlier copy.
  for (int64_t run_id : abandoned)
    kill_orphaned_groups(command_identity(run_id, plan, "", request.project_dir));
  return std::nullopt;
}

RunResult execute_run(const RunRequest& request) {
  RunResult result;
  if (!request.plan || !request.runner) {
    result.message = "internal error: execute_run needs a plan and a task runner";
    return result;
  }
  const plan::Plan& plan = *request.plan;
  if (std::string problem = log_dir_problem(request); !problem.empty()) {
    result.message = problem;
    return result;
  }
  state::StateStore store(request.state_dsn, plan.state_schema);
  state::RunLock::Acquired lock;
  if (std::optional<RunResult> failed = take_run_lock(request, store, lock)) return *failed;
  if (!lock.lock) {
    result.outcome = RunResult::Outcome::Refused;
    result.message = lock.refusal;
    return result;
  }
  const std::optional<std::chrono::sys_seconds> deadline = due_by(request);
  state::CreatedRun created = store.create_run(new_run(request, deadline));
  if (!created.status) {
    result.message = "creating the run: " + created.status.error;
    return result;
  }
  if (created.duplicate_scheduled) {
    result.outcome = RunResult::Outcome::Refused;
    // A failed one stays failed until someone finishes it: say so, with how.
    result.message =
        fmt::format("a scheduled run of {} for {} exists already (run {}{})", plan.workflow, plan.ds,
                    created.existing_run_id,
                    created.existing_status.empty() ? ""
                    : created.existing_status == "failed"
                        ? fmt::format(", failed: finish it with `flowc retry {}`", created.existing_run_id)
                        : ", " + created.existing_status);
    // The stage changed since (a cutover): the day's run in the new stage
    // is not the scheduler's to make, and would otherwise be missing unseen.
    const std::string stage(plan::to_string(plan.stage));
    if (!created.existing_stage.empty() && created.existing_stage != stage)
      result.message += fmt::format(
          ", made in stage {}: one scheduled run per workflow, day and environment, so the {} run of this "
          "day is started by hand: flowc run --workflow {} --ds {}{}",
          created.existing_stage, stage, plan.workflow, plan.ds,
          plan.env.empty() ? "" : " --env " + plan.env);
    return result;
  }
  DriveOptions drive;
  drive.run_id = created.run_id;
  drive.lock = lock.lock.get();
  drive.deadline = deadline;
  // A backfill of last week is late by construction: only runs that stand
  // for "today's data" page anyone about lateness.
  drive.alert_late = request.trigger == "manual" || request.trigger == "schedule";
  return drive_run(request, store, drive);
}

RunResult drive_run(const RunRequest& request, state::StateStore& store, const DriveOptions& options) {
  RunResult result;
  const plan::Plan& plan = *request.plan;
  const std::string schema = store.schema();
  const int64_t run_id = options.run_id;
  // The run's alerts are delivered beside it: a channel that hangs delays
  // neither a task nor the run's end (its finish, status, lateness).
  AlertQueue queue;
  std::optional<QueuedAlerts> alerts;
  if (request.alerts) alerts.emplace(queue, *request.alerts);
  auto run = std::make_shared<RunShared>(request, run_id, Clock::now(), alerts ? &*alerts : nullptr);
  run->resumed = options.first_started.has_value();
  RunShared& shared = *run;
  OneRun directory(run);
  ExecutorPool pool(pool_settings(request, schema, run_id), directory);
  if (writes_attempt_logs(request)) find_log_dir(shared, store);
  if (request.observer) {
    request.observer->on_run_started(run_id, plan);
    for (const DriveOptions::Kept& kept : options.kept)
      shared.emit(kept.index, kept.state, kept.attempts, kept.message, "");
  }
  shared.settled(options.kept.size());
  // A cancellation (Ctrl-C) stops the run without a fatal error: what it
  // leaves unfinished fails the run; what had already finished stands.
  std::stop_callback on_cancel(request.cancel, [&pool, &request, &shared] {
    pool.interrupt();
    if (request.observer) request.observer->on_run_stopping(shared.all_settled());
  });
  Lateness lateness(shared, store, options);

  const std::string worker = request.worker.empty() ? default_worker() : request.worker;
  // Each executor holds a session on the state database (and on the target
  // once it ran SQL): never more of them than the run has tasks to run.
  const uint32_t executors =
      request.concurrency == 0u
          ? 0
          : std::min(std::max<uint32_t>(request.concurrency.value_or(plan.concurrency), 1),
                     std::max<uint32_t>(static_cast<uint32_t>(plan.tasks.size()), 1));
  const std::string own_prefix = worker + ":";  // the lease owners of this process's executors
  // A task of another workflow that a task of this run waits on succeeded
  // (for this ds and env): the loop below makes the waiting tasks claimable
  // at once, instead of at their next poll.
  std::vector<uint32_t> wake_now;
  // A finish by another process wakes an idle executor and makes the loop
  // below read the run back. A finish by this process's own executors needs
  // neither (the executor claims on by itself), except for the last one:
  // then the loop reads the run back to end it. Each read is a round trip
  // saved.
  Announcements announcements(pool.settings.state_dsn, state::notify_channel(schema),
                              [&](const std::optional<state::Announcement>& announced) {
                                if (announced && announced->succeeded) {
                                  const state::Announcement::Success& done = *announced->succeeded;
                                  if (done.ds != plan.ds || done.env != plan.env) return false;
                                  bool matched = false;
                                  for (uint32_t i = 0; i < plan.tasks.size(); ++i)
                                    for (const plan::ExternalDependency& d : plan.tasks[i].external)
                                      if (d.workflow == done.workflow && d.task == done.task) {
                                        matched = true;
                                        if (std::find(wake_now.begin(), wake_now.end(), i) == wake_now.end())
                                          wake_now.push_back(i);
                                      }
                                  return matched;
                                }
                                // Another run in this state schema, or not an announcement.
                                if (!announced || announced->run_id != run_id) return false;
                                if (!announced->owner.empty() && announced->owner.starts_with(own_prefix))
                                  return shared.all_settled();
                                pool.wake_one();
                                return true;
                              });
  ExecutorThreads threads(pool, worker, executors);

  std::vector<state::TaskRow> rows;
  ForeignProgress foreign(shared, own_prefix);
  auto state_lost_since = SteadyClock::time_point::max();
  bool use_settled = true;
  while (!pool.stopping()) {
    // Whoever holds the run lock drives the day: a lock lost with its
    // session (a server restart) is taken back before anyone else takes it.
    if (options.lock != nullptr && options.lock->keep() == state::RunLock::Kept::Lost) {
      pool.stop(
          fmt::format("its run lock went with a state database session that ended, and another process "
                      "holds it now (a second `flowc run` or `retry` of {} for {}): that process drives "
                      "the day",
                      plan.workflow, plan.ds));
      break;
    }
    state::TaskRows read = store.task_rows(run_id);
    if (read.status) {
      state_lost_since = SteadyClock::time_point::max();
      rows = std::move(read.rows);
      foreign.saw(rows, store);
      if (all_final(rows)) break;
      // In-memory counts are a hint; should one be wrong, stop trusting it
      // rather than read the run back in a loop.
      if (shared.all_settled()) use_settled = false;
    } else if (!read.status.connection_lost) {
      pool.stop("reading the run's state: " + read.status.error);
      break;
    } else {
      auto now = SteadyClock::now();
      state_lost_since = std::min(state_lost_since, now);
      if (now - state_lost_since > request.state_reconnect_timeout) {
        pool.stop(read.status.error);
        break;
      }
    }
    // Waiting on readiness or a slow task, the clock still runs: wake up
    // for the deadline too.
    lateness.check();
    // Not past this process's last finish (unless that count proved wrong).
    announcements.wait(lateness.until_due(request.poll),
                       [&] { return pool.stopping() || (use_settled && shared.all_settled()); });
    // Kept while one of them is running: its executor may have checked the
    // dependency just before the success and be about to record that it
    // waits (the loop comes back within `poll`). Kept too while the state
    // database is away.
    int64_t running = 0;
    if (!wake_now.empty() && store.wake_waiting(run_id, wake_now, running) && running == 0) wake_now.clear();
  }
  pool.stop();
  threads.join();

  // ---- Every task instance is final (or the run stopped): the run's final
  // status is computed here, from the database's word. Steps that judge the
  // whole run (e.g. mirror parity) belong in this block, before finish_run.
  state::TaskRows final_rows = store.task_rows(run_id);
  if (final_rows.status) rows = std::move(final_rows.rows);
  bool succeeded = !rows.empty() || plan.tasks.empty();
  for (const state::TaskRow& row : rows) succeeded = succeeded && row.state == TaskState::Succeeded;
  std::string fatal = pool.fatal_error();
  // A fatal error (the state database lost) fails the run. A cancellation
  // is not one: a Ctrl-C after every task succeeded does not undo the run
  // (a backfill would run the day again).
  if (!fatal.empty()) succeeded = false;
  // Mirror parity (mirror_parity.h): judged once every task succeeded; a mismatch fails the run.
  std::optional<MirrorParity> parity;
  if (succeeded && plan.stage == plan::Stage::Mirror) {
    parity = check_mirror_parity(shared, store);
    succeeded = parity->ok;
  }
  RunStatus status = succeeded ? RunStatus::Succeeded : RunStatus::Failed;
  // A run that ended after its deadline before the loop noticed is late too
  // (once: mark_late is atomic). A cancelled run has an operator watching.
  if (!request.cancel.stop_requested()) lateness.check();
  state::Status recorded = store.finish_run(run_id, status);
  // ---- end of the run's final status.

  result.summary = summarize(shared, rows, status);
  result.summary.status_recorded = static_cast<bool>(recorded);
  result.summary.first_started = options.first_started;
  if (parity) {
    result.summary.parity_ok = parity->ok;
    result.summary.parity_text = parity->text;
    result.summary.parity_mismatch = parity->mismatch;
  }
  // A run stopped because its state database is gone ended without its
  // failures recorded (they were paged as they happened): the stop itself
  // is paged too, once, as a failure of the workflow (no task).
  if (!fatal.empty()) {
    Incident stopped;
    stopped.kind = Incident::Kind::Failure;
    stopped.run_id = run_id;
    stopped.error_class = ErrorClass::Transient;
    stopped.message = fmt::format("run {} stopped: {}", run_id, fatal);
    stopped.started = shared.started;
    stopped.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - shared.started);
    shared.raise(stopped);
  }
  // The run has ended; its alerts (the stop's included) may still be on
  // their way. The process waits for them (each channel's tries are
  // bounded), so none is lost and the summary counts them all; a wait of
  // more than a moment (a channel that hangs: up to 3 tries of 30 s) is
  // said, so the run does not look hung at its end.
  if (!queue.drain_for(std::chrono::seconds(2)) && request.observer)
    request.observer->on_notice(fmt::format(
        "run {} has ended ({}); its alerts are still being delivered (each channel tries up to 3 times)",
        run_id, to_string(status)));
  queue.drain();
  // What an earlier flowc of this workflow was sending when it ended
  // (killed mid-delivery) goes out now: after this run's own alerts, so it
  // delays none of them, and counted in no summary.
  // Not for a run being stopped: Ctrl-C exits, and a lost state database
  // holds no row to send.
  if (request.alerts && !request.cancel.stop_requested() && fatal.empty())
    request.alerts->resend_interrupted(plan);
  result.summary.warnings = shared.warnings;
  result.summary.tasks_ran_elsewhere = executors == 0;
  if (request.alerts) {
    AlertCounts counts = request.alerts->counts();
    result.summary.alerts_sent = counts.sent;
    result.summary.alerts_suppressed = counts.suppressed;
    result.summary.alerts_failed = counts.failed;
  }
  result.stale_writes = pool.stale_writes;
  if (!fatal.empty()) {
    result.outcome = RunResult::Outcome::Error;
    result.message = fmt::format("run {} stopped: {}", run_id, fatal);
  } else if (!recorded) {
    result.outcome = RunResult::Outcome::Error;
    result.message = fmt::format("run {}: recording its final status: {}", run_id, recorded.error);
  } else {
    result.outcome = RunResult::Outcome::Finished;
    if (request.cancel.stop_requested()) result.message = "the run was cancelled";
  }
  if (request.observer) request.observer->on_run_finished(result.summary);
  return result;
}

int exit_code(const RunResult& result) {
  if (result.outcome != RunResult::Outcome::Finished) return 2;
  return result.summary.status == RunStatus::Succeeded ? 0 : 1;
}

}  // namespace flowc::runtime::exec
