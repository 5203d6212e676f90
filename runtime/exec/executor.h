// One executor: a thread with its own state connection and its own target
// connection (pqxx connections are not thread-safe) that claims task
// instances of its run, performs attempts through the TaskRunner and records
// their outcomes, fenced on the lease token.
#pragma once

#include <memory>
#include <string>

#include "runtime/exec/run_shared.h"
#include "runtime/state/store.h"

namespace flowc::runtime::exec {

class Executor {
 public:
  Executor(RunShared& shared, std::string worker);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  /// Claims and runs task instances until the run stops.
  void run();

 private:
  /// Runs one attempt and records it; returns the dependent its finish
  /// claimed (the hand-off), if any.
  std::optional<state::Claim> perform(const state::Claim& claim);
  [[nodiscard]] state::ClaimRequest claim_request() const;
  /// The task among `candidates` a claim or finish took for this executor,
  /// when that statement's reply was lost.
  std::optional<state::Claim> handed_over(int64_t run_id, const std::vector<uint32_t>& candidates);
  AttemptResult attempt(const state::Claim& claim, const plan::Task& task, std::stop_token stop,
                        std::optional<state::FinishOutcome>& recorded_in_target);
  std::optional<AttemptResult> check_external(const plan::Task& task, std::chrono::seconds& wait,
                                              std::chrono::seconds& poll);
  state::Finish finish_for(const state::Claim& claim, TaskState state, const AttemptResult& result) const;
  /// Records `finish`, reconnecting while the state database is away and
  /// reading the recorded state back when a commit's outcome is unknown.
  state::FinishOutcome record(const state::Finish& finish);
  /// Waits for the state database to come back; false when it does not
  /// within the request's state_reconnect_timeout (the run then stops).
  bool reconnect_state(const state::Status& lost);
  pqxx::connection* target_connection(std::string& error);
  double unit_random();

  RunShared& shared_;
  std::string worker_;
  state::StateStore store_;
  std::unique_ptr<pqxx::connection> target_;
  uint64_t random_state_;
};

}  // namespace flowc::runtime::exec
