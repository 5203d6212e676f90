// Ctrl-C (SIGINT), SIGTERM and SIGHUP (a closed terminal) as a std::stop_token, for the commands that
// drive runs (`run`, `retry`, `backfill`, `schedule`, `worker`): the runs
// are stopped and recorded instead of the process dying mid-write. A second
// signal is the operator saying not to wait for that: the process exits at
// once, as after a crash, which the runtime is built to recover from. One
// that comes within a quarter of a second of the first is the same signal
// delivered twice (`timeout` signals flowc and then its process group).
#pragma once

#include <stop_token>
#include <thread>

namespace flowc::cli {

/// Installs the handlers for as long as it lives (one at a time per
/// process); a watcher thread turns the first signal into a stop request,
/// because request_stop() is not async-signal-safe and an atomic store is.
/// On the second it kills the commands' process groups and the process
/// dies of that signal.
class Interrupts {
 public:
  Interrupts();
  ~Interrupts();
  Interrupts(const Interrupts&) = delete;
  Interrupts& operator=(const Interrupts&) = delete;

  /// Requested once SIGINT, SIGTERM or SIGHUP arrived.
  [[nodiscard]] std::stop_token token() const { return source_.get_token(); }
  [[nodiscard]] bool fired() const { return source_.stop_requested(); }

 private:
  std::stop_source source_;
  std::jthread watcher_;
};

}  // namespace flowc::cli
