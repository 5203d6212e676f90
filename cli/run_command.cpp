// `flowc run`: compile, lower, resolve the databases, then hand the plan to
// the runtime with its runner, alerts and operator view. Wiring only.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/load.h"
#include "cli/local_cluster.h"
#include "cli/plan_load.h"
#include "cli/repeated_effect.h"
#include "cli/run_databases.h"
#include "cli/run_wiring.h"
#include "compiler/plan/json.h"
#include "compiler/plan/render.h"
#include "runtime/alert/dispatcher.h"
#include "runtime/exec/exec.h"
#include "runtime/materialize/runner.h"
#include "runtime/state/store.h"
#include "runtime/view/summary.h"

namespace flowc::cli {

namespace {

/// Says, before it starts, what this run repeats of an earlier run of the
/// same day (`flowc backfill` refuses such a day unless --force; a run asked
/// for by name goes ahead). Quiet when the state cannot be read (none yet,
/// or unreachable: the run reads it again, and says what is wrong); it
/// creates nothing, as the run checks its attempt logs first.
void warn_of_repeated_effect(const plan::Plan& plan, const RunDatabases& databases) {
  runtime::state::StateStore store(databases.state_dsn, plan.state_schema);
  runtime::state::DayRuns runs =
      store.latest_runs(plan.workflow, plan.env, std::string(plan::to_string(plan.stage)), plan.ds, plan.ds);
  if (!runs.status || runs.runs.empty()) return;
  const int64_t earlier = runs.runs.back().run_id;
  if (driven_now(store, runs.runs.back())) return;  // this run is refused as in progress
  // One line per task it repeats: each is output someone may have to put right.
  if (std::vector<RepeatedEffect> repeated = repeated_effects(store, plan, earlier); !repeated.empty()) {
    for (const RepeatedEffect& effect : repeated)
      std::cerr << fmt::format(
          "flowc: warning: task {} ({}) succeeded in run {}, of the same day: this run will {}\n",
          effect.task, effect.what, effect.run_id, effect.effect);
  } else if (PartlyDone partly =
                 partly_done(store, plan, earlier, databases.state_dsn == databases.target_dsn);
             !partly.what.empty()) {
    std::cerr << fmt::format(
        "flowc: warning: run {}, of the same day, got partly through {}: this run will "
        "run it again\n",
        partly.run_id, partly.what);
  }
}

}  // namespace

int run_run(const RunOptions& options) {
  int exit_code = kExitOk;
  std::optional<LoadedPlan> loaded = load_plan(options.selection, exit_code);
  if (!loaded) return exit_code;
  const plan::Plan& plan = loaded->plan;

  if (!may_execute(plan)) return kExitUsage;
  if (options.dry_run) {
    plan::render_human(plan, std::cout);
    std::cerr << "flowc: --dry-run: nothing was executed\n";
    return kExitOk;
  }

  std::optional<RunDatabases> databases = resolve_databases(plan, options, loaded->root);
  if (!databases) return kExitUsage;
  warn_of_repeated_effect(plan, *databases);

  std::unique_ptr<runtime::RunObserver> observer = operator_view();
  runtime::PostgresTaskRunner runner;
  runtime::alert::AlertDispatcher alerts(alert_options(plan, *databases, loaded->root));

  Interrupts interrupt;
  runtime::exec::RunRequest request = run_request(plan, *databases, loaded->root, "manual");
  request.plan_json = plan::to_json(plan).dump();
  request.concurrency = options.concurrency;
  if (request.concurrency == 0u)
    std::cerr << "flowc: --concurrency 0: this process runs no task; `flowc worker` processes run them\n";
  request.runner = &runner;
  request.observer = observer.get();
  request.alerts = &alerts;
  request.cancel = interrupt.token();

  runtime::exec::RunResult result = runtime::exec::execute_run(request);
  switch (result.outcome) {
    case runtime::exec::RunResult::Outcome::Refused:
      print_error(result.message);
      return kExitUsage;
    case runtime::exec::RunResult::Outcome::Error:
      print_error(result.message + (result.state_database_unreachable ? databases->state_dsn_origin : ""));
      return kExitUsage;
    case runtime::exec::RunResult::Outcome::Finished: break;
  }
  runtime::view::print_summary(result.summary, plan, project_argument(loaded->root), std::cout);
  std::cout << state_dsn_hint(options.state_dsn, options.dsn);
  // A stop after every task ended (while alerts were delivered) changed nothing the run recorded.
  if (interrupt.fired() && result.summary.status != runtime::RunStatus::Succeeded)
    std::cerr << "flowc: interrupted: the run was stopped and recorded as failed\n";
  return result.summary.status == runtime::RunStatus::Succeeded ? kExitOk : kExitFailed;
}

}  // namespace flowc::cli
