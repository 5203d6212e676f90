// One executor: a thread with its own state connection and its own target
// connection (pqxx connections are not thread-safe) that claims task
// instances (of its pool's run, or of any running run for a worker),
// performs attempts through the run's TaskRunner and records their outcomes,
// fenced on the lease token.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "runtime/exec/policy.h"
#include "runtime/exec/pool.h"
#include "runtime/exec/run_shared.h"
#include "runtime/state/store.h"

namespace flowc::runtime::exec {

class Executor {
 public:
  Executor(ExecutorPool& pool, std::string worker);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  /// Claims and runs task instances until the pool stops or drains.
  void run();

 private:
  /// Runs one attempt of `run` and records it; returns the dependent its
  /// finish claimed (the hand-off), if any.
  std::optional<state::Claim> perform(RunShared& run, state::Claim claim);
  /// Starts the attempt after a reclaimed (lost) one (`free`: it does not
  /// count against the retries) and updates `claim` to it; false when the
  /// lease is gone or the state database is (the pool then stops).
  bool restart(state::Claim& claim, bool free);
  /// Records a claim of a run this executor cannot serve as failed, saying why.
  void refuse(const state::Claim& claim, const std::string& why);
  [[nodiscard]] state::ClaimRequest claim_request(std::optional<int64_t> run_id) const;
  /// The task among `candidates` a finish took for this executor, when that
  /// statement's reply was lost.
  std::optional<state::Claim> handed_over(int64_t run_id, const std::vector<uint32_t>& candidates);
  AttemptResult attempt(RunShared& run, const state::Claim& claim, const std::string& log_path,
                        const plan::Task& task, std::stop_token stop,
                        std::optional<state::FinishOutcome>& recorded_in_target);
  /// Where the attempt of `claim` writes its log: in the run's own log
  /// directory (RunShared::log_dir), "" when it has none. The claim
  /// recorded `<log_dir>/<run_id>/...`; a different path is recorded
  /// instead (fenced on the claim's token).
  std::string log_path_for(const RunShared& run, const state::Claim& claim);
  /// Records `path` as the log of the attempt of `claim` when the claim
  /// recorded another (fenced on its token); "" for an attempt that writes none.
  void record_log_path(const state::Claim& claim, const std::string& path);
  /// After the finish of `claim`: `problem` (why its log is missing or
  /// incomplete) is added to the attempt's record and told to the observer.
  void report_log_problem(RunShared& run, const state::Claim& claim, const std::string& problem);
  /// After a commit lost with the connection (outcome unknown, or a
  /// transient failure) while the state database is the target: the success
  /// may have been recorded with the write; the state database says which,
  /// and `result` becomes that success.
  void reconcile_lost_commit(RunShared& run, const state::Claim& claim, AttemptResult& result,
                             std::optional<state::FinishOutcome>& recorded_in_target);
  /// What follows an attempt's `result`: done, wait again, retry or fail
  /// (policy.h), with a waiting source's message saying what does not hold.
  Decision decide(const RunShared& run, const plan::Task& task, const state::Claim& claim,
                  const AttemptResult& result, std::chrono::seconds wait, std::chrono::seconds poll,
                  std::chrono::milliseconds since_start);
  /// While the pool stops, an attempt that did not succeed (or that the stop
  /// ended, AttemptResult::cancelled, on its last attempt) fails as stopped
  /// by the operator, with the pool's reason; so does one cancelled because
  /// its run ended meanwhile (`run_stopped`: another process drove the run
  /// and stopped it). True when `decision` was changed so.
  bool fail_by_stop(Decision& decision, const AttemptResult& result, bool run_stopped) const;
  std::optional<AttemptResult> check_external(const RunShared& run, const plan::Task& task, std::chrono::seconds& wait,
                                              std::chrono::seconds& poll);
  /// The finish recording `result` for `claim`; `dependents`: the task's
  /// direct dependents, which a success promotes; `announce_success`: the
  /// plan's word that other workflows wait on the task.
  static state::Finish finish_for(const state::Claim& claim, TaskState state, const AttemptResult& result,
                                  std::vector<uint32_t> dependents, bool announce_success);
  /// Records `finish`, reconnecting while the state database is away and
  /// reading the recorded state back when a commit's outcome is unknown.
  state::FinishOutcome record(const state::Finish& finish);
  /// Waits for the state database to come back; false when it does not
  /// within the pool's state_reconnect_timeout (the pool then stops).
  bool reconnect_state(const state::Status& lost);
  /// The target connection for `dsn`, (re)opened when needed: connecting
  /// for at most `timeout_seconds` when that is above 0 (a task's timeout).
  pqxx::connection* target_connection(const std::string& dsn, std::string& error,
                                      int64_t timeout_seconds = 0);
  double unit_random();

  ExecutorPool& pool_;
  std::string worker_;
  state::StateStore store_;
  std::unique_ptr<pqxx::connection> target_;
  std::string target_dsn_;  // what target_ is connected to (a worker serves runs of several targets)
  uint64_t random_state_;
};

/// The executors of one process, `count` threads named "<worker>:<n>",
/// and the heartbeat of their leases: what `flowc run` and `flowc worker`
/// both start. The executors return once the pool stops or drains.
class ExecutorThreads {
 public:
  ExecutorThreads(ExecutorPool& pool, const std::string& worker, uint32_t count);
  ~ExecutorThreads() { join(); }
  ExecutorThreads(const ExecutorThreads&) = delete;
  ExecutorThreads& operator=(const ExecutorThreads&) = delete;

  /// Waits for the executors, then stops the heartbeat.
  void join();

 private:
  std::jthread heartbeat_;
  std::vector<std::thread> executors_;
};

}  // namespace flowc::runtime::exec
