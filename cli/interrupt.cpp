#include "cli/interrupt.h"

#include <atomic>
#include <chrono>

#include "runtime/events/nap.h"
#include <csignal>

namespace flowc::cli {
namespace {

// The one thing a signal handler may touch: a lock-free atomic.
std::atomic<bool> signalled{false};

extern "C" void on_signal(int) { signalled.store(true); }

}  // namespace

Interrupts::Interrupts() {
  signalled.store(false);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  // A handler may not notify a condition variable, so the flag is looked
  // at every 50 ms; the wait ends at once when the command is done, so
  // that its exit does not wait out the slice.
  watcher_ = std::jthread([this](std::stop_token done) {
    do {
      if (signalled.load()) {
        source_.request_stop();
        return;
      }
    } while (runtime::nap(done, std::chrono::milliseconds(50)));
  });
}

Interrupts::~Interrupts() {
  watcher_.request_stop();
  watcher_.join();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace flowc::cli
