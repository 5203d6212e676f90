#include "cli/interrupt.h"

#include <atomic>
#include <chrono>
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
  watcher_ = std::jthread([this](std::stop_token done) {
    while (!done.stop_requested()) {
      if (signalled.load()) {
        source_.request_stop();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
}

Interrupts::~Interrupts() {
  watcher_.request_stop();
  watcher_.join();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace flowc::cli
