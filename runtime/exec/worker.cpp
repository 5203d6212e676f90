#include "runtime/exec/worker.h"

#include <fmt/format.h>

#include <list>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "compiler/plan/json.h"
#include "runtime/exec/alert_queue.h"
#include "runtime/exec/announcements.h"
#include "runtime/exec/drive.h"
#include "runtime/exec/executor.h"
#include "runtime/exec/log_dir.h"
#include "runtime/exec/pool.h"
#include "runtime/exec/run_shared.h"
#include "runtime/state/store.h"

namespace flowc::runtime::exec {
namespace {

using std::chrono::milliseconds;

// The runs a worker serves, found by id: the plan read from runs.plan and
// bound to this machine the first time a task of the run is claimed, then
// kept for the next claims. The least recently used runs beyond a few dozen
// are forgotten (an attempt still running, or an alert of the run still
// queued, keeps its run alive).
class StoredRuns final : public RunDirectory {
 public:
  /// `alerts` delivers every run's incidents; it must outlive this.
  StoredRuns(const WorkerRequest& request, AlertQueue& alerts)
      : binder_(*request.binder),
        alerts_(alerts),
        store_(request.pool.state_dsn, request.pool.schema),
        log_dir_(request.pool.log_dir),
        on_refused_(request.refused) {}

  void refused(int64_t run_id, const std::string& task, const std::string& message) override {
    if (on_refused_)
      on_refused_(fmt::format("task {} of run {} failed without running: {}", task, run_id, message));
  }

  std::shared_ptr<RunShared> find(int64_t run_id, std::string& error) override {
    std::lock_guard lock(mutex_);
    for (auto it = runs_.begin(); it != runs_.end(); ++it) {
      if ((*it)->run->run_id != run_id) continue;
      runs_.splice(runs_.begin(), runs_, it);  // most recently used first
      return std::shared_ptr<RunShared>(runs_.front(), &*runs_.front()->run);
    }
    state::StoredRun stored = store_.stored_run(run_id);
    // A connection the database dropped while idle: once more, on a new one.
    if (!stored.status && stored.status.connection_lost && store_.connect()) stored = store_.stored_run(run_id);
    if (!stored.status || !stored.found) {
      error = stored.status ? "the run is not in the state database" : "reading its plan: " + stored.status.error;
      return nullptr;
    }
    // A run whose driving process is gone is never closed: running its
    // tasks would only write for a run nobody watches.
    bool driven = false;
    if (state::Status status = store_.run_driven(run_id, driven); !status) {
      error = "reading its run lock: " + status.error;
      return nullptr;
    }
    if (!driven) {
      error = fmt::format("no process drives the run any more (its `flowc run` or scheduler is gone); "
                          "`flowc retry {}` finishes it",
                          run_id);
      return nullptr;
    }
    auto entry = std::make_shared<Entry>();
    std::string why;
    std::optional<plan::Plan> plan =
        plan::plan_from_json(nlohmann::json::parse(stored.plan_json, nullptr, false), why);
    if (!plan) {
      error = "its stored plan cannot be read: " + why;
      return nullptr;
    }
    entry->plan = std::move(*plan);
    entry->binding = binder_.bind(run_id, entry->plan, error);
    if (!entry->binding) return nullptr;
    entry->binding->request.plan = &entry->plan;
    entry->binding->request.log_dir = log_dir_;
    // The executor that raises an incident goes on to its next task; the
    // queued incident keeps the entry, so the run may be forgotten meanwhile.
    if (AlertSink* sink = entry->binding->request.alerts)
      entry->alerts.emplace(alerts_, *sink, std::weak_ptr<const void>(entry));
    // Waits count from the drive's start: a retry's, not the run's first.
    entry->run.emplace(entry->binding->request, run_id, stored.drive_started,
                       entry->alerts ? &*entry->alerts : nullptr);
    if (!log_dir_.empty()) find_log_dir(*entry->run, store_);
    runs_.push_front(entry);
    if (runs_.size() > kKept) runs_.pop_back();
    return std::shared_ptr<RunShared>(entry, &*entry->run);
  }

 private:
  static constexpr size_t kKept = 32;
  struct Entry {
    plan::Plan plan;
    std::unique_ptr<RunBinding> binding;
    std::optional<QueuedAlerts> alerts;  // to `binding->request.alerts`, through the worker's queue
    std::optional<RunShared> run;        // refers to `plan`, `binding->request` and `alerts`
  };
  RunBinder& binder_;
  AlertQueue& alerts_;
  std::mutex mutex_;
  state::StateStore store_;  // used under mutex_
  std::string log_dir_;      // the worker's: its runs' attempt logs go under it
  std::function<void(const std::string&)> on_refused_;
  std::list<std::shared_ptr<Entry>> runs_;
};

}  // namespace

WorkerResult serve(const WorkerRequest& request) {
  WorkerResult result;
  if (!request.binder) {
    result.message = "internal error: a worker needs a run binder";
    return result;
  }
  if (!request.pool.log_dir.empty()) {
    if (std::string problem = log_dir_problem(request.pool.log_dir); !problem.empty()) {
      result.message = problem;
      return result;
    }
  }
  state::StateStore store(request.pool.state_dsn, request.pool.schema);
  if (state::Status migrated = store.migrate(); !migrated) {
    result.message = migrated.described();
    return result;
  }
  // One queue for every run served: the runs raise into it, so it outlives them.
  AlertQueue alerts;
  StoredRuns runs(request, alerts);
  PoolSettings settings = request.pool;
  settings.run_id.reset();  // any running run's instances
  ExecutorPool pool(settings, runs);
  std::stop_callback on_drain(request.drain, [&pool] { pool.drain(); });

  const std::string worker = request.worker.empty() ? default_worker() : request.worker;
  if (request.started) request.started();
  ExecutorThreads executors(pool, worker, std::max<uint32_t>(request.slots, 1));
  // Every finish or new run announced by another process wakes an idle
  // executor; this worker's own finishes hand work over by themselves.
  const std::string own_prefix = worker + ":";
  Announcements announcements(settings.state_dsn, state::notify_channel(settings.schema),
                              [&](const std::optional<state::Announcement>& announced) {
                                // A success other workflows wait on is for their runs'
                                // drivers, which then announce the tasks it makes claimable.
                                if (announced && announced->succeeded) return false;
                                if (!announced || announced->owner.empty() || !announced->owner.starts_with(own_prefix))
                                  pool.wake_one();
                                return false;  // the loop below waits on until the drain
                              });
  // A drain is noticed within 50 ms.
  while (pool.claiming()) announcements.wait(settings.poll, [&] { return !pool.claiming(); });
  executors.join();
  // The attempts are recorded; their alerts may still be on their way. The
  // worker waits for them (each channel's tries are bounded), so none is
  // lost by exiting.
  alerts.drain();

  result.stale_writes = pool.stale_writes;
  result.message = pool.fatal_error();
  result.ok = result.message.empty();
  return result;
}

}  // namespace flowc::runtime::exec
