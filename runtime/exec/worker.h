// `flowc worker`: executors that claim ready task instances of any running
// run in a state schema and execute them. The same Executor, claim, lease,
// heartbeat and finish as `flowc run` (runtime.md: no second mechanism);
// what differs is where a run comes from: its plan is read from runs.plan
// the first time a task of it is claimed, and the caller binds it to this
// machine (DSNs, alert routes, the view). The run's scheduler (`flowc run`
// or `flowc schedule`) still creates, watches and ends the run.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include "compiler/plan/plan.h"
#include "runtime/exec/exec.h"
#include "runtime/exec/pool.h"

namespace flowc::runtime::exec {

/// One run bound to this worker: `request` has the plan, the DSNs, the log
/// and project directories, the runner, observer and alerts filled in. An
/// implementation owns whatever those pointers point to.
class RunBinding {
 public:
  virtual ~RunBinding() = default;
  RunRequest request;
};

/// Binds runs to the worker's machine (the CLI: DSNs from its environment).
class RunBinder {
 public:
  virtual ~RunBinder() = default;
  /// A binding for run `run_id`, whose stored plan is `plan` (kept alive by
  /// the worker as long as the binding); nullptr with `error` set when this
  /// worker cannot run its tasks (e.g. no DSN for its target here).
  virtual std::unique_ptr<RunBinding> bind(int64_t run_id, const plan::Plan& plan, std::string& error) = 0;
};

struct WorkerRequest {
  /// The state database, leases, polling and the log directory of the tasks
  /// this worker runs; `run_id` is ignored (a worker claims any run's tasks).
  PoolSettings pool;
  uint32_t slots = 4;                         // executors
  std::string worker;                         // "" = "<host>:<pid>"; executors append ":<n>"
  RunBinder* binder = nullptr;                // required
  /// SIGTERM: claim nothing new, finish the attempts in progress, return.
  std::stop_token drain;
  /// Called once the state database answered and the executors start (the
  /// CLI says so then, not before a database that may not be there).
  std::function<void()> started;
  /// Called with a line to print when a claimed task was failed without
  /// running, its run not being one this worker can serve (no process
  /// drives it any more, its stored plan cannot be read, no DSN here).
  std::function<void(const std::string&)> refused;
};

struct WorkerResult {
  bool ok = false;
  std::string message;       // why the worker stopped, when not ok (no DSN)
  uint64_t stale_writes = 0;
};

/// Serves until `request.drain` is requested and the attempts in progress
/// are recorded, or the state database is lost for longer than
/// state_reconnect_timeout. Migrates the state schema first. Never throws.
WorkerResult serve(const WorkerRequest& request);

}  // namespace flowc::runtime::exec
