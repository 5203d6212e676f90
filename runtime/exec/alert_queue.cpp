#include "runtime/exec/alert_queue.h"

#include <system_error>

namespace flowc::runtime::exec {

AlertQueue::~AlertQueue() {
  drain();
  std::vector<std::jthread> ended;
  {
    std::lock_guard lock(mutex_);
    ended.swap(ended_);
  }
  // Joined here (jthread's destructor): no lane's thread outlives the queue.
}

void AlertQueue::raise(AlertSink& sink, const plan::Plan& plan, const Incident& incident,
                       std::shared_ptr<const void> keep) {
  std::vector<std::jthread> ended;  // joined when this returns, outside the lock
  {
    std::lock_guard lock(mutex_);
    ended.swap(ended_);
    auto [lane, created] = lanes_.try_emplace(&sink);
    lane->second.queued.push_back({&plan, incident, std::move(keep)});
    if (!created) return;  // its thread takes it in turn
    try {
      lane->second.thread = std::jthread([this, key = &sink] { deliver(key); });
      return;
    } catch (const std::system_error&) {
      // No thread to spare: delivered here, as slowly as the channels are,
      // still holding what keeps the sink and the plan alive.
      keep = std::move(lane->second.queued.back().keep);
      lanes_.erase(lane);
    }
  }
  sink.raise(plan, incident);
}

void AlertQueue::drain() {
  std::unique_lock lock(mutex_);
  lanes_ended_.wait(lock, [this] { return lanes_.empty(); });
}

bool AlertQueue::drain_for(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  return lanes_ended_.wait_for(lock, limit, [this] { return lanes_.empty(); });
}

void AlertQueue::deliver(AlertSink* sink) {
  std::unique_lock lock(mutex_);
  while (true) {
    auto lane = lanes_.find(sink);  // there until this thread ends it
    if (lane->second.queued.empty()) {
      ended_.push_back(std::move(lane->second.thread));
      lanes_.erase(lane);
      lanes_ended_.notify_all();
      return;
    }
    Queued next = std::move(lane->second.queued.front());
    lane->second.queued.pop_front();
    lock.unlock();
    try {
      sink->raise(*next.plan, next.incident);
    } catch (...) {
      // AlertSink's contract says it never throws; a lane must not stop on
      // one that does.
    }
    // What `keep` owns (a run the worker forgot) may be destroyed here: not
    // under the lock, and before drain() says everything was delivered. Its
    // sink's address may then be taken by a new run's: that run's incidents
    // join this lane, which delivers them in order all the same.
    next.keep.reset();
    lock.lock();
  }
}

}  // namespace flowc::runtime::exec
