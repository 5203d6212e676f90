#include "runtime/exec/pool.h"

#include <algorithm>

namespace flowc::runtime::exec {

uint64_t ExecutorPool::generation() {
  std::lock_guard lock(mutex_);
  return generation_;
}

void ExecutorPool::wake_one() {
  {
    std::lock_guard lock(mutex_);
    ++generation_;
  }
  wake_.notify_one();
}

void ExecutorPool::wait_for_work(uint64_t seen) {
  std::unique_lock lock(mutex_);
  const auto poll_deadline = SteadyClock::now() + settings.poll;
  while (true) {
    if (stopping_ || draining_ || generation_ != seen) return;
    auto now = SteadyClock::now();
    // A due time that has passed is taken by one executor, not all of them.
    if (!due_.empty() && *due_.begin() <= now) {
      due_.erase(due_.begin());
      return;
    }
    if (now >= poll_deadline) return;
    auto deadline = poll_deadline;
    if (!due_.empty()) deadline = std::min(deadline, *due_.begin());
    // Woken early by due_at() (an earlier due time), wake_one() or stop():
    // the loop re-evaluates.
    wake_.wait_until(lock, deadline);
  }
}

void ExecutorPool::due_at(SteadyClock::time_point due) {
  {
    std::lock_guard lock(mutex_);
    // A little late rather than early: the database's not_before is computed
    // from its own clock at commit.
    due_.insert(due + std::chrono::milliseconds(25));
  }
  // Idle executors re-arm their timers to the earlier due time.
  wake_.notify_all();
}

// Stop callbacks (the runner's cancellation of a query, a kill of a process
// group) run inside request_stop(): never under our mutex.
static void request_all(const std::vector<std::stop_source>& sources) {
  for (std::stop_source source : sources) source.request_stop();
}

void ExecutorPool::stop(const std::string& fatal_error) {
  std::vector<std::stop_source> to_stop;
  {
    std::lock_guard lock(mutex_);
    if (!fatal_error.empty() && fatal_error_.empty()) fatal_error_ = fatal_error;
    stopping_ = true;
    for (auto& [token, lease] : leases_) to_stop.push_back(lease.stop);
  }
  request_all(to_stop);
  wake_.notify_all();
}

void ExecutorPool::interrupt() {
  {
    std::lock_guard lock(mutex_);
    interrupted_ = true;
  }
  stop();
}

std::string ExecutorPool::stop_reason() {
  std::lock_guard lock(mutex_);
  if (!fatal_error_.empty()) return fatal_error_;
  return interrupted_ ? "interrupted (SIGINT, SIGTERM or SIGHUP)" : "";
}

void ExecutorPool::drain() {
  draining_ = true;
  wake_.notify_all();
}

std::string ExecutorPool::fatal_error() {
  std::lock_guard lock(mutex_);
  return fatal_error_;
}

std::stop_token ExecutorPool::hold_lease(const std::string& token) {
  std::lock_guard lock(mutex_);
  Lease& lease = leases_[token];
  lease.extended = SteadyClock::now();
  if (stopping_) lease.stop.request_stop();
  return lease.stop.get_token();
}

void ExecutorPool::release_lease(const std::string& token) {
  std::lock_guard lock(mutex_);
  leases_.erase(token);
}

std::vector<std::string> ExecutorPool::held_tokens() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> tokens;
  for (const auto& [token, lease] : leases_) tokens.push_back(token);
  return tokens;
}

bool ExecutorPool::run_ended(const std::string& token) {
  std::lock_guard lock(mutex_);
  auto it = leases_.find(token);
  return it != leases_.end() && it->second.run_ended;
}

void ExecutorPool::renewed(const std::vector<std::string>& asked, const std::vector<std::string>& renewed,
                           const std::vector<std::string>& run_ended) {
  std::vector<std::stop_source> to_stop;
  {
    std::lock_guard lock(mutex_);
    auto now = SteadyClock::now();
    for (const std::string& token : asked) {
      auto it = leases_.find(token);
      if (it == leases_.end()) continue;  // finished meanwhile
      if (std::find(renewed.begin(), renewed.end(), token) != renewed.end()) {
        it->second.extended = now;
      } else {
        // Reclaimed by another executor (or finished by this one just now):
        // either way, stop doing work under it.
        it->second.lost = true;
        it->second.run_ended = std::find(run_ended.begin(), run_ended.end(), token) != run_ended.end();
        to_stop.push_back(it->second.stop);
      }
    }
  }
  request_all(to_stop);
}

void ExecutorPool::stop_overdue(std::chrono::milliseconds limit) {
  std::vector<std::stop_source> to_stop;
  {
    std::lock_guard lock(mutex_);
    auto now = SteadyClock::now();
    for (auto& [token, lease] : leases_) {
      if (!lease.lost && now - lease.extended > limit) {
        lease.lost = true;
        to_stop.push_back(lease.stop);
      }
    }
  }
  request_all(to_stop);
}

}  // namespace flowc::runtime::exec
