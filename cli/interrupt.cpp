#include "cli/interrupt.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string>

#include "runtime/events/nap.h"
#include "runtime/process/process.h"

namespace flowc::cli {
namespace {

// The one thing a signal handler may touch: lock-free atomics (and
// clock_gettime, which is async-signal-safe). Signals of the same kind that
// arrive before the handler runs count once, which is what "pressed again"
// means.
std::atomic<int> signals_received{0};
std::atomic<int> last_signal{0};
std::atomic<int64_t> first_signal_ns{0};

/// A second signal this soon after the first is the same one delivered
/// twice, not the operator pressing Ctrl-C again: GNU `timeout` signals its
/// child and then its own process group (flowc in it), systemd's mixed
/// KillMode the main process and then its group.
constexpr int64_t kSameSignalNs = 250'000'000;
static_assert(std::atomic<int64_t>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

extern "C" void on_signal(int signal) {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const int64_t at = static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
  last_signal.store(signal);
  int64_t first = 0;
  if (first_signal_ns.compare_exchange_strong(first, at)) {
    signals_received.store(1);
  } else if (at - first >= kSameSignalNs) {
    signals_received.store(2);
  }
}

/// The second signal: the commands' groups are killed (the terminal's
/// Ctrl-C never reaches them), one line says what was left, and the process
/// dies of the signal, so that a shell loop around it stops too. Connections
/// close with the process: the server rolls back any open attempt, and the
/// run's locks go with their sessions.
[[noreturn]] void exit_at_once(int signal) {
  int groups = runtime::kill_child_groups();
  // What a command moved out of its group (`setsid`) carries this process's
  // mark in its environment (command_task.cpp).
  runtime::kill_orphaned_groups({runtime::runner_mark()});
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
  first_signal_ns.store(0);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGHUP, on_signal);  // the terminal or ssh session closed: its commands must not outlive it
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
  std::signal(SIGHUP, SIG_DFL);
}

}  // namespace flowc::cli
