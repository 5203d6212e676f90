// `flowc retry --dry-run`'s two renderings (retry_preview_format.h).
#include "cli/retry_preview_format.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "runtime/exec/retry_preview.h"

#include "cli/repeated_effect.h"
#include "cli/run_report_format.h"
#include "cli/text_table.h"

namespace flowc::cli {
namespace {

using runtime::exec::RetryPreview;
using runtime::exec::RetryStep;
using json = nlohmann::ordered_json;

std::string_view action_name(RetryStep::Action action) {
  switch (action) {
    case RetryStep::Action::Keep: return "keep";
    case RetryStep::Action::Run: return "run";
    case RetryStep::Action::Wait: return "wait";
  }
  return "keep";
}

std::string state_name(const RetryPreview& preview, const RetryStep& step) {
  if (!step.state) return "-";
  return shown_state(to_string(preview.run_status), to_string(*step.state));
}

std::string tasks(size_t n) { return fmt::format("{} task{}", n, n == 1 ? "" : "s"); }

/// What a new run of the day would repeat that the retry keeps: a task
/// that is not idempotent and succeeded in the run. "" when none.
std::string repeated_by_new_run(const RetryPreview& preview, const plan::Plan& plan, int64_t run_id) {
  for (const RetryStep& step : preview.steps) {
    const plan::Task& t = plan.tasks[step.index];
    if (step.action != RetryStep::Action::Keep || step.state != runtime::TaskState::Succeeded ||
        !repeats_effect(t))
      continue;
    return fmt::format(" (it runs every task again: {} ({}) succeeded in run {}, and would {})", t.name,
                       runtime::exec::what_repeats(t), run_id, effect_repeated_by(t));
  }
  return "";
}

}  // namespace

std::string run_day_again_command(const plan::Plan& plan, const std::string& param_args,
                                  const std::string& project) {
  return fmt::format("flowc run --workflow {} --ds {}{}{}{}", plan.workflow, plan.ds,
                     plan.env.empty() ? std::string() : " --env " + plan.env, param_args, project);
}

std::string changed_task_warning(const plan::Plan& plan, int64_t run_id, const std::string& task,
                                 const std::string& change, const std::string& param_args,
                                 const std::string& project) {
  return fmt::format(
      "task {} {} since run {}{}: the retry runs it as run {} ran it (the run's stored plan); to run it as "
      "it is now, run the day again (`{}`)",
      task, change == "removed since" ? "was removed from the project" : "changed", run_id,
      change == "removed since" ? "" : " (" + change + ")", run_id,
      run_day_again_command(plan, param_args, project));
}

std::string retry_preview_human(const RetryPreview& preview, const plan::Plan& plan, int64_t run_id,
                                const std::string& task, const std::vector<std::string>& changed, bool color,
                                const std::string& param_args, const std::string& project) {
  const size_t run = preview.count(RetryStep::Action::Run);
  const size_t wait = preview.count(RetryStep::Action::Wait);
  size_t unsafe = 0;
  std::vector<std::vector<TableCell>> rows;
  for (const RetryStep& step : preview.steps) {
    const bool runs = step.action == RetryStep::Action::Run;
    if (runs && !step.verdict.safe) ++unsafe;
    rows.push_back(
        {{plan.tasks[step.index].name},
         {state_name(preview, step)},
         {std::to_string(step.attempts)},
         {std::string(action_name(step.action))},
         runs ? TableCell(step.verdict.safe ? "yes" : "no", step.verdict.safe ? "32" : "31") : TableCell("-"),
         {step.verdict.why}});
  }
  const std::string command =
      fmt::format("flowc retry {}{}{}", run_id, project, task.empty() ? std::string() : " --task " + task);
  std::string out =
      fmt::format("run {}: workflow {}, ds {}, {}, stage {}: {}\n", run_id, plan.workflow, plan.ds,
                  plan::env_name(plan.env), preview.stage, to_string(preview.run_status));
  if (run == 0 && wait == 0) {
    out += fmt::format(
        "`{}` would run no task: every task succeeded, and the run's final status is recorded "
        "again (a mirror run compares its parity again)\n",
        command);
  } else if (run == 0) {
    out += fmt::format("`{}` would run no task again, and wait for {} running now\n", command, tasks(wait));
  } else {
    out += fmt::format("`{}` would run {} of {} again, each with a fresh attempt budget", command, run,
                       tasks(preview.steps.size()));
    if (wait > 0) out += fmt::format(", and wait for {} running now", tasks(wait));
    out += "\n";
  }
  out += "\n" + text_table({"TASK", "STATE", "ATTEMPTS", "RETRY", "SAFE", "WHY"}, rows, color) + "\n";
  if (unsafe == 0)
    out += "safe to retry: no task it runs again can repeat an effect of an earlier attempt\n";
  else
    out += fmt::format(
        "not safe as it stands: {} can repeat an effect of an earlier attempt (SAFE no); see "
        "what they did (`flowc status {}{}` shows their logs) and put their targets right first\n",
        tasks(unsafe), run_id, project);
  // The retry finishes what ran: a fix made since is not in it.
  std::vector<std::string> changed_runs;
  for (const RetryStep& step : preview.steps)
    if (step.action == RetryStep::Action::Run && !changed[step.index].empty())
      changed_runs.push_back(fmt::format("{} ({})", plan.tasks[step.index].name, changed[step.index]));
  if (!changed_runs.empty())
    out += fmt::format(
        "changed since run {}: {}; the retry runs {} as run {} ran {} (the run's stored plan); to run the "
        "project as it is now, run the day again: `{}`{}\n",
        run_id, fmt::join(changed_runs, ", "), changed_runs.size() == 1 ? "it" : "them", run_id,
        changed_runs.size() == 1 ? "it" : "them", run_day_again_command(plan, param_args, project),
        repeated_by_new_run(preview, plan, run_id));
  return out;
}

std::string retry_preview_json(const RetryPreview& preview, const plan::Plan& plan, int64_t run_id,
                               const std::string& task, const std::vector<std::string>& changed) {
  json steps = json::array();
  for (const RetryStep& step : preview.steps) {
    const bool runs = step.action == RetryStep::Action::Run;
    steps.push_back(
        {{"task", plan.tasks[step.index].name},
         {"state", step.state ? json(std::string(to_string(*step.state))) : json(nullptr)},
         {"attempts", step.attempts},
         {"action", action_name(step.action)},
         {"safe", runs ? json(step.verdict.safe) : json(nullptr)},
         {"why", step.verdict.why},
         {"changed_since", changed[step.index].empty() ? json(nullptr) : json(changed[step.index])}});
  }
  json out = {{"run", run_id},
              {"workflow", plan.workflow},
              {"ds", plan.ds},
              {"env", plan::env_name(plan.env)},
              {"stage", preview.stage},
              {"status", to_string(preview.run_status)},
              {"task", task.empty() ? json(nullptr) : json(task)},
              {"safe", preview.safe()},
              {"tasks", std::move(steps)}};
  return out.dump(2) + "\n";
}

}  // namespace flowc::cli
