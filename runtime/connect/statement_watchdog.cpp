#include "runtime/connect/statement_watchdog.h"

#include <fmt/format.h>

#include <system_error>

#include "runtime/connect/connect.h"

namespace flowc::runtime {

StatementWatchdog::Watch::Watch(Watch&& other) noexcept
    : watchdog_(other.watchdog_), generation_(other.generation_) {
  other.watchdog_ = nullptr;
}

StatementWatchdog::Watch::~Watch() {
  if (watchdog_ != nullptr) watchdog_->end(generation_);
}

StatementWatchdog::Action StatementWatchdog::Watch::action() const {
  return watchdog_ != nullptr ? watchdog_->action_of(generation_) : Action::None;
}

StatementWatchdog::~StatementWatchdog() = default;

std::string StatementWatchdog::explain(Action action, std::string_view server) const {
  std::string waited = fmt::format("{} did not answer within {}s", server, double(limit_.count()) / 1000.0);
  if (action == Action::Cancelled) return waited + ": flowc cancelled the statement";
  return fmt::format("{}, nor a cancel within {}s: flowc closed the connection", waited,
                     kCancelGrace.count());
}

StatementWatchdog::Watch StatementWatchdog::watch(pqxx::connection_base& connection) {
  std::lock_guard lock(mutex_);
  if (!thread_.joinable()) {
    try {
      thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
    } catch (const std::system_error&) {
      // No thread to be had: the statement runs unwatched, as it would
      // have without the watchdog.
    }
  }
  connection_ = &connection;
  deadline_ = Clock::now() + limit_;
  return Watch(this, ++generation_);
}

void StatementWatchdog::end(uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation != generation_) return;
  connection_ = nullptr;
  // Ends the grace of a cancel that was answered.
  if (acted_on_ == generation) wake_.notify_all();
}

StatementWatchdog::Action StatementWatchdog::action_of(uint64_t generation) const {
  std::lock_guard lock(mutex_);
  return acted_on_ == generation ? action_ : Action::None;
}

void StatementWatchdog::run(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  const auto never = [] { return false; };
  while (!stop.stop_requested()) {
    if (connection_ == nullptr || acted_on_ == generation_) {
      // Nothing to watch: a Watch armed meanwhile has its deadline a whole
      // limit after it was armed, so waking once per limit is soon enough.
      wake_.wait_for(lock, stop, limit_, never);
      continue;
    }
    if (Clock::now() < deadline_) {
      wake_.wait_until(lock, stop, deadline_, never);
      continue;
    }
    // Cancelled and closed under the lock, which the Watch's end takes: the
    // connection cannot go, nor serve the next Watch, meanwhile.
    const uint64_t generation = generation_;
    acted_on_ = generation;
    action_ = Action::Cancelled;
    try {
      connection_->cancel_query();
    } catch (...) {
      // A cancel that cannot be sent is like one not answered.
    }
    const auto cancelled_at = Clock::now();
    const bool ended = wake_.wait_until(lock, stop, cancelled_at + kCancelGrace,
                                        [&] { return connection_ == nullptr || generation_ != generation; });
    if (ended || stop.stop_requested()) continue;
    action_ = Action::Closed;
    cut_connection(*connection_);
  }
}

}  // namespace flowc::runtime
