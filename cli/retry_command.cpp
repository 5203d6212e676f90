// `flowc retry RUN_ID`: the run's stored plan (runs.plan, never a
// recompiled one: the retry finishes what ran), its databases resolved as for
// `flowc run`, and runtime::exec::retry_run() to drive the same run record;
// with --dry-run, runtime::exec::preview_retry() to say what that would run
// again and whether repeating it is safe.

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/load.h"
#include "cli/retry_preview_format.h"
#include "cli/run_databases.h"
#include "cli/run_wiring.h"
#include "cli/state_database.h"
#include "cli/stored_plan.h"
#include "cli/terminal.h"
#include "compiler/diagnostics/diagnostic.h"
#include "compiler/plan/json.h"
#include "compiler/project/project.h"
#include "runtime/alert/dispatcher.h"
#include "runtime/connect/secrets.h"
#include "runtime/exec/exec.h"
#include "runtime/exec/retry_preview.h"
#include "runtime/materialize/runner.h"
#include "runtime/state/store.h"
#include "runtime/view/view.h"

namespace flowc::cli {
namespace {

bool has_env(const std::string& name) {
  const char* value = name.empty() ? nullptr : std::getenv(name.c_str());
  return value != nullptr && *value != '\0';
}

/// --dry-run: what the retry would do, and whether it is safe; exit 0 when
/// every task it runs again is safe to repeat, 1 when one is not.
int print_retry_preview(const RetryOptions& options, int64_t run_id, const plan::Plan& plan,
                        const std::vector<std::string>& changed, const std::string& param_args,
                        const RunDatabases& databases, const std::string& root) {
  runtime::exec::RunRequest request = run_request(plan, databases, root, "retry");
  runtime::exec::RetryPreview preview = runtime::exec::preview_retry(request, {run_id, options.task});
  if (preview.outcome != runtime::exec::RunResult::Outcome::Finished) {
    print_error(runtime::without_passwords(preview.message, databases.state_dsn));
    return kExitUsage;
  }
  std::cout << (options.format == "json"
                    ? retry_preview_json(preview, plan, run_id, options.task, changed)
                    : retry_preview_human(preview, plan, run_id, options.task, changed, use_color(stdout),
                                          param_args, project_argument(root)));
  return preview.safe() ? kExitOk : kExitFailed;
}

}  // namespace

int run_retry(const RetryOptions& options) {
  if (options.dry_run && !is_human_or_json(options.format)) return kExitUsage;
  const int64_t run_id = options.run_id;
  auto no_such_run = [&] {
    print_error("no run " + std::to_string(run_id) + " in the state database");
    return kExitUsage;
  };
  // As for `flowc run`: --state-dsn, else FLOW_STATE_DSN, else the target
  // (which --dsn overrides), else the private cluster.
  std::string state_dsn = options.state_dsn;
  if (state_dsn.empty() && !has_env("FLOW_STATE_DSN")) state_dsn = options.dsn;
  std::optional<StateDatabase> db = find_state_database({options.path, "", state_dsn, ""});
  if (!db) return kExitUsage;

  runtime::state::StoredRun stored;
  {
    runtime::state::StateStore store(db->dsn, db->schema);
    stored = store.stored_run(run_id);
  }
  if (!stored.status) {
    print_error(runtime::without_passwords(stored.status.described(), db->dsn));
    return kExitUsage;
  }
  if (!stored.found) return no_such_run();

  std::string error;
  std::optional<plan::Plan> plan =
      plan::plan_from_json(nlohmann::json::parse(stored.plan_json, nullptr, false), error);
  if (!plan) {
    print_error("run " + std::to_string(run_id) + ": its stored plan (runs.plan) cannot be read (" + error +
                "): this flowc cannot retry it");
    return kExitUsage;
  }
  if (!options.task.empty()) {
    std::vector<std::string_view> names;
    for (const plan::Task& task : plan->tasks) names.push_back(task.name);
    if (std::find(names.begin(), names.end(), options.task) == names.end()) {
      std::string_view near = closest_name(options.task, names);
      print_error("no task `" + options.task + "` in run " + std::to_string(run_id) + " (workflow " +
                  plan->workflow + ")" +
                  (near.empty() ? std::string() : "; did you mean `" + std::string(near) + "`?"));
      return kExitUsage;
    }
  }

  const std::string root = absolute_directory(options.path);
  // Its stored plan writes what it wrote then: not when the project now has
  // those tables written by a legacy job again.
  std::unique_ptr<project::Compilation> now = project_at(root);
  if (std::string refusal = production_write_refusal(*plan, now.get()); !refusal.empty()) {
    print_error(fmt::format("run {} ran workflow {} in production, and {}", run_id, plan->workflow, refusal));
    return kExitUsage;
  }
  RunOptions databases_for;
  databases_for.dsn = options.dsn;
  databases_for.state_dsn = db->dsn;
  // The private cluster holds both the runs and the tables of a project
  // without DSNs, as for `flowc run`.
  if (db->embedded && options.dsn.empty() && !has_env(plan->target_dsn_env) && plan->target_dsn.empty())
    databases_for.dsn = db->dsn;
  std::optional<RunDatabases> databases = resolve_databases(*plan, databases_for, root);
  if (!databases) return kExitUsage;

  // The retry runs each task as it ran; the project may have fixed one since.
  const std::vector<std::string> changed =
      changes_since(*plan, now ? relowered(*now, *plan) : std::optional<plan::Plan>());
  // The run-the-day-again advice, said only beside a change.
  const bool any_change =
      std::any_of(changed.begin(), changed.end(), [](const std::string& c) { return !c.empty(); });
  const std::string param_args = any_change ? run_param_args(*plan, now.get()) : "";
  if (options.dry_run)
    return print_retry_preview(options, run_id, *plan, changed, param_args, *databases, root);

  std::unique_ptr<runtime::RunObserver> observer = operator_view();
  runtime::PostgresTaskRunner runner;
  runtime::alert::AlertDispatcher alerts(alert_options(*plan, *databases, root));

  Interrupts interrupts;
  runtime::exec::RunRequest request = run_request(*plan, *databases, root, "retry");
  request.plan_json = stored.plan_json;
  request.runner = &runner;
  request.observer = observer.get();
  request.alerts = &alerts;
  request.cancel = interrupts.token();

  // What --dry-run calls unsafe still runs (the operator asked for it), but
  // not without a word: each such task is named, with why, before it runs.
  runtime::exec::RetryPreview preview = runtime::exec::preview_retry(request, {run_id, options.task});
  for (const runtime::exec::RetryStep& step : preview.steps)
    if (step.action == runtime::exec::RetryStep::Action::Run && !step.verdict.safe)
      std::cerr << "flowc: warning: task " << plan->tasks[step.index].name
                << " runs again though it is not safe to repeat: " << step.verdict.why << "\n";
  for (const runtime::exec::RetryStep& step : preview.steps)
    if (step.action == runtime::exec::RetryStep::Action::Run && !changed[step.index].empty())
      std::cerr << "flowc: warning: "
                << changed_task_warning(*plan, run_id, plan->tasks[step.index].name, changed[step.index],
                                        param_args, project_argument(root))
                << "\n";
  runtime::exec::RunResult result = runtime::exec::retry_run(request, {run_id, options.task});
  if (result.outcome != runtime::exec::RunResult::Outcome::Finished) {
    print_error(runtime::without_passwords(result.message, databases->state_dsn));
    return kExitUsage;
  }
  runtime::view::print_summary(result.summary, *plan, project_argument(root), std::cout);
  std::cout << state_dsn_hint(options.state_dsn, options.dsn);
  if (interrupts.fired() && result.summary.status != runtime::RunStatus::Succeeded)
    std::cerr << "flowc: interrupted: the retry was stopped and recorded as failed\n";
  return result.summary.status == runtime::RunStatus::Succeeded ? kExitOk : kExitFailed;
}

}  // namespace flowc::cli
