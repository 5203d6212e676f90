// Ctrl-C (SIGINT) and SIGTERM as a std::stop_token, for the commands that
// drive runs (`retry`, `backfill`): the runs are stopped and recorded as
// failed instead of the process dying mid-write.
#pragma once

#include <stop_token>
#include <thread>

namespace flowc::cli {

/// Installs the handlers for as long as it lives (one at a time per
/// process); a watcher thread turns the signal into a stop request, because
/// request_stop() is not async-signal-safe and an atomic store is.
class Interrupts {
 public:
  Interrupts();
  ~Interrupts();
  Interrupts(const Interrupts&) = delete;
  Interrupts& operator=(const Interrupts&) = delete;

  /// Requested once SIGINT or SIGTERM arrived.
  [[nodiscard]] std::stop_token token() const { return source_.get_token(); }
  [[nodiscard]] bool fired() const { return source_.stop_requested(); }

 private:
  std::stop_source source_;
  std::jthread watcher_;
};

}  // namespace flowc::cli
