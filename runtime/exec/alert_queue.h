// A run's alerts delivered beside the run, not in its way: incidents are
// queued and handed to the real AlertSink in order by one thread, so a slow
// or hanging channel delays neither the executors nor the run's end
// (runtime.md "Alerts": a failing channel never changes the run's outcome).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include "runtime/events/events.h"

namespace flowc::runtime::exec {

class AlertQueue final : public AlertSink {
 public:
  /// `sink` must outlive the queue.
  explicit AlertQueue(AlertSink& sink) : sink_(sink) {}
  /// Drains (every queued incident is delivered first).
  ~AlertQueue() override;
  AlertQueue(const AlertQueue&) = delete;
  AlertQueue& operator=(const AlertQueue&) = delete;

  /// Queues the incident and returns at once; `plan` must outlive the
  /// queue. When no thread can be started, delivers it here instead.
  void raise(const plan::Plan& plan, const Incident& incident) override;
  /// The sink's counts: complete once drain() returned.
  [[nodiscard]] AlertCounts counts() const override { return sink_.counts(); }
  /// Waits until the sink has handled every incident queued so far. As
  /// bounded as the sink's deliveries are (each channel's tries and timeouts).
  void drain();

 private:
  void deliver(std::stop_token stop);

  AlertSink& sink_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  std::deque<std::pair<const plan::Plan*, Incident>> queue_;
  bool busy_ = false;  // the thread is handing an incident to the sink
  std::jthread thread_;  // started with the first incident
};

}  // namespace flowc::runtime::exec
