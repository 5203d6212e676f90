#include "runtime/exec/executor.h"

#include <fmt/format.h>

#include <chrono>
#include <pqxx/pqxx>
#include <system_error>
#include <thread>

#include "compiler/spelling/spelling.h"
#include "runtime/connect/connect.h"
#include "runtime/exec/heartbeat.h"
#include "runtime/exec/log_dir.h"
#include "runtime/exec/policy.h"
#include "runtime/process/process.h"

namespace flowc::runtime::exec {

using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

/// A finish known to have landed (`applied`) or to have been fenced, without its details.
state::FinishOutcome recorded_as(bool applied) {
  state::FinishOutcome outcome;
  outcome.applied = applied;
  return outcome;
}

/// A warn-level expectation's incident message: the runner's, which names
/// the values; without one, the checks that failed.
std::string warning_message(const AttemptResult& result) {
  std::string message = result.message;
  if (message.empty())
    for (const ExpectationResult& expectation : result.expectations)
      if (expectation.warn && !expectation.passed)
        message += (message.empty() ? "expectation failed: " : ", ") + expectation.check;
  return message;
}

}  // namespace

Executor::Executor(ExecutorPool& pool, std::string worker)
    : pool_(pool),
      worker_(std::move(worker)),
      store_(pool.settings.state_dsn, pool.settings.schema),
      random_state_(static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                    std::hash<std::string>{}(worker_)) {}

Executor::~Executor() = default;

double Executor::unit_random() {
  // xorshift64: jitter needs spread, not quality.
  random_state_ ^= random_state_ << 13;
  random_state_ ^= random_state_ >> 7;
  random_state_ ^= random_state_ << 17;
  return static_cast<double>(random_state_ >> 11) / static_cast<double>(uint64_t{1} << 53);
}

void Executor::run() {
  const state::ClaimRequest request = claim_request(pool_.settings.run_id);
  // The claim a finish handed over: the next task of this executor. It is
  // performed even when the pool is stopping (it then fails as stopped), so
  // no instance is left `running` under a lease nobody holds.
  std::optional<state::Claim> next;
  while (next || pool_.claiming()) {
    if (!next) {
      uint64_t seen = pool_.generation();
      state::ClaimOutcome claimed = store_.claim(request);
      if (!claimed.status) {
        if (claimed.status.connection_lost && reconnect_state(claimed.status)) {
          // The claim may have committed before its reply was lost; this
          // executor holds nothing else, so what runs under its name is that.
          state::ClaimOutcome held = store_.held_by(worker_);
          if (held.status) next = std::move(held.claim);
          continue;
        }
        if (!claimed.status.connection_lost) pool_.stop("claiming a task: " + claimed.status.error);
        return;
      }
      if (!claimed.claim) {
        pool_.wait_for_work(seen);
        continue;
      }
      next = std::move(claimed.claim);
    }
    state::Claim claim = std::move(*next);
    next.reset();
    // More is claimable (a fan-out): let one more executor look; it does
    // the same, so a fan-out spreads without empty claims.
    if (claim.more) pool_.wake_one();
    std::string why;
    std::shared_ptr<RunShared> run = pool_.runs.find(claim.run_id, why);
    if (!run) {
      refuse(claim, why);
      continue;
    }
    next = perform(*run, std::move(claim));
  }
}

void Executor::refuse(const state::Claim& claim, const std::string& why) {
  // Nothing runs, so no log is written: the attempt records none (the path
  // the claim computed may even be another run's).
  if (!claim.reclaimed) record_log_path(claim, "");
  AttemptResult failed;
  failed.error_class = ErrorClass::Permanent;
  failed.message = fmt::format("{} cannot run tasks of run {}: {}", worker_, claim.run_id, why);
  state::Finish finish = finish_for(claim, TaskState::Failed, failed, {}, false);
  if (claim.reclaimed) finish.attempt = 0;  // the lost attempt's row stays `lost`
  // Without the run's plan, its downstream comes from the recorded dependencies.
  if (store_.downstream(claim.run_id, claim.task_index, finish.downstream))
    finish.blocked_message = "upstream " + claim.task + " failed";
  record(finish);
  pool_.runs.refused(claim.run_id, claim.task, failed.message);
}

std::optional<state::Claim> Executor::handed_over(int64_t run_id, const std::vector<uint32_t>& candidates) {
  // A claim, or a finish handing a dependent over, whose reply was lost may
  // have claimed a task for this executor: take it up, or it would wait out
  // its lease and then count as an attempt lost (failing a task that never
  // ran, when it was its last attempt).
  state::ClaimOutcome held = store_.held_by(run_id, worker_, candidates);
  return held.status ? held.claim : std::nullopt;
}

state::ClaimRequest Executor::claim_request(std::optional<int64_t> run_id) const {
  state::ClaimRequest request;
  request.run_id = run_id;
  request.owner = worker_;
  request.lease = pool_.settings.lease;
  request.log_dir = pool_.settings.log_dir;
  return request;
}

bool Executor::reconnect_state(const state::Status& lost) {
  auto deadline = SteadyClock::now() + pool_.settings.state_reconnect_timeout;
  milliseconds pause(100);
  std::string error = lost.error;
  while (SteadyClock::now() < deadline) {
    if (pool_.stopping()) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, milliseconds(2000));
    state::Status status = store_.connect();
    if (status) return true;
    error = status.error;
  }
  pool_.stop(error);
  return false;
}

pqxx::connection* Executor::target_connection(const std::string& dsn, std::string& error,
                                              int64_t timeout_seconds) {
  if (target_ && target_dsn_ == dsn && still_connected(*target_)) return target_.get();
  target_.reset();
  target_dsn_ = dsn;
  try {
    target_ = open_connection(timeout_seconds > 0 ? with_connect_timeout(dsn, timeout_seconds) : dsn);
    notice_dead_client(*target_);
  } catch (const std::exception& e) {
    std::string what = e.what();
    if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
    error = "cannot connect to the target database: " + what;
    return nullptr;
  }
  return target_.get();
}

std::optional<AttemptResult> Executor::check_external(const RunShared& run, const plan::Task& task, seconds& wait,
                                                      seconds& poll) {
  for (const plan::ExternalDependency& dependency : task.external) {
    bool succeeded = false;
    int64_t failed_run = 0;
    state::Status status = store_.external_succeeded(dependency.workflow, dependency.task, run.plan.ds,
                                                     run.plan.env, succeeded, failed_run);
    if (status && succeeded) continue;
    // A state database hiccup counts as "not yet": the next probe retries it.
    AttemptResult not_ready;
    not_ready.outcome = AttemptResult::Outcome::NotReady;
    // In an environment, its success there is what counts: say which.
    not_ready.message =
        fmt::format("task {} of workflow {} has not succeeded for {}{}", dependency.task, dependency.workflow,
                    run.plan.ds, run.plan.env.empty() ? "" : " in " + run.plan.env);
    // Its day's run already failed: nothing comes unless someone acts.
    if (status && failed_run != 0)
      not_ready.message += fmt::format(" (its run {} for the day failed: `flowc retry {}` finishes it)",
                                       failed_run, failed_run);
    wait = seconds(dependency.wait_seconds);
    poll = seconds(dependency.poll_seconds);
    return not_ready;
  }
  return std::nullopt;
}

AttemptResult Executor::attempt(RunShared& run, const state::Claim& claim, const std::string& log_path,
                                const plan::Task& task, std::stop_token stop,
                                std::optional<state::FinishOutcome>& recorded_in_target) {
  AttemptContext context;
  context.plan = &run.plan;
  context.task = claim.task_index;
  context.attempt = claim.attempt;
  context.run_id = claim.run_id;
  context.worker = worker_;
  context.log_path = log_path;
  context.target_dsn = run.request.target_dsn;
  context.project_dir = run.request.project_dir;
  context.no_target_reason = run.request.no_target_reason;
  context.stop = stop;
  if (task.readiness)
    context.readiness_ends =
        SteadyClock::now() + (run.started + seconds(task.readiness->wait_seconds) - Clock::now());
  const bool has_target = plan::uses_target(task) && !run.request.target_dsn.empty();
  // The runner connects once the attempt's log is open, so a connection
  // that fails is written in the log whose path is recorded.
  if (has_target)
    context.connect_target = [this, dsn = run.request.target_dsn, timeout = task.timeout_seconds](
                                 std::string& error) { return target_connection(dsn, error, timeout); };
  if (run.state_in_target && has_target && task.kind == plan::TaskKind::Sql) {
    const std::string schema = store_.schema();
    context.record_success_in = [this, &run, &claim, &task, &recorded_in_target, schema](
                                    pqxx::transaction_base& tx, const AttemptResult& result) {
      try {
        state::Finish finish = finish_for(claim, TaskState::Succeeded, result,
                                          run.dependents[claim.task_index], task.announce_success);
        // The hand-off commits with the write, or not at all.
        if (pool_.claiming()) finish.claim_next = claim_request(claim.run_id);
        recorded_in_target = state::record_finish_in(tx, schema, finish);
        return recorded_in_target->applied;
      } catch (const std::exception&) {
        // The runner's transaction is aborted either way: it rolls back and
        // reports the error; the attempt is then recorded after the fact.
        recorded_in_target.reset();
        return false;
      }
    };
  }
  const std::string workflow = run.plan.workflow, env = run.plan.env;
  context.previous_value = [this, &claim, &task, workflow, env](std::string_view check, std::string_view metric) {
    state::PreviousValue previous =
        store_.previous_value(claim.run_id, workflow, env, task.name, std::string(check), std::string(metric));
    return previous.value;
  };
  try {
    return run.request.runner->run(context);
  } catch (const std::exception& e) {
    AttemptResult failed;
    failed.message = std::string("internal error in the task runner: ") + e.what();
    return failed;
  }
}

state::Finish Executor::finish_for(const state::Claim& claim, TaskState state, const AttemptResult& result,
                                   std::vector<uint32_t> dependents, bool announce_success) {
  state::Finish finish;
  finish.run_id = claim.run_id;
  finish.task = claim.task;
  finish.token = claim.token;
  finish.attempt = claim.attempt;
  finish.state = state;
  finish.outcome = result.outcome == AttemptResult::Outcome::Succeeded  ? "succeeded"
                   : result.outcome == AttemptResult::Outcome::NotReady ? "not_ready"
                                                                        : "failed";
  if (result.outcome == AttemptResult::Outcome::Failed) {
    finish.error_class = result.error_class;
    finish.sqlstate = result.sqlstate;
    finish.exit_code = result.exit_code;
    finish.message = result.message;
  }
  // A probe whose table does not exist yet (42P01) says so in the attempt.
  if (result.outcome == AttemptResult::Outcome::NotReady) finish.sqlstate = result.sqlstate;
  finish.rows_written = result.rows_written;
  finish.expectations = result.expectations;
  finish.dependents = std::move(dependents);
  finish.announce_success = announce_success && state == TaskState::Succeeded;
  return finish;
}

state::FinishOutcome Executor::record(const state::Finish& finish) {
  while (true) {
    state::FinishOutcome outcome = store_.finish(finish);
    if (outcome.status) {
      if (!outcome.applied) ++pool_.stale_writes;
      return outcome;
    }
    if (!outcome.status.connection_lost) {
      pool_.stop("recording task " + finish.task + ": " + outcome.status.error);
      return outcome;
    }
    if (!reconnect_state(outcome.status)) return outcome;
    // The statement may have committed before the connection dropped: read
    // the recorded state back before writing anything again.
    state::TaskRows rows = store_.task_rows(finish.run_id);
    if (!rows.status) continue;
    for (const state::TaskRow& row : rows.rows) {
      if (row.task != finish.task) continue;
      if (row.token != finish.token) {
        ++pool_.stale_writes;
        return recorded_as(false);
      }
      if (row.state != TaskState::Running) {
        state::FinishOutcome landed = recorded_as(true);
        for (uint32_t d : finish.downstream)
          if (d < rows.rows.size() && rows.rows[d].state == TaskState::UpstreamFailed) landed.blocked.push_back(d);
        if (finish.claim_next) landed.next = handed_over(finish.run_id, finish.dependents);
        return landed;
      }
    }
  }
}

std::string Executor::log_path_for(const RunShared& run, const state::Claim& claim) {
  std::string path = run.log_dir.empty() ? "" : attempt_log_path(run.log_dir, claim.task, claim.attempt);
  record_log_path(claim, path);
  return path;
}

void Executor::record_log_path(const state::Claim& claim, const std::string& path) {
  // In the common case the claim's path is the run's directory already: no
  // round trip. A failure here leaves the claim's path recorded; the
  // attempt's own finish is fenced the same way.
  if (path != claim.log_path) store_.set_log_path(claim.run_id, claim.task, claim.attempt, claim.token, path);
}

void Executor::report_log_problem(RunShared& run, const state::Claim& claim, const std::string& problem) {
  const std::string text = "its log could not be written: " + problem;
  state::Status noted = store_.note_log_problem(claim.run_id, claim.task, claim.attempt, claim.token, text);
  run.notice(fmt::format("{} attempt {}: {}{}", claim.task, claim.attempt, text,
                         noted ? "" : " (not recorded: " + noted.error + ")"));
}

bool Executor::restart(state::Claim& claim, bool free) {
  while (true) {
    state::ClaimOutcome started = store_.restart(claim, worker_, pool_.settings.log_dir, free);
    if (started.status) {
      if (!started.claim) {
        ++pool_.stale_writes;
        return false;
      }
      claim = std::move(*started.claim);
      return true;
    }
    if (!started.status.connection_lost) {
      pool_.stop("reclaiming task " + claim.task + ": " + started.status.error);
      return false;
    }
    if (!reconnect_state(started.status)) return false;
  }
}

void Executor::reconcile_lost_commit(RunShared& run, const state::Claim& claim, AttemptResult& result,
                                     std::optional<state::FinishOutcome>& recorded_in_target) {
  state::TaskRows rows = store_.task_rows(claim.run_id);
  if (!rows.status && rows.status.connection_lost && reconnect_state(rows.status))
    rows = store_.task_rows(claim.run_id);
  for (const state::TaskRow& row : rows.rows) {
    if (row.index == claim.task_index && row.token == claim.token && row.state == TaskState::Succeeded) {
      result = AttemptResult{};
      result.outcome = AttemptResult::Outcome::Succeeded;
      result.recorded_in_transaction = true;
      recorded_in_target = recorded_as(true);
      recorded_in_target->next = handed_over(claim.run_id, run.dependents[claim.task_index]);
    }
  }
}

Decision Executor::decide(const RunShared& run, const plan::Task& task, const state::Claim& claim,
                          const AttemptResult& result, seconds wait, seconds poll, milliseconds since_start) {
  Decision decision;
  switch (result.outcome) {
    case AttemptResult::Outcome::Succeeded: decision.state = TaskState::Succeeded; break;
    case AttemptResult::Outcome::NotReady: {
      std::string what = result.message;
      if (task.readiness || what.empty()) what = "source " + task.name + " not ready";
      decision = decide_not_ready(wait, poll, since_start, what);
      if (task.readiness) {
        const std::string& values = result.readiness_values;
        if (decision.final_failure() && !task.readiness->text.empty())
          decision.message += fmt::format(" (ready: {}{})", task.readiness->text,
                                          values.empty() ? "" : "; last read: " + values);
        // A table that does not exist yet says so, while waiting and at the end.
        if (!result.sqlstate.empty()) {
          decision.message += ": " + result.message;
        } else if (!decision.final_failure() && !task.readiness->text.empty()) {
          // While it waits, what does not hold yet and the values it read.
          decision.message += ": " + task.readiness->text + (values.empty() ? "" : " (" + values + ")");
        }
      }
      // And how long it may go on (a source, or a wait on another
      // workflow's task): the `poll` and `wait` it waits by.
      if (!decision.final_failure())
        decision.message += fmt::format("; checked every {}, for up to {} from the {}'s start",
                                        spelling::duration_text(poll.count()),
                                        spelling::duration_text(wait.count()), run.resumed ? "retry" : "run");
      break;
    }
    case AttemptResult::Outcome::Failed:
      decision = decide_failure(task.retry, result, claim.attempt, claim.max_attempts, unit_random());
      break;
  }
  return decision;
}

bool Executor::fail_by_stop(Decision& decision, const AttemptResult& result, bool run_stopped) const {
  // Ended by the stop (the runner marks it), on its last attempt or not: the
  // interrupt, not a lost lease. An attempt that failed on its own while the
  // pool stopped keeps its own failure.
  if (!(pool_.stopping() || run_stopped) || (decision.final_failure() && !result.cancelled) ||
      decision.state == TaskState::Succeeded)
    return false;
  decision.state = TaskState::Failed;
  // The runner saw only that its attempt was cancelled; the pool knows why.
  std::string why = run_stopped ? "its run ended while this attempt ran (the process driving it stopped it)"
                                : pool_.stop_reason();
  if (why.empty()) why = decision.message;
  decision.message = std::string(kStoppedByOperator) + (why.empty() ? "" : ": " + why);
  return true;
}

std::optional<state::Claim> Executor::perform(RunShared& run, state::Claim claim) {
  if (claim.task_index >= run.plan.tasks.size()) {
    refuse(claim, fmt::format("task {} (index {}) is not in the run's plan", claim.task, claim.task_index));
    return std::nullopt;
  }
  const plan::Task& task = run.plan.tasks[claim.task_index];
  // An attempt whose executor died (its lease expired): run the task again
  // when that is safe, else record why not (runtime.md: reclaimed attempts).
  std::string lost_for_good;
  if (claim.reclaimed) {
    ReclaimDecision reclaim =
        decide_reclaim(task, run.state_in_target, claim.lost, claim.attempt, claim.max_attempts);
    if (reclaim.action == ReclaimDecision::Action::Fail) {
      lost_for_good = reclaim.message;
      // Failed, not run again: what the dead executor's command left
      // running on this machine (a group of its own) must not go on doing
      // the work the record says failed. A new attempt ends it before
      // starting (command_task.cpp); this one never starts.
      if (task.kind == plan::TaskKind::Command)
        kill_orphaned_groups(command_identity(run.run_id, run.plan, task.name, run.request.project_dir));
    } else if (!restart(claim, reclaim.action == ReclaimDecision::Action::RunFree)) {
      return std::nullopt;
    }
  }
  // An attempt lost for good is reported as the attempt that was lost: from
  // its start to now, when it was found lost.
  const auto attempt_started =
      !lost_for_good.empty() && claim.lost_started ? *claim.lost_started : Clock::now();
  std::stop_token stop = pool_.hold_lease(claim.token);
  seconds wait(0), poll(60);
  if (task.readiness) {
    wait = seconds(task.readiness->wait_seconds);
    poll = seconds(task.readiness->poll_seconds);
  }
  // Another workflow's task not succeeded yet: nothing runs and no log is
  // written, so the attempt records none (the claim computed one), unless
  // the wait runs out (below).
  std::optional<AttemptResult> not_ready;
  if (lost_for_good.empty()) not_ready = check_external(run, task, wait, poll);
  if (not_ready) {
    record_log_path(claim, "");
    claim.log_path.clear();
  }
  std::string log_path = !lost_for_good.empty() ? claim.log_path : not_ready ? "" : log_path_for(run, claim);
  if (claim.previous != TaskState::Waiting && lost_for_good.empty())
    run.emit(claim.task_index, TaskState::Running, claim.attempt, "", log_path);

  AttemptResult result;
  std::optional<state::FinishOutcome> recorded_in_target;
  if (!lost_for_good.empty()) {
    result.error_class = ErrorClass::Transient;
    result.message = lost_for_good;
  } else if (not_ready) {
    result = *not_ready;
  } else {
    result = attempt(run, claim, log_path, task, stop, recorded_in_target);
    // A run without a log directory (it could not be made) writes none.
    if (result.log_error.empty() && log_path.empty()) result.log_error = run.log_problem;
  }
  // Its run ended while it ran (a driver elsewhere stopped it): stopped with
  // the run, as this process's own stop would have stopped it.
  const bool run_stopped = pool_.run_ended(claim.token);
  pool_.release_lease(claim.token);
  const auto attempt_ended = Clock::now();
  if (result.reconnect) target_.reset();

  if (run.state_in_target && result.outcome == AttemptResult::Outcome::Failed && lost_for_good.empty() &&
      (result.outcome_unknown || result.error_class == ErrorClass::Transient))
    reconcile_lost_commit(run, claim, result, recorded_in_target);

  auto since_start = std::chrono::duration_cast<milliseconds>(Clock::now() - run.started);
  Decision decision = lost_for_good.empty()
                          ? decide(run, task, claim, result, wait, poll, since_start)
                          : Decision{TaskState::Failed, {}, ErrorClass::Transient, lost_for_good};
  // A run being stopped pages no one for the attempts it stopped; a task
  // that failed on its own is paged even when its failure cannot be
  // recorded (the state database is gone: alerts.md).
  const bool failed_on_its_own = decision.final_failure() && !pool_.stopping() && !run_stopped;
  const bool failed_by_stop = fail_by_stop(decision, result, run_stopped);

  // What the tasks a final failure blocks say: a readiness timeout by name
  // (runtime.md: the dependents fail with a readiness timeout). Only a final
  // failure of the task's own blocks any: the tasks a stop kept from
  // starting stay as they were (`not_run` in status, cli.md), not
  // `upstream_failed` as if this task's data had failed them.
  const bool blocks_downstream = decision.final_failure() && !failed_by_stop;
  // A wait that ran out is paged with its attempt's log, which says how it
  // ended (a probe's log ends with its last probe; a wait for another
  // workflow wrote none until now).
  if (blocks_downstream && result.outcome == AttemptResult::Outcome::NotReady) {
    if (not_ready) log_path = log_path_for(run, claim);
    run.request.runner->note_in_log(log_path, fmt::format("{} ({}): {}", to_string(decision.state),
                                                          to_string(decision.error_class), decision.message));
  }
  std::string blocked_message;
  if (blocks_downstream)
    blocked_message = result.outcome == AttemptResult::Outcome::NotReady ? "readiness timeout: " + decision.message
                                                                         : "upstream " + task.name + " failed";
  state::FinishOutcome outcome;
  if (result.outcome == AttemptResult::Outcome::Succeeded && result.recorded_in_transaction) {
    outcome = recorded_in_target.value_or(recorded_as(true));
  } else {
    state::Finish finish =
        finish_for(claim, decision.state, result, run.dependents[claim.task_index], task.announce_success);
    finish.not_before = decision.not_before;
    // The lost attempt's row keeps its outcome (`lost`); the instance says why it failed.
    if (!lost_for_good.empty()) finish.attempt = 0;
    finish.error_class = decision.state == TaskState::Succeeded ? ErrorClass::None : decision.error_class;
    finish.message = decision.message;
    if (blocks_downstream) {
      finish.downstream = plan::downstream_of(run.plan, claim.task_index);
      finish.blocked_message = blocked_message;
    }
    // Hand-off: this executor takes the first dependent its success makes
    // ready, in the same statement (record() takes it up from the database
    // when the statement's reply is lost).
    if (decision.state == TaskState::Succeeded && pool_.claiming()) finish.claim_next = claim_request(claim.run_id);
    outcome = record(finish);
  }
  Incident incident;
  incident.run_id = claim.run_id;
  incident.task = claim.task_index;
  incident.attempt = claim.attempt;
  incident.log_path = log_path;
  incident.started = attempt_started;
  incident.duration = std::chrono::duration_cast<milliseconds>(attempt_ended - attempt_started);
  if (result.outcome == AttemptResult::Outcome::NotReady) {
    // A readiness wait is one wait across its probes, bounded from the run's
    // start (decide_not_ready): that is what the page reports, not the last probe.
    incident.started = run.started;
    incident.duration = since_start;
  }
  if (failed_on_its_own) {
    incident.kind = Incident::Kind::Failure;
    incident.error_class = decision.error_class;
    incident.sqlstate = result.sqlstate;
    incident.exit_code = result.exit_code;
    incident.message = decision.message;
  }
  if (!outcome.status) {
    // The state database is gone: the run stops and pages that, once. A
    // failure of the task's own happened all the same and is paged too; an
    // attempt its unrenewed lease cancelled (AttemptResult::cancelled) is
    // that same stop.
    if (failed_on_its_own && !result.cancelled) run.raise(incident);
    return std::nullopt;
  }
  // Fenced: another executor owns the task now and reports on it; this
  // attempt's outcome is counted as a stale write, and its log says so
  // after the runner's `outcome:` line.
  if (!outcome.applied) {
    if (!log_path.empty())
      run.request.runner->note_in_log(
          log_path,
          "not recorded: the lease on this task was lost (another executor took it over), so this "
          "outcome was rejected as a stale write");
    return std::nullopt;
  }
  // The handed-over task's lease is renewed from now on: raising an
  // incident below may wait on its channels for longer than a lease.
  if (outcome.next) pool_.hold_lease(outcome.next->token);

  if (!result.log_error.empty()) report_log_problem(run, claim, result.log_error);
  if (decision.state != TaskState::Waiting || claim.previous != TaskState::Waiting)
    run.emit(claim.task_index, decision.state, claim.attempt, decision.message, log_path);
  run.settled((decision.final_failure() || decision.state == TaskState::Succeeded ? 1 : 0) +
                  outcome.blocked.size());
  for (uint32_t blocked : outcome.blocked)
    run.emit(blocked, TaskState::UpstreamFailed, 0, blocked_message, "");
  for (uint32_t promoted : outcome.promoted) run.emit(promoted, TaskState::Ready, 0, "", "");
  if (decision.state == TaskState::RetryWait || decision.state == TaskState::Waiting)
    pool_.due_at(SteadyClock::now() + decision.not_before);

  if (failed_on_its_own) {
    run.raise(incident);
  } else if (decision.state == TaskState::Succeeded && result.warnings) {
    incident.kind = Incident::Kind::Warning;
    incident.message = warning_message(result);
    run.raise(incident);
  }
  return std::move(outcome.next);
}

ExecutorThreads::ExecutorThreads(ExecutorPool& pool, const std::string& worker, uint32_t count)
    : heartbeat_([&pool](std::stop_token stop) { run_heartbeat(pool, stop); }) {
  executors_.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    try {
      executors_.emplace_back([&pool, name = fmt::format("{}:{}", worker, i)] {
        Executor executor(pool, name);
        executor.run();
      });
    } catch (const std::system_error&) {
      // The system will not start another thread (a limit on processes or
      // memory). The run goes on with the executors it has; with none, the
      // caller says why (a std::thread left joinable would abort instead).
      if (!executors_.empty()) break;
      heartbeat_.request_stop();
      heartbeat_.join();
      throw;
    }
  }
}

void ExecutorThreads::join() {
  for (std::thread& executor : executors_)
    if (executor.joinable()) executor.join();
  if (heartbeat_.joinable()) {
    heartbeat_.request_stop();
    heartbeat_.join();
  }
}

}  // namespace flowc::runtime::exec
