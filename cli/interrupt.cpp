#include "cli/interrupt.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>

#include "runtime/events/nap.h"
#include "runtime/process/process.h"

namespace flowc::cli {
namespace {

// The one thing a signal handler may touch: lock-free atomics. Signals of
// the same kind that arrive before the handler runs count once, which is
// what "pressed again" means.
std::atomic<int> signals_received{0};
std::atomic<int> last_signal{0};

extern "C" void on_signal(int signal) {
  last_signal.store(signal);
  signals_received.fetch_add(1);
}

/// The second signal: the commands' groups are killed (the terminal's
/// Ctrl-C never reaches them), one line says what was left, and the process
/// dies of the signal, so that a shell loop around it stops too. Connections
/// close with the process: the server rolls back any open attempt, and the
/// run's locks go with their sessions.
[[noreturn]] void exit_at_once(int signal) {
  int groups = runtime::kill_child_groups();
  std::string line = "flowc: interrupted again: exiting at once";
  if (groups > 0)
    line += " (killed " + std::to_string(groups) + (groups == 1 ? " running command)" : " running commands)");
  line += "; what was not recorded is finished by `flowc retry` or the scheduler, as after a crash\n";
  [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
  std::signal(signal, SIG_DFL);
  std::raise(signal);
  std::_Exit(128 + signal);
}

}  // namespace

Interrupts::Interrupts() {
  signals_received.store(0);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  // A handler may not notify a condition variable, so the count is looked
  // at every 50 ms; the wait ends at once when the command is done, so
  // that its exit does not wait out the slice.
  watcher_ = std::jthread([this](std::stop_token done) {
    do {
      int received = signals_received.load();
      if (received >= 2) exit_at_once(last_signal.load());
      if (received == 1) source_.request_stop();
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
