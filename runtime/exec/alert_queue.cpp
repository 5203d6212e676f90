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

void AlertQueue::raise(AlertSink& sink, const plan::Plan& plan, const Incident& incident,
                       std::shared_ptr<const void> keep) {
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
      queue_.push_back({&sink, &plan, incident, std::move(keep)});
      changed_.notify_all();
      return;
    }
  }
  sink.raise(plan, incident);
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
    Queued next = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    try {
      next.sink->raise(*next.plan, next.incident);
    } catch (...) {
      // AlertSink's contract says it never throws; the queue must not stop
      // on one that does.
    }
    // What `keep` owns (a run the worker forgot) may be destroyed here: not
    // under the lock, and before drain() says everything was delivered.
    next.keep.reset();
    lock.lock();
    busy_ = false;
    changed_.notify_all();
  }
}

}  // namespace flowc::runtime::exec
