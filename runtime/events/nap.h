// Sleeping that a stop request ends at once: the heartbeat, the scheduler
// between fires and the interrupt watcher wait this way, so that a process
// that is done never waits out a sleep.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>

namespace flowc::runtime {

/// Sleeps until `until` or until `stop` is requested; false when stopped.
template <class Clock, class Duration>
bool nap_until(std::stop_token stop, std::chrono::time_point<Clock, Duration> until) {
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  wake.wait_until(lock, stop, until, [] { return false; });
  return !stop.stop_requested();
}

/// Sleeps `duration` or until `stop` is requested; false when stopped.
inline bool nap(std::stop_token stop, std::chrono::milliseconds duration) {
  return nap_until(stop, std::chrono::steady_clock::now() + duration);
}

}  // namespace flowc::runtime
