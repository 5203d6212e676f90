// Alerts delivered beside the work, not in its way: incidents are queued and
// handed to their AlertSink by threads of the queue's own, so a slow or
// hanging channel delays neither the executors nor a run's end (runtime.md
// "Alerts": a failing channel never changes the run's outcome). Each sink (a
// run's alert dispatcher) has a lane: its incidents are delivered in the
// order raised, one at a time, and a channel hanging in one run's lane
// delays no other run's alerts. A `flowc run` has one lane; a `flowc worker`
// one per run whose alerts are on their way.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "runtime/events/events.h"

namespace flowc::runtime::exec {

class AlertQueue {
 public:
  AlertQueue() = default;
  /// Drains (every queued incident is delivered first).
  ~AlertQueue();
  AlertQueue(const AlertQueue&) = delete;
  AlertQueue& operator=(const AlertQueue&) = delete;

  /// Queues the incident in `sink`'s lane and returns at once. `keep` is
  /// held until the incident was handed to `sink`: it owns `sink` and `plan`
  /// when they may not outlive the queue (a worker forgets runs whose alerts
  /// are still on their way); null when they do. When no thread can be
  /// started for a new lane, delivers it here instead.
  void raise(AlertSink& sink, const plan::Plan& plan, const Incident& incident,
             std::shared_ptr<const void> keep = nullptr);
  /// Waits until every incident queued so far has been handed to its sink.
  /// As bounded as the sinks' deliveries are (each channel's tries and timeouts).
  void drain();
  /// The same for at most `limit`; whether every incident was handed over.
  bool drain_for(std::chrono::milliseconds limit);

 private:
  struct Queued {
    const plan::Plan* plan;
    Incident incident;
    std::shared_ptr<const void> keep;
  };
  /// A sink's incidents on their way, and the thread delivering them. A lane
  /// exists while its thread runs; the thread ends it when it finds it empty.
  struct Lane {
    std::deque<Queued> queued;
    std::jthread thread;
  };
  void deliver(AlertSink* sink);

  std::mutex mutex_;
  std::condition_variable lanes_ended_;
  std::map<AlertSink*, Lane> lanes_;  // by the sink its incidents go to
  std::vector<std::jthread> ended_;   // threads of ended lanes, joined by the next raise or the destructor
};

/// An AlertSink whose incidents go to `sink` through `queue`: what a run's
/// executors raise to. `owner`, when set, is what keeps `sink` and the run's
/// plan alive; each queued incident holds it until delivered.
class QueuedAlerts final : public AlertSink {
 public:
  /// `queue` and `sink` must outlive this.
  QueuedAlerts(AlertQueue& queue, AlertSink& sink, std::weak_ptr<const void> owner = {})
      : queue_(queue), sink_(sink), owner_(std::move(owner)) {}
  void raise(const plan::Plan& plan, const Incident& incident) override {
    queue_.raise(sink_, plan, incident, owner_.lock());
  }
  /// The sink's counts: complete once the queue drained.
  [[nodiscard]] AlertCounts counts() const override { return sink_.counts(); }

 private:
  AlertQueue& queue_;
  AlertSink& sink_;
  std::weak_ptr<const void> owner_;
};

}  // namespace flowc::runtime::exec
