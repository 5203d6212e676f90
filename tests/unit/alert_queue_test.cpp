// AlertQueue: each sink (a run) has a lane. A lane delivers its incidents in
// the order raised, one at a time; a sink that blocks holds up its own lane
// only; drain() returns once every lane is empty; an incident's `keep` is
// released only after its sink had it.
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/exec/alert_queue.h"

using namespace flowc::runtime;

namespace {

using namespace std::chrono_literals;

/// Records the messages it is given, in order; while `held`, each raise waits
/// until released (a channel that hangs).
class GatedSink final : public AlertSink {
 public:
  explicit GatedSink(bool held) : held_(held) {}
  void raise(const flowc::plan::Plan&, const Incident& incident) override {
    std::unique_lock lock(mutex_);
    entered_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return !held_; });
    messages_.push_back(incident.message);
    changed_.notify_all();
  }
  [[nodiscard]] AlertCounts counts() const override { return {}; }

  void release() {
    std::lock_guard lock(mutex_);
    held_ = false;
    changed_.notify_all();
  }
  /// Waits (at most 10 s) until a raise has begun.
  bool wait_entered() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [this] { return entered_; });
  }
  /// Waits (at most 10 s) until `count` incidents were delivered.
  bool wait_delivered(size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return messages_.size() >= count; });
  }
  std::vector<std::string> messages() {
    std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool held_;
  bool entered_ = false;
  std::vector<std::string> messages_;
};

Incident incident(const std::string& message) {
  Incident made;
  made.message = message;
  return made;
}

}  // namespace

TEST_CASE("alert queue: a sink that hangs holds up its own lane, not another sink's") {
  flowc::plan::Plan plan;
  GatedSink hanging(true);
  GatedSink other(false);
  exec::AlertQueue queue;
  queue.raise(hanging, plan, incident("h1"));
  queue.raise(hanging, plan, incident("h2"));
  REQUIRE(hanging.wait_entered());
  queue.raise(other, plan, incident("o1"));
  queue.raise(other, plan, incident("o2"));
  // Delivered while `hanging`'s first incident is still being delivered.
  CHECK(other.wait_delivered(2));
  CHECK(other.messages() == std::vector<std::string>{"o1", "o2"});
  CHECK(hanging.messages().empty());
  hanging.release();
  queue.drain();
  CHECK(hanging.messages() == std::vector<std::string>{"h1", "h2"});
}

TEST_CASE("alert queue: a lane raised to again after it ended delivers in order, and drain waits for it") {
  flowc::plan::Plan plan;
  GatedSink sink(false);
  exec::AlertQueue queue;
  queue.raise(sink, plan, incident("1"));
  queue.drain();
  CHECK(sink.messages() == std::vector<std::string>{"1"});
  for (const char* message : {"2", "3", "4"}) queue.raise(sink, plan, incident(message));
  queue.drain();
  CHECK(sink.messages() == std::vector<std::string>{"1", "2", "3", "4"});
}

TEST_CASE("alert queue: what an incident keeps alive is released once its sink had it, not before") {
  flowc::plan::Plan plan;
  GatedSink sink(true);
  exec::AlertQueue queue;
  auto owner = std::make_shared<int>(7);
  std::weak_ptr<int> watched = owner;
  queue.raise(sink, plan, incident("kept"), std::move(owner));
  REQUIRE(sink.wait_entered());
  CHECK(!watched.expired());
  sink.release();
  queue.drain();
  CHECK(watched.expired());
}

TEST_CASE("alert queue: destroying the queue delivers what is still queued first") {
  flowc::plan::Plan plan;
  GatedSink sink(false);
  {
    exec::AlertQueue queue;
    for (const char* message : {"a", "b"}) queue.raise(sink, plan, incident(message));
  }
  CHECK(sink.messages() == std::vector<std::string>{"a", "b"});
}
