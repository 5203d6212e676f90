#include "runtime/exec/run_shared.h"

#include <algorithm>

namespace flowc::runtime::exec {

RunShared::RunShared(const RunRequest& request, int64_t run_id, Clock::time_point started)
    : request(request),
      plan(*request.plan),
      run_id(run_id),
      started(started),
      state_in_target(request.state_is_target ||
                      (!request.target_dsn.empty() && request.target_dsn == request.state_dsn)),
      dependents(plan::direct_dependents(*request.plan)),
      final_announced_(std::make_unique<std::atomic<bool>[]>(plan.tasks.size())) {}

void RunShared::emit(uint32_t task, TaskState state, uint32_t attempt, const std::string& message,
                     const std::string& log_path) {
  if (!request.observer) return;
  if (task < plan.tasks.size()) {
    std::atomic<bool>& announced = final_announced_[task];
    if (is_final(state) ? announced.exchange(true) : announced.load()) return;
  }
  TaskEvent event;
  event.run_id = run_id;
  event.task = task;
  event.state = state;
  event.attempt = attempt;
  event.message = message;
  event.log_path = log_path;
  event.at = Clock::now();
  request.observer->on_task(event);
}

void RunShared::raise(const Incident& incident) {
  if (incident.kind == Incident::Kind::Warning) ++warnings;
  if (request.alerts) request.alerts->raise(plan, incident);
}

}  // namespace flowc::runtime::exec
