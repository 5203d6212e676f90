#include "runtime/exec/alert_queue.h"

#include <system_error>

namespace flowc::runtime::exec {

AlertQueue::~AlertQueue() {
  drain();
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

void AlertQueue::raise(const plan::Plan& plan, const Incident& incident) {
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) {
      try {
        thread_ = std::jthread([this](std::stop_token stop) { deliver(stop); });
      } catch (const std::system_error&) {
        // No thread to spare: delivered here, as slowly as the channels are.
      }
    }
    if (thread_.joinable()) {
      queue_.emplace_back(&plan, incident);
      changed_.notify_all();
      return;
    }
  }
  sink_.raise(plan, incident);
}

void AlertQueue::drain() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void AlertQueue::deliver(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, stop, [this] { return !queue_.empty(); });
    if (queue_.empty()) return;  // stopped, with nothing left
    auto [plan, incident] = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    try {
      sink_.raise(*plan, incident);
    } catch (...) {
      // AlertSink's contract says it never throws; the queue must not stop
      // on one that does.
    }
    lock.lock();
    busy_ = false;
    changed_.notify_all();
  }
}

}  // namespace flowc::runtime::exec
