#include "runtime/exec/run_shared.h"

#include <algorithm>

namespace flowc::runtime::exec {

bool state_in_target(const RunRequest& request) {
  return request.state_is_target || (!request.target_dsn.empty() && request.target_dsn == request.state_dsn);
}

RunShared::RunShared(const RunRequest& request, int64_t run_id, Clock::time_point started, AlertSink* alerts)
    : request(request),
      plan(*request.plan),
      run_id(run_id),
      started(started),
      state_in_target(exec::state_in_target(request)),
      dependents(plan::direct_dependents(*request.plan)),
      alerts_(alerts ? alerts : request.alerts),
      announced_(plan.tasks.size()) {}

namespace {

/// How far along its life a state is, for ordering announcements; an
/// attempt's states (waiting, running, retry wait) are one step.
uint8_t progress(TaskState state) {
  switch (state) {
    case TaskState::Pending: return 1;
    case TaskState::Ready: return 2;
    case TaskState::Waiting:
    case TaskState::Running:
    case TaskState::RetryWait: return 3;
    case TaskState::Succeeded:
    case TaskState::Failed:
    case TaskState::UpstreamFailed:
    case TaskState::TimedOut: return 4;
  }
  return 0;
}

}  // namespace

void RunShared::emit(uint32_t task, TaskState state, uint32_t attempt, const std::string& message,
                     const std::string& log_path, const state::AttemptEnd* recorded) {
  if (!request.observer) return;
  // The observer is told under the lock, so that it hears a task's states
  // in the order they were let through.
  std::lock_guard lock(announced_mutex_);
  if (task < announced_.size()) {
    Announced& last = announced_[task];
    const uint8_t step = progress(state);
    const bool behind = attempt < last.attempt || (attempt == last.attempt && step < last.step);
    if (last.step == progress(TaskState::Succeeded) || behind) return;
    last = {step, attempt};
  }
  TaskEvent event;
  event.run_id = run_id;
  event.task = task;
  event.state = state;
  event.attempt = attempt;
  event.message = message;
  event.log_path = log_path;
  event.at = Clock::now();
  if (recorded) {
    event.attempt_started = recorded->started;
    event.attempt_finished = recorded->finished;
  }
  request.observer->on_task(event);
}

void RunShared::notice(const std::string& text) {
  if (request.observer) request.observer->on_notice(text);
}

void RunShared::raise(const Incident& incident) {
  if (incident.kind == Incident::Kind::Warning) ++warnings;
  if (alerts_) alerts_->raise(plan, incident);
}

}  // namespace flowc::runtime::exec
