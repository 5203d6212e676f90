// `flowc backfill`: one run per ds from --from to --to, oldest first, up to
// --concurrency runs at once, each an ordinary execute_run() with trigger
// `backfill`. Restartable: a ds whose latest run succeeded is skipped (unless
// --force); a run left `running` by a killed backfill is marked failed by the
// next execute_run() of its ds (it holds the run lock), and the day runs again.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "cli/backfill_progress.h"
#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/load.h"
#include "cli/plan_load.h"
#include "cli/repeated_effect.h"
#include "cli/run_databases.h"
#include "cli/run_wiring.h"
#include "compiler/lower/lower.h"
#include "compiler/plan/ds.h"
#include "compiler/plan/json.h"
#include "runtime/alert/dispatcher.h"
#include "runtime/connect/secrets.h"
#include "runtime/exec/exec.h"
#include "runtime/exec/retry_preview.h"
#include "runtime/materialize/runner.h"
#include "runtime/state/store.h"

namespace flowc::cli {
namespace {

using std::chrono::sys_days;

/// The most days one backfill covers: 100 years, leap days included.
constexpr int64_t kMaxBackfillDays = 36525;

/// Whether a run of `workflow` depends on its day: a `ds` param, a param
/// whose default is `logical_date`, or a command task (which gets FLOW_DS).
/// Without one, each day's run is the same unpartitioned run.
bool reads_its_day(const model::Model& model, const model::Workflow& workflow) {
  for (const model::Param& param : workflow.params) {
    if (param.name == "ds") return true;
    if (param.default_term.valid()) {
      const model::Term& t = model.term(param.default_term);
      if (t.kind == model::Term::Kind::Call && t.text == "logical_date") return true;
    }
  }
  for (model::TaskId id : workflow.nodes)
    if (id.index < model.nodes.size() && !model.nodes[id.index].command.empty()) return true;
  return false;
}

}  // namespace

int run_backfill(const BackfillOptions& options) {
  // The flags' date check has passed both.
  const sys_days from = plan::parse_ds(options.from).value();
  const sys_days to = plan::parse_ds(options.to).value();
  if (to < from) {
    print_error(fmt::format("--to {} is before --from {}: the range is backwards", options.to, options.from));
    return kExitUsage;
  }
  // A bound before anything is allocated or compiled per day: a typo such as
  // --from 0026-11-01 would otherwise lower millions of plans before the first
  // run starts (and hold them all).
  const auto span = (to - from).count() + 1;
  if (span > kMaxBackfillDays) {
    print_error(fmt::format("--from {} --to {} is {} days: a backfill covers at most {} days (100 years)",
                            options.from, options.to, span, kMaxBackfillDays));
    return kExitUsage;
  }
  std::vector<std::string> days;
  for (sys_days day = from; day <= to; day += std::chrono::days{1}) days.push_back(plan::ds_text(day));

  // The project is compiled once; the first day's plan checks the workflow
  // and the env, and each later day is lowered from the same compilation
  // when a runner takes it up, so a long range neither waits for nor holds
  // a plan per day before the first run starts.
  PlanSelection selection = options.selection;
  selection.ds = days.front();
  int exit_code = kExitOk;
  std::unique_ptr<project::Compilation> compilation = load_checked_project(selection.path, exit_code);
  if (!compilation) return exit_code;
  std::optional<LoadedPlan> first = lower_selected(*compilation, selection, exit_code);
  if (!first) return exit_code;
  const model::WorkflowId workflow_id = pick_workflow(compilation->model, first->plan.workflow);
  if (!workflow_id.valid()) return kExitUsage;
  if (!reads_its_day(compilation->model, compilation->model.workflows[workflow_id.index])) {
    print_error(
        fmt::format("workflow {} has no `ds` param (nor one defaulting to logical_date) and no command task: "
                    "each day's run would be the same unpartitioned run; run it once with `flowc run`",
                    first->plan.workflow));
    return kExitUsage;
  }
  std::mutex lowering;  // the compiler is not shared between threads
  auto plan_of = [&](const std::string& ds) {
    lower::LowerOptions lower_options;
    lower_options.ds = ds;
    lower_options.env = selection.env;
    lower_options.params = given_params(selection.params);
    lower_options.root = compilation->root;
    std::lock_guard lock(lowering);
    return lower::lower(compilation->model, workflow_id, lower_options, compilation->sources);
  };
  const plan::Plan& shape = first->plan;
  if (!may_execute(shape)) return kExitUsage;
  // Once for every day, before any run is created.
  if (!attempt_logs_writable(first->root)) return kExitUsage;
  RunOptions run_options;
  run_options.dsn = options.dsn;
  run_options.state_dsn = options.state_dsn;
  std::optional<RunDatabases> databases = resolve_databases(shape, run_options, first->root);
  if (!databases) return kExitUsage;

  // Which days are done already.
  std::map<std::string, runtime::state::DayRun> latest;
  {
    runtime::state::StateStore store(databases->state_dsn, shape.state_schema);
    runtime::state::Status migrated = store.migrate();
    runtime::state::DayRuns runs =
        migrated ? store.latest_runs(shape.workflow, shape.env, std::string(plan::to_string(shape.stage)),
                                     days.front(), days.back())
                 : runtime::state::DayRuns{migrated, {}};
    if (!runs.status) {
      print_error(runtime::without_passwords(runs.status.described(), databases->state_dsn) +
                  (runs.status.connection_lost ? databases->state_dsn_origin : ""));
      return kExitUsage;
    }
    for (runtime::state::DayRun& run : runs.runs) latest[run.ds] = run;
  }

  // The days to run; skipped ones are known from the state database now.
  std::vector<BackfillDay> plan_days(days.size());
  for (size_t i = 0; i < days.size(); ++i) {
    plan_days[i].ds = days[i];
    auto found = latest.find(days[i]);
    if (!options.force && found != latest.end() && found->second.run_status == runtime::RunStatus::Succeeded) {
      plan_days[i].state = BackfillDay::State::Skipped;
      plan_days[i].run_id = found->second.run_id;
    }
  }

  const char* term = std::getenv("TERM");
  bool terminal = ::isatty(STDERR_FILENO) != 0 && term != nullptr && std::string_view(term) != "dumb";
  BackfillProgress progress(std::cerr, terminal, shape.workflow, plan_days);
  Interrupts interrupts;
  std::stop_callback on_interrupt(interrupts.token(), [&progress] { progress.stopping(); });
  const std::string root = first->root;
  const uint32_t runs_at_once = std::max<uint32_t>(options.concurrency, 1);

  std::atomic<size_t> next{0};
  auto worker = [&] {
    runtime::state::StateStore store(databases->state_dsn, shape.state_schema);
    while (!interrupts.fired()) {
      size_t i = next++;
      if (i >= days.size()) return;
      if (plan_days[i].state == BackfillDay::State::Skipped) continue;
      // Read again as the day starts: another run of it (by hand, the
      // scheduler) may have succeeded since the backfill began, and running
      // the day again would repeat what its non-idempotent tasks did.
      if (!options.force) {
        runtime::state::DayRuns now = store.latest_runs(
            shape.workflow, shape.env, std::string(plan::to_string(shape.stage)), days[i], days[i]);
        if (now.status && !now.runs.empty() && now.runs.front().run_status == runtime::RunStatus::Succeeded) {
          progress.finished(i, BackfillDay::State::Skipped, now.runs.front().run_id, "");
          continue;
        }
        // A failed day whose run got as far as a task that may not repeat
        // (an `append` that succeeded): a new run would repeat it.
        if (now.status && !now.runs.empty()) {
          if (std::string repeated =
                  repeated_by_new_run(store, shape, now.runs.front(),
                                      databases->state_dsn == databases->target_dsn, "pass --force");
              !repeated.empty()) {
            progress.finished(i, BackfillDay::State::Refused, now.runs.front().run_id, repeated);
            continue;
          }
        }
      }
      const plan::Plan plan = i == 0 ? first->plan : plan_of(days[i]);
      runtime::PostgresTaskRunner runner;
      runtime::alert::AlertDispatcher alerts(alert_options(plan, *databases, root));
      BackfillDayObserver observer(progress, i);
      runtime::exec::RunRequest request = run_request(plan, *databases, root, "backfill");
      request.plan_json = plan::to_json(plan).dump();
      request.runner = &runner;
      request.observer = &observer;
      request.alerts = &alerts;
      request.cancel = interrupts.token();
      if (!progress.wait_turn(i, interrupts.token())) return;
      progress.started(i);
      runtime::exec::RunResult result = runtime::exec::execute_run(request);
      // A day another run of holds was not run, as `flowc run` refuses it.
      BackfillDay::State state = result.outcome == runtime::exec::RunResult::Outcome::Refused ? BackfillDay::State::Refused
                                 : runtime::exec::exit_code(result) == 0                   ? BackfillDay::State::Succeeded
                                                                                           : BackfillDay::State::Failed;
      progress.finished(i, state, result.summary.run_id,
                        state == BackfillDay::State::Succeeded
                            ? std::string()
                            : runtime::without_passwords(failure_reason(result, plan), databases->state_dsn));
    }
  };
  {
    std::vector<std::jthread> workers;
    for (uint32_t n = 0; n < std::min<size_t>(runs_at_once, days.size()); ++n) workers.emplace_back(worker);
  }
  progress.done();
  BackfillDay::State worst =
      progress.print_summary(std::cout, options.from, options.to, interrupts.fired(), options.force);
  if (interrupts.fired()) std::cerr << "flowc: interrupted: running runs were stopped and recorded as failed\n";
  // A refused day is exit 2, as for `flowc run`, unless a day failed.
  return worst == BackfillDay::State::Failed    ? kExitFailed
         : worst == BackfillDay::State::Refused ? kExitUsage
                                                : kExitOk;
}

}  // namespace flowc::cli
