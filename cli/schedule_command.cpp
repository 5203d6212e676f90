// `flowc schedule`: the long-running scheduler (cli.md). It wakes at every
// fire time of the project's scheduled workflows, compiles the project again
// (a merged change is what the next run runs), and hands each owed run to
// execute_run() with trigger `schedule`, in a thread of its own. The state
// database decides who runs it: the run lock and the one scheduled run per
// (workflow, ds, env) turn a second scheduler's attempt into a refusal, which
// is reported and is not a failure. `--once` makes one pass and waits for
// its runs. Wiring only: what a schedule owes is runtime/exec/schedule.h.
#include <algorithm>
#include <atomic>
#include <fmt/format.h>
#include <iostream>
#include <list>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <syncstream>
#include <thread>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/load.h"
#include "cli/missed_days.h"
#include "cli/plan_load.h"
#include "cli/repeated_effect.h"
#include "cli/run_databases.h"
#include "cli/run_wiring.h"
#include "cli/stored_plan.h"
#include "compiler/plan/ds.h"
#include "compiler/plan/json.h"
#include "runtime/alert/dispatcher.h"
#include "runtime/connect/secrets.h"
#include "runtime/events/nap.h"
#include "runtime/exec/exec.h"
#include "runtime/exec/schedule.h"
#include "runtime/materialize/runner.h"
#include "runtime/state/store.h"
#include "runtime/view/view.h"

namespace flowc::cli {
namespace {

using runtime::Clock;
using runtime::exec::RunResult;

struct ScheduledWorkflow {
  std::string name;
  std::string schedule;
  std::string time_zone;
  std::string handled;  // the last ds handed on (every fire of one day owes the same run)
  std::string gap_checked;  // the last ds before which missed days were looked for
  // Where its runs are recorded, once a run was handed on: watched for a
  // run another scheduler abandoned.
  std::string state_dsn;
  std::string state_schema;
  std::string root;  // the project directory the run was compiled in
  /// Abandoned runs not adopted (a stored plan that cannot be read, or a
  /// production plan the project no longer lets write): reported once, not
  /// at every wake (`flowc retry` refuses them too; they need a look).
  std::set<int64_t> not_adopted;
  /// The plan of its latest owed run (compiled at that run's fire): its
  /// routes deliver the alerts another flowc of the workflow left `sending`.
  std::shared_ptr<const plan::Plan> plan;
  /// Delivering those, beside the wake loop (a command channel's tries may
  /// take a minute and a half); stopped when the scheduler is stopped,
  /// waited for when it ends otherwise (`--once`).
  std::jthread resending;
  std::shared_ptr<std::atomic<bool>> resend_idle = std::make_shared<std::atomic<bool>>(true);
};

/// The project's workflows with a schedule that may run in `env` (a `model`
/// stage workflow only outside production; skipped with a note otherwise).
std::vector<ScheduledWorkflow> scheduled_workflows(const model::Model& model, const std::string& env) {
  std::vector<ScheduledWorkflow> out;
  for (const model::Workflow& workflow : model.workflows) {
    if (workflow.schedule.empty()) continue;
    if (workflow.stage == model::Stage::Model && env.empty()) {
      std::cerr << "flowc: workflow `" << workflow.name
                << "` is in stage `model`: not scheduled in production (pass --env to schedule it elsewhere)\n";
      continue;
    }
    ScheduledWorkflow scheduled;
    scheduled.name = workflow.name;
    scheduled.schedule = workflow.schedule;
    scheduled.time_zone = workflow.time_zone.empty() ? "UTC" : workflow.time_zone;
    out.push_back(std::move(scheduled));
  }
  return out;
}

/// A scheduled run whose scheduler is gone, to be driven again in place.
struct Adopted {
  int64_t run_id = 0;
  std::string plan_json;  // runs.plan: what ran, not a recompiled plan
};

/// The runs being driven, one thread each, and how they ended. Result lines
/// go to stdout, one write each.
class Runs {
 public:
  explicit Runs(std::stop_token cancel) : cancel_(std::move(cancel)) {}

  void report(const std::string& line, bool failed) {
    std::lock_guard lock(mutex_);
    std::cout << line << '\n' << std::flush;
    failed_ = failed_ || failed;
  }

  /// Drives `plan` in a thread of its own: a new run, or the `adopted` one.
  void start(std::shared_ptr<const plan::Plan> plan, RunDatabases databases, std::string root,
             std::optional<uint32_t> concurrency, std::optional<Adopted> adopted = std::nullopt) {
    // Threads of finished runs are joined as new ones start, so the list
    // holds the runs in progress and the few that ended since.
    threads_.remove_if([](const Driving& driving) { return driving.done.load(); });
    Driving& driving = threads_.emplace_back();
    driving.adopted_run = adopted ? adopted->run_id : 0;
    driving.thread = std::jthread([this, &driving, plan = std::move(plan), databases = std::move(databases),
                                   root = std::move(root), concurrency, adopted = std::move(adopted)] {
      drive(*plan, databases, root, concurrency, adopted);
      driving.done = true;
    });
  }

  /// Whether this scheduler is driving run `run_id` as an adopted run.
  [[nodiscard]] bool adopting(int64_t run_id) const {
    return std::any_of(threads_.begin(), threads_.end(), [run_id](const Driving& driving) {
      return driving.adopted_run == run_id && !driving.done.load();
    });
  }

  /// Waits for every run started so far.
  void join() { threads_.clear(); }
  [[nodiscard]] bool any_failed() const { return failed_; }
  /// Requested at Ctrl-C: it stops the runs, and a wait to start the next.
  [[nodiscard]] const std::stop_token& cancel() const { return cancel_; }
  /// Whether a run was still going when the stop came (and so was stopped
  /// and recorded as failed). Read after join().
  [[nodiscard]] bool any_stopped() const { return stopped_; }

 private:
  void drive(const plan::Plan& plan, const RunDatabases& databases, const std::string& root,
             std::optional<uint32_t> concurrency, const std::optional<Adopted>& adopted) {
    runtime::PostgresTaskRunner runner;
    runtime::alert::AlertDispatcher alerts(alert_options(plan, databases, root));
    // Several runs share stderr: each line is emitted whole.
    std::osyncstream progress(std::cerr);
    progress << std::emit_on_flush;
    std::unique_ptr<runtime::RunObserver> view = runtime::view::make_view(progress, false);
    runtime::exec::RunRequest request = run_request(plan, databases, root, "schedule");
    request.plan_json = adopted ? adopted->plan_json : plan::to_json(plan).dump();
    request.concurrency = concurrency;
    request.runner = &runner;
    request.observer = view.get();
    request.alerts = &alerts;
    request.cancel = cancel_;
    // An adopted run is finished as `flowc retry RUN_ID` would: every
    // instance that did not succeed runs again, in the same run record.
    RunResult result = adopted ? runtime::exec::retry_run(request, {adopted->run_id, "", /*adopting=*/true})
                               : runtime::exec::execute_run(request);
    if (cancel_.stop_requested() && result.outcome == RunResult::Outcome::Finished &&
        result.summary.status != runtime::RunStatus::Succeeded)
      stopped_ = true;
    const std::string what =
        fmt::format("{} for {}{}", plan.workflow, plan.ds, adopted ? " (adopted: its scheduler was gone)" : "");
    switch (result.outcome) {
      case RunResult::Outcome::Refused:
        // Another scheduler (or an operator's `flowc run`) has this run; an
        // adoption another scheduler won adopted nothing here.
        report(adopted
                   ? fmt::format("{} for {}: not adopted here: {}", plan.workflow, plan.ds, result.message)
                   : fmt::format("{}: not started here: {}", what, result.message),
               false);
        return;
      case RunResult::Outcome::Error:
        report(fmt::format("{}: failed: {}", what, runtime::without_passwords(result.message, databases.state_dsn)), true);
        return;
      case RunResult::Outcome::Finished: break;
    }
    bool succeeded = result.summary.status == runtime::RunStatus::Succeeded;
    report(fmt::format("run {} of {}: {}", result.summary.run_id, what,
                       succeeded ? std::string("succeeded")
                                 : "failed: " + runtime::without_passwords(failure_reason(result, plan), databases.state_dsn)),
           !succeeded);
  }

  std::stop_token cancel_;
  std::mutex mutex_;
  bool failed_ = false;
  std::atomic<bool> stopped_{false};
  struct Driving {
    std::atomic<bool> done{false};
    int64_t adopted_run = 0;  // 0: a run this scheduler created
    std::jthread thread;
  };
  std::list<Driving> threads_;
};

/// The databases of a run of `plan`, as `flowc run` would find them with
/// the scheduler's --dsn and --state-dsn. The scheduler handles Ctrl-C
/// itself: `cancel` ends a wait for the private cluster's lock.
std::optional<RunDatabases> databases_for(const plan::Plan& plan, const ScheduleOptions& options,
                                          const std::string& root, std::stop_token cancel) {
  RunOptions run_options;
  run_options.dsn = options.dsn;
  run_options.state_dsn = options.state_dsn;
  return resolve_databases(plan, run_options, root, std::move(cancel));
}

/// What start_owed() did with an owed run.
enum class Owed : uint8_t {
  Handled,      // started, or skipped because the day succeeded already
  TryAgain,     // the project has errors or a database is away: the next wake tries again
  BadCommand,   // the command line cannot work (an --env no target declares, a state schema it refuses): exit 2
  Unreachable,  // --once: no database to run in, or the state database cannot be reached: exit 2
};

/// The scheduled run `run_id`, recorded `running`: when no process drives
/// it any more (a scheduler that crashed or was killed), this scheduler
/// drives it again from its stored plan. Nullopt when it is not such a run
/// (in progress elsewhere, or not a scheduled one): the caller goes on.
std::optional<Owed> adopt_if_abandoned(const ScheduleOptions& options, ScheduledWorkflow& workflow,
                                       const std::string& what, int64_t run_id, runtime::state::StateStore& store,
                                       Runs& runs) {
  if (workflow.not_adopted.contains(run_id)) return Owed::Handled;
  bool driven = true;
  runtime::state::StoredRun stored;
  if (runtime::state::Status status = store.run_driven(run_id, driven); status && !driven)
    stored = store.stored_run(run_id);
  if (!stored.found || stored.trigger != "schedule") return std::nullopt;
  std::string error;
  std::optional<plan::Plan> plan =
      plan::plan_from_json(nlohmann::json::parse(stored.plan_json, nullptr, false), error);
  if (!plan) {
    runs.report(fmt::format("{}: failed: run {} has no driver and its stored plan cannot be read: {}", what, run_id,
                            error),
                true);
    workflow.not_adopted.insert(run_id);
    return Owed::Handled;
  }
  // As `flowc retry` does: a production plan recorded before a rollback (or
  // before its legacy job was enabled again) would write that job's tables.
  if (std::string refusal = production_write_refusal(*plan, project_at(workflow.root).get());
      !refusal.empty()) {
    runs.report(fmt::format("{}: not adopted: run {} has no driver, and it ran in production while {}", what,
                            run_id, refusal),
                true);
    workflow.not_adopted.insert(run_id);
    return Owed::Handled;
  }
  std::optional<RunDatabases> databases = databases_for(*plan, options, workflow.root, runs.cancel());
  if (!databases) return Owed::TryAgain;
  runs.start(std::make_shared<const plan::Plan>(std::move(*plan)), std::move(*databases), workflow.root,
             options.concurrency, Adopted{run_id, stored.plan_json});
  return Owed::Handled;
}

/// Once per owed day: the days before it the schedule owed that have no run
/// (the scheduler was not running, or could not start them), said on stderr
/// with the backfill that runs them (cli/missed_days.h). A state database
/// that cannot be read here is said by the run, which reads it next.
void warn_of_missed_days(runtime::state::StateStore& store, ScheduledWorkflow& workflow,
                         const plan::Plan& plan) {
  if (workflow.gap_checked == plan.ds) return;
  workflow.gap_checked = plan.ds;
  std::optional<std::chrono::sys_days> due = plan::parse_ds(plan.ds);
  if (!due) return;
  // As far back as the scheduler looks for a fire: a year.
  runtime::state::DayRuns earlier = store.latest_runs(
      plan.workflow, plan.env, std::string(plan::to_string(plan.stage)),
      plan::ds_text(*due - std::chrono::days{366}), plan::ds_text(*due - std::chrono::days{1}));
  if (!earlier.status) return;
  std::string warning = missed_days_warning(ScheduleGap{plan.workflow, plan.env, workflow.schedule,
                                                        workflow.time_zone, *due, std::move(earlier.runs)});
  if (!warning.empty()) std::osyncstream(std::cerr) << warning;
}

/// Creates and starts the run `workflow` owes for `due`, unless a run of
/// that day already succeeded (by hand or by a backfill), or adopts the
/// day's scheduled run when its scheduler is gone.
Owed start_owed(const ScheduleOptions& options, ScheduledWorkflow& workflow, const runtime::exec::ScheduledRun& due,
                Runs& runs) {
  const std::string what = fmt::format("{} for {}", workflow.name, due.ds);
  int exit_code = kExitOk;
  std::optional<LoadedPlan> loaded = load_plan(PlanSelection{options.path, workflow.name, due.ds, options.env, {}}, exit_code);
  if (!loaded) {
    if (exit_code == kExitUsage) return Owed::BadCommand;  // load_plan said why
    runs.report(what + ": not started: the project has errors (see above); trying again", true);
    return Owed::TryAgain;
  }
  std::optional<RunDatabases> databases = databases_for(loaded->plan, options, loaded->root, runs.cancel());
  if (!databases) {
    // Ctrl-C during a wait for the private cluster's lock: said already, and nothing is tried again.
    if (runs.cancel().stop_requested()) return Owed::TryAgain;
    if (options.once) return Owed::Unreachable;  // resolve_databases() said why
    runs.report(what + ": not started: no database to run it in (see above); trying again", true);
    return Owed::TryAgain;
  }
  // Checked before the run is created, as `flowc run` does: the directory
  // may be put right before the next wake.
  if (std::string problem = options.concurrency == 0u ? "" : attempt_log_problem(loaded->root);
      !problem.empty()) {
    if (options.once) {
      print_error(what + ": not started: " + problem);
      return Owed::Unreachable;
    }
    runs.report(what + ": not started: " + problem + "; trying again", true);
    return Owed::TryAgain;
  }
  workflow.plan = std::make_shared<const plan::Plan>(std::move(loaded->plan));
  const plan::Plan& plan = *workflow.plan;
  workflow.state_dsn = databases->state_dsn;
  workflow.state_schema = plan.state_schema;
  workflow.root = loaded->root;
  runtime::state::StateStore store(workflow.state_dsn, workflow.state_schema);
  runtime::state::Status migrated = store.migrate();
  runtime::state::DayRuns latest =
      migrated ? store.latest_runs(plan.workflow, plan.env, std::string(plan::to_string(plan.stage)), plan.ds,
                                   plan.ds)
               : runtime::state::DayRuns{migrated, {}};
  if (!latest.status) {
    if (options.once || latest.status.schema_refused) {
      // No next wake to try again at, or none that could help (a state
      // schema newer than this flowc, or damaged): an environment error
      // (cli.md), on stderr.
      print_error(what + ": not started: " + runtime::without_passwords(latest.status.described(), databases->state_dsn));
      return options.once ? Owed::Unreachable : Owed::BadCommand;
    }
    runs.report(what + ": not started: " +
                    runtime::without_passwords(latest.status.described(), databases->state_dsn) +
                    "; trying again",
                true);
    return Owed::TryAgain;
  }
  warn_of_missed_days(store, workflow, plan);
  if (!latest.runs.empty() && latest.runs.front().run_status == runtime::RunStatus::Succeeded) {
    runs.report(fmt::format("{}: skipped: run {} succeeded already", what, latest.runs.front().run_id), false);
    return Owed::Handled;
  }
  if (!latest.runs.empty() && latest.runs.front().run_status == runtime::RunStatus::Running)
    if (std::optional<Owed> adopted =
            adopt_if_abandoned(options, workflow, what, latest.runs.front().run_id, store, runs))
      return *adopted;
  // A failed run of the day (by hand, a backfill), or one whose process was
  // killed, got past a task that may not repeat, or partly through one: a
  // scheduled run would repeat it, as `flowc backfill` refuses to. (A failed
  // scheduled run is the day's one: the run's creation says so.)
  if (!latest.runs.empty() && latest.runs.front().run_status != runtime::RunStatus::Succeeded &&
      latest.runs.front().trigger != "schedule")
    if (std::string repeated = repeated_by_new_run(
            store, plan, latest.runs.front(), databases->state_dsn == databases->target_dsn,
            fmt::format("run the day by hand (`flowc run --ds {}`)", plan.ds));
        !repeated.empty()) {
      runs.report(what + ": not started: " + repeated, true);
      return Owed::Handled;
    }
  runs.start(workflow.plan, std::move(*databases), loaded->root, options.concurrency);
  return Owed::Handled;
}

/// The scheduled runs of `workflow`, of any ds, recorded `running` that no
/// process drives any more (the scheduler that started them died) are
/// adopted here, except those this scheduler is adopting already.
/// False when the state schema is one this flowc refuses (newer, or
/// damaged), said on stderr: the scheduler ends (exit 2), as at a fire.
bool adopt_abandoned(const ScheduleOptions& options, ScheduledWorkflow& workflow, Runs& runs,
                     runtime::state::StateStore& store) {
  runtime::state::DayRuns abandoned = store.abandoned_runs(workflow.name, options.env, "schedule");
  if (!abandoned.status && abandoned.status.schema_refused) {
    print_error(workflow.name + ": " +
                runtime::without_passwords(abandoned.status.described(), workflow.state_dsn));
    return false;
  }
  if (!abandoned.status) return true;  // a hiccup: the next wake looks again
  for (const runtime::state::DayRun& run : abandoned.runs)
    if (!runs.adopting(run.run_id))
      adopt_if_abandoned(options, workflow, fmt::format("{} for {}", workflow.name, run.ds), run.run_id, store,
                         runs);
  return true;
}

/// The alerts of `workflow` that a flowc killed while delivering them left
/// `sending` (an operator's `flowc run` of it, say) are delivered now, at
/// a wake, rather than by the workflow's next run, which may be a day
/// away: in a thread, so that a slow channel delays no owed run, one at a
/// time per workflow. A run of it this scheduler drives delivers them too,
/// at its end; the two never send one row twice (alert::AlertStore).
void resend_interrupted_alerts(ScheduledWorkflow& workflow) {
  workflow.resend_idle->store(false);
  RunDatabases databases;
  databases.state_dsn = workflow.state_dsn;
  workflow.resending =
      std::jthread([plan = workflow.plan, databases = std::move(databases), root = workflow.root,
                    idle = workflow.resend_idle](std::stop_token stop) {
        runtime::alert::AlertDispatcher alerts(alert_options(*plan, databases, root));
        alerts.resend_interrupted(*plan, stop);
        idle->store(true);
      });
}

/// What a wake looks after besides the owed run, once a run of `workflow`
/// was handed on (its state database known): runs another scheduler
/// abandoned, and alerts a killed flowc left `sending`. One connection per
/// workflow and wake, and a resend thread only when there is something to
/// send; a database hiccup waits for the next wake. False when the state
/// schema is one this flowc refuses (said on stderr).
bool look_after(const ScheduleOptions& options, ScheduledWorkflow& workflow, Runs& runs) {
  if (workflow.state_dsn.empty()) return true;
  runtime::state::StateStore store(workflow.state_dsn, workflow.state_schema);
  if (!adopt_abandoned(options, workflow, runs, store)) return false;
  if (!workflow.plan || !workflow.resend_idle->load()) return true;
  bool sending = false;
  if (store.alerts_sending(workflow.plan->workflow, workflow.plan->env, sending) && sending)
    resend_interrupted_alerts(workflow);
  return true;
}

}  // namespace

int run_schedule(const ScheduleOptions& options) {
  int exit_code = kExitOk;
  std::unique_ptr<project::Compilation> compilation = load_checked_project(options.path, exit_code);
  if (!compilation) return exit_code;
  std::vector<ScheduledWorkflow> workflows = scheduled_workflows(compilation->model, options.env);
  compilation.reset();
  if (workflows.empty()) {
    print_error("no workflow in " + options.path + " has a `schedule` to run" +
                (options.env.empty() ? "" : " in env " + options.env));
    return kExitUsage;
  }

  Interrupts interrupts;
  Runs runs(interrupts.token());
  bool bad_command = false;
  bool unreachable = false;
  while (!interrupts.fired()) {
    const Clock::time_point now = Clock::now();
    for (ScheduledWorkflow& workflow : workflows) {
      if (interrupts.fired()) break;  // during a wait for the private cluster: not one wait per workflow
      std::optional<runtime::exec::ScheduledRun> due =
          runtime::exec::latest_scheduled_run(workflow.schedule, workflow.time_zone, now);
      if (!due) continue;
      if (workflow.handled != due->ds) {
        Owed owed = start_owed(options, workflow, *due, runs);
        if (owed == Owed::Handled) workflow.handled = due->ds;
        unreachable = unreachable || owed == Owed::Unreachable;
        // An --env no target declares is said once, not once per workflow.
        if (owed == Owed::BadCommand) {
          bad_command = true;
          break;
        }
        // Said already (`--once`): its state database is not to be used now.
        if (owed == Owed::Unreachable) continue;
      }
      if (!look_after(options, workflow, runs)) {
        bad_command = true;
        break;
      }
    }
    if (options.once || bad_command) break;
    // Wake at the next fire of any workflow; at least every 15 seconds, to
    // notice a clock that jumps and runs another scheduler abandoned.
    Clock::time_point wake = now + std::chrono::seconds(15);
    for (const ScheduledWorkflow& workflow : workflows)
      if (auto next = runtime::exec::next_fire_after(workflow.schedule, workflow.time_zone, now))
        wake = std::min(wake, *next);
    if (!runtime::nap_until(interrupts.token(), wake)) break;
  }
  runs.join();
  // A resend in progress is waited for, as the runs are (`--once`), unless
  // the scheduler is being stopped: then it ends where it is, when
  // `workflows` goes, and what it had not delivered waits for the next flowc.
  if (!interrupts.fired())
    for (ScheduledWorkflow& workflow : workflows)
      if (workflow.resending.joinable()) workflow.resending.join();
  if (interrupts.fired() && runs.any_stopped())
    std::cerr << "flowc: interrupted: runs in progress were stopped and recorded as failed (`flowc retry` resumes one)\n";
  else if (interrupts.fired())
    std::cerr << "flowc: interrupted: no run was in progress\n";
  if (bad_command || unreachable) return kExitUsage;
  return runs.any_failed() ? kExitFailed : kExitOk;
}

}  // namespace flowc::cli
