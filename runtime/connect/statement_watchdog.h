// A limit on how long one connection's statements may go unanswered, for
// the state database's bookkeeping. A state server that stays up but does
// not answer (a stopped or wedged backend, a storage stall) is not noticed
// by the socket: its kernel still answers keepalives. Without a limit the
// run's bookkeeping, and with it a Ctrl-C, waits for that server for as
// long as it is wedged. With one, the statement is cancelled when the limit
// has passed, and when the cancel is not answered either the connection's
// socket is closed under libpq: the statement fails as a lost connection,
// which the callers already survive (reconnect, read the state back, go
// on, or stop when the run is stopping).
//
// A task's own SQL has materialize's QueryWatchdog instead, which also ends
// a statement on a stop request and costs a thread only when it acts. This
// one serves many short statements: arming and disarming it is a mutex and
// no system call, and one thread per watchdog wakes at the armed deadline,
// or once per limit when nothing is armed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <thread>

namespace flowc::runtime {

class StatementWatchdog {
 public:
  using Clock = std::chrono::steady_clock;

  /// How long a cancelled statement may take to end before its connection
  /// is closed.
  static constexpr std::chrono::seconds kCancelGrace{5};

  /// What the watchdog did to a watched statement.
  enum class Action { None, Cancelled, Closed };

  /// While a Watch lives, the statements on its connection are watched.
  class Watch {
   public:
    Watch(Watch&& other) noexcept;
    Watch& operator=(Watch&&) = delete;
    ~Watch();
    /// What was done so far. Read it when the statement failed, to say why.
    [[nodiscard]] Action action() const;

   private:
    friend class StatementWatchdog;
    Watch(StatementWatchdog* watchdog, uint64_t generation) : watchdog_(watchdog), generation_(generation) {}
    StatementWatchdog* watchdog_;
    uint64_t generation_;
  };

  /// `limit`: how long a statement (or the statements of one Watch) may take.
  explicit StatementWatchdog(std::chrono::milliseconds limit) : limit_(limit) {}
  ~StatementWatchdog();
  StatementWatchdog(const StatementWatchdog&) = delete;
  StatementWatchdog& operator=(const StatementWatchdog&) = delete;

  /// Why a statement failed that the watchdog acted on, for a message:
  /// "<server> did not answer within 60s: flowc cancelled the statement".
  [[nodiscard]] std::string explain(Action action, std::string_view server) const;

  /// Watches `connection` from now for limit(), until the Watch goes. One
  /// Watch at a time: the connection must outlive it. Starts the thread on
  /// first use; without one to be had, nothing is watched.
  [[nodiscard]] Watch watch(pqxx::connection_base& connection);

  /// Runs `body(connection)` under a Watch. Should it throw, `acted` says
  /// what the watchdog had done, read before the Watch ends (so that the
  /// caller's handler may drop the connection), and the exception goes on.
  template <class Connection, class Body>
  void run(Connection& connection, Action& acted, Body&& body) {
    Watch watched = watch(connection);
    try {
      body(connection);
    } catch (...) {
      acted = watched.action();
      throw;
    }
  }

 private:
  void end(uint64_t generation);
  [[nodiscard]] Action action_of(uint64_t generation) const;
  void run(std::stop_token stop);

  const std::chrono::milliseconds limit_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  // Guarded by mutex_: the watched connection (null when none), its Watch's
  // generation, its deadline, and what was done to which generation.
  pqxx::connection_base* connection_ = nullptr;
  uint64_t generation_ = 0;
  Clock::time_point deadline_;
  uint64_t acted_on_ = 0;
  Action action_ = Action::None;
  std::jthread thread_;  // declared last: it stops and joins before the rest goes
};

}  // namespace flowc::runtime
