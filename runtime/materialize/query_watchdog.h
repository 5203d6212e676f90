// Internal to runtime/materialize: what ends an attempt's wait on a server
// that does not answer. The server enforces the task's timeout itself
// (statement_timeout) and a stop request cancels the query; both need a
// backend that runs. A wedged one (stopped, stuck in uninterruptible I/O,
// or in a C function that never checks for interrupts) answers neither,
// and TCP keepalives do not notice it: its kernel still answers them. So
// the watchdog cancels from the client when the deadline has passed, and
// when the cancel is not answered either, closes the connection's socket
// under libpq: the attempt then fails as a timeout (or a cancellation),
// and the executor opens a new connection. Self-fencing depends on this: a
// task whose lease is lost must stop before another executor takes it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <stop_token>
#include <thread>

#include "runtime/connect/statement_watchdog.h"

namespace flowc::runtime::materialize_detail {

/// Why the watchdog closed an attempt's connection.
enum class ConnectionCut { None, Deadline, Stop };

class QueryWatchdog {
 public:
  using Clock = std::chrono::steady_clock;

  /// The server's own statement_timeout ends a statement at the deadline;
  /// the client cancels only when it has not within this margin.
  static constexpr std::chrono::seconds kDeadlineMargin{1};
  /// How long a cancelled statement may take to end before its connection
  /// is closed. Well inside the lease's self-fencing margin (lease / 2).
  static constexpr std::chrono::seconds kCancelGrace = StatementWatchdog::kCancelGrace;

  /// Watches `connection` while it lives: from `deadline` (when set) and
  /// from a request on `stop`. Its thread starts only when there is a
  /// deadline or a stop request, so an attempt without a timeout that is
  /// never stopped costs no thread.
  QueryWatchdog(pqxx::connection_base& connection, std::stop_token stop, std::optional<Clock::time_point> deadline);
  ~QueryWatchdog();
  QueryWatchdog(const QueryWatchdog&) = delete;
  QueryWatchdog& operator=(const QueryWatchdog&) = delete;

  /// Whether (and why) the connection was closed so far: it cannot be used
  /// again. Read it when the attempt failed, to say why.
  [[nodiscard]] ConnectionCut cut() const { return cut_.load(); }

  /// Whether the attempt has a deadline and it has passed: a `57014` then
  /// is the task's timeout (statement_timeout is set to the time left, or
  /// the watchdog cancelled), and without one it is someone else's cancel.
  /// Within 100 ms and a thousandth of the timeout: the server times the
  /// statement with its own clock, which may run a little fast.
  [[nodiscard]] bool deadline_passed() const;

  /// Ends the watch (the attempt is over): nothing is cancelled or closed
  /// after it returns. Returns cut() as it then stands. The destructor does
  /// the same.
  ConnectionCut finish();

 private:
  struct OnStop {
    QueryWatchdog* watchdog;
    void operator()() const noexcept { watchdog->stop_requested(); }
  };

  void stop_requested() noexcept;
  void watch(std::stop_token done);

  pqxx::connection_base& connection_;
  const Clock::time_point started_;
  const std::optional<Clock::time_point> deadline_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  bool stopped_ = false;   // guarded by mutex_
  bool finished_ = false;  // guarded by mutex_
  std::atomic<ConnectionCut> cut_{ConnectionCut::None};
  std::jthread thread_;  // started by the constructor or by stop_requested (under mutex_)
  std::optional<std::stop_callback<OnStop>> on_stop_;
};

}  // namespace flowc::runtime::materialize_detail
