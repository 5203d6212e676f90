// What the executors of one process share, whatever runs they serve: how to
// wake idle ones, stopping and draining, the leases this process holds (with
// the stop source of each attempt), and where a claimed task's run is found.
// `flowc run` has a pool serving its one run; `flowc worker` has one serving
// every run in the state schema (runtime.md: one execution model).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

namespace flowc::runtime::exec {

class RunShared;
using SteadyClock = std::chrono::steady_clock;

/// Finds the run a claimed task belongs to. A shared_ptr, so a run can be
/// forgotten by a worker while an attempt of it is still being recorded.
class RunDirectory {
 public:
  virtual ~RunDirectory() = default;
  /// The run `run_id`, or nullptr with `error` set when it cannot be served
  /// (its stored plan unreadable, no database for its target).
  virtual std::shared_ptr<RunShared> find(int64_t run_id, std::string& error) = 0;
  /// Told when a claimed task of a run find() refused was failed with
  /// `message`: no run's observer hears of it otherwise.
  virtual void refused(int64_t /*run_id*/, const std::string& /*task*/, const std::string& /*message*/) {}
};

/// How the pool's executors claim and keep their claims.
struct PoolSettings {
  std::string state_dsn;
  std::string schema = "flow";
  /// Claim only this run's task instances; nullopt = any running run's.
  std::optional<int64_t> run_id;
  std::chrono::milliseconds lease{30000};  // renewed every lease/3
  std::chrono::milliseconds poll{1000};    // the fallback when no NOTIFY arrives
  std::chrono::milliseconds state_reconnect_timeout{60000};
  std::string log_dir = ".flow/logs";
};

class ExecutorPool {
 public:
  ExecutorPool(PoolSettings settings, RunDirectory& runs) : settings(std::move(settings)), runs(runs) {}

  const PoolSettings settings;
  RunDirectory& runs;

  // --- waking idle executors -------------------------------------------
  /// The wake generation an executor saw before its last claim.
  uint64_t generation();
  /// Something may be claimable: wake one idle executor (it wakes the next
  /// when its claim succeeds), so a burst costs at most one empty claim.
  void wake_one();
  /// Blocks until woken after `seen`, a due time passes, `poll` elapses or the pool stops.
  void wait_for_work(uint64_t seen);
  /// A task instance becomes claimable at `due` (retry_wait / waiting).
  void due_at(SteadyClock::time_point due);

  // --- stopping --------------------------------------------------------
  /// Stops every attempt in progress (they are recorded as stopped) and
  /// every executor.
  void stop(const std::string& fatal_error = "");
  /// stop() for the operator's interrupt (SIGINT or SIGTERM to a driving
  /// process): the attempts it stops are recorded as interrupted.
  void interrupt();
  [[nodiscard]] bool stopping() const { return stopping_; }
  /// Why the pool stopped its attempts, for their record: the fatal error,
  /// else the interrupt; "" when neither (not stopping, or a plain stop).
  std::string stop_reason();
  /// No new claims and no hand-offs; attempts in progress finish normally.
  void drain();
  /// Whether executors may take new work (neither stopping nor draining).
  [[nodiscard]] bool claiming() const { return !stopping_ && !draining_; }
  std::string fatal_error();

  // --- leases held by this process --------------------------------------
  /// Registers a claimed lease; the returned token stops the attempt.
  std::stop_token hold_lease(const std::string& token);
  void release_lease(const std::string& token);
  /// The tokens to renew now.
  std::vector<std::string> held_tokens();
  /// After a renewal: `renewed` are extended; the others were refused
  /// (fenced), `run_ended` among them because their run ended.
  void renewed(const std::vector<std::string>& asked, const std::vector<std::string>& renewed,
               const std::vector<std::string>& run_ended = {});
  /// Whether the lease `token` was refused because its run ended (its
  /// driver stopped it) rather than taken over: its attempt was stopped
  /// with the run. Ask before release_lease().
  bool run_ended(const std::string& token);
  /// Self-fencing: stops every attempt whose lease was last extended more
  /// than `limit` ago (the heartbeat could not reach the state database).
  void stop_overdue(std::chrono::milliseconds limit);

  /// Fenced writes rejected (this process's executors lost a lease).
  std::atomic<uint64_t> stale_writes{0};

 private:
  struct Lease {
    std::stop_source stop;
    SteadyClock::time_point extended;
    bool lost = false;
    bool run_ended = false;  // lost because its run ended
  };
  std::mutex mutex_;
  std::condition_variable wake_;
  uint64_t generation_ = 0;
  std::multiset<SteadyClock::time_point> due_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> draining_{false};
  bool interrupted_ = false;  // under mutex_
  std::string fatal_error_;
  std::map<std::string, Lease> leases_;
};

}  // namespace flowc::runtime::exec
