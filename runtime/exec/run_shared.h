// What the scheduler, the executors and the heartbeat of one run share in
// memory: how to wake idle executors, the leases this process holds (with
// the stop source of each attempt), and the run's fixed facts.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include "runtime/events/events.h"
#include "runtime/exec/exec.h"

namespace flowc::runtime::exec {

using SteadyClock = std::chrono::steady_clock;

class RunShared {
 public:
  RunShared(const RunRequest& request, int64_t run_id, Clock::time_point started);

  const RunRequest& request;
  const plan::Plan& plan;
  const int64_t run_id;
  const Clock::time_point started;       // the run's start (readiness and external waits count from it)
  const bool state_in_target;
  /// dependents[i]: the tasks that depend on task i directly (every finish
  /// names them; the full downstream is computed on a final failure only).
  const std::vector<std::vector<uint32_t>> dependents;

  // --- waking idle executors -------------------------------------------
  /// The wake generation an executor saw before its last claim.
  uint64_t generation();
  /// Something may be claimable: wake one idle executor (it wakes the next
  /// when its claim succeeds), so a burst costs at most one empty claim.
  void wake_one();
  /// Blocks until woken after `seen`, a due time passes, `poll` elapses or the run stops.
  void wait_for_work(uint64_t seen);
  /// A task instance becomes claimable at `due` (retry_wait / waiting).
  void due_at(SteadyClock::time_point due);

  // --- completion ------------------------------------------------------
  /// `count` task instances reached a final state (recorded by this process).
  void settled(size_t count) { settled_ += count; }
  /// Whether this process saw every task instance reach a final state: the
  /// scheduler then reads the run back (the database has the last word).
  [[nodiscard]] bool all_settled() const { return settled_ >= plan.tasks.size(); }

  // --- stopping --------------------------------------------------------
  void stop(const std::string& fatal_error = "");
  [[nodiscard]] bool stopping() const { return stopping_; }
  std::string fatal_error();

  // --- leases held by this process --------------------------------------
  /// Registers a claimed lease; the returned token stops the attempt.
  std::stop_token hold_lease(const std::string& token);
  void release_lease(const std::string& token);
  /// The tokens to renew now.
  std::vector<std::string> held_tokens();
  /// After a renewal: `renewed` are extended; the others were refused (fenced).
  void renewed(const std::vector<std::string>& asked, const std::vector<std::string>& renewed);
  /// Self-fencing: stops every attempt whose lease was last extended more
  /// than `limit` ago (the heartbeat could not reach the state database).
  void stop_overdue(std::chrono::milliseconds limit);

  // --- events ------------------------------------------------------------
  void emit(uint32_t task, TaskState state, uint32_t attempt, const std::string& message,
            const std::string& log_path);
  void raise(const Incident& incident);
  std::atomic<uint64_t> stale_writes{0};
  std::atomic<uint32_t> warnings{0};

 private:
  struct Lease {
    std::stop_source stop;
    SteadyClock::time_point extended;
    bool lost = false;
  };
  std::mutex mutex_;
  std::condition_variable wake_;
  uint64_t generation_ = 0;
  std::multiset<SteadyClock::time_point> due_;
  std::atomic<bool> stopping_{false};
  std::atomic<size_t> settled_{0};
  std::string fatal_error_;
  std::map<std::string, Lease> leases_;
};

}  // namespace flowc::runtime::exec
