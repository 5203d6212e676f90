#include "runtime/materialize/query_watchdog.h"

#include <system_error>

#include "runtime/connect/connect.h"

namespace flowc::runtime::materialize_detail {

QueryWatchdog::QueryWatchdog(pqxx::connection_base& connection, std::stop_token stop,
                             std::optional<Clock::time_point> deadline)
    : connection_(connection), started_(Clock::now()), deadline_(deadline) {
  if (deadline_) thread_ = std::jthread([this](std::stop_token done) { watch(done); });
  // Registered last: a stop already requested runs the callback right here.
  on_stop_.emplace(std::move(stop), OnStop{this});
}

QueryWatchdog::~QueryWatchdog() { finish(); }

bool QueryWatchdog::deadline_passed() const {
  if (!deadline_) return false;
  const auto slack = std::chrono::milliseconds(100) + (*deadline_ - started_) / 1000;
  return Clock::now() + slack >= *deadline_;
}

ConnectionCut QueryWatchdog::finish() {
  // First no more callbacks (this waits for one running on another thread),
  // so that nothing starts the thread after it was joined.
  on_stop_.reset();
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
  return cut_.load();
}

void QueryWatchdog::stop_requested() noexcept {
  std::unique_lock lock(mutex_);
  stopped_ = true;
  if (thread_.joinable()) {
    lock.unlock();
    wake_.notify_all();
    return;
  }
  try {
    thread_ = std::jthread([this](std::stop_token done) { watch(done); });
  } catch (const std::system_error&) {
    // No thread to be had: cancel from here at least, as before the
    // watchdog existed (no grace, no closing).
    lock.unlock();
    try {
      connection_.cancel_query();
    } catch (...) {
    }
  }
}

void QueryWatchdog::watch(std::stop_token done) {
  std::unique_lock lock(mutex_);
  // Started for a deadline: wait for it (or a stop request) first.
  if (!stopped_ && deadline_)
    wake_.wait_until(lock, done, *deadline_ + kDeadlineMargin, [this] { return stopped_; });
  if (done.stop_requested() || finished_) return;
  const ConnectionCut why = stopped_ ? ConnectionCut::Stop : ConnectionCut::Deadline;
  lock.unlock();

  const auto cancelled_at = Clock::now();
  try {
    connection_.cancel_query();
  } catch (...) {
    // A cancel that cannot be sent is like one not answered.
  }

  lock.lock();
  wake_.wait_until(lock, done, cancelled_at + kCancelGrace, [] { return false; });
  // Decided under the lock that finish() takes: once it has returned, the
  // socket is left alone.
  if (done.stop_requested() || finished_) return;
  cut_.store(why);
  cut_connection(connection_);
}

}  // namespace flowc::runtime::materialize_detail
