#include "cli/plan_load.h"

#include <chrono>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/load.h"
#include "compiler/lower/lower.h"
#include "compiler/plan/ds.h"

namespace flowc::cli {

bool may_execute(const plan::Plan& plan) {
  if (plan.stage != plan::Stage::Model || !plan.env.empty()) return true;
  print_error(
      "workflow `" + plan.workflow +
      "` is in stage `model` (the default): it may run only in a non-production environment (pass --env "
      "E, an `environment` of its target); a workflow that runs for real says `stage = mirror` or `stage = "
      "production`");
  return false;
}

std::string default_ds() {
  using namespace std::chrono;
  auto yesterday = floor<days>(system_clock::now()) - days{1};
  return plan::ds_text(yesterday);
}

std::vector<std::pair<std::string, std::string>> given_params(const std::vector<std::string>& params) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& given : params) {
    size_t eq = given.find('=');
    out.emplace_back(given.substr(0, eq), eq == std::string::npos ? "" : given.substr(eq + 1));
  }
  return out;
}

std::optional<LoadedPlan> load_plan(const PlanSelection& selection, int& exit_code) {
  std::unique_ptr<project::Compilation> compilation = load_checked_project(selection.path, exit_code);
  if (!compilation) return std::nullopt;
  return lower_selected(*compilation, selection, exit_code);
}

std::optional<LoadedPlan> lower_selected(const project::Compilation& c, const PlanSelection& selection,
                                         int& exit_code) {
  exit_code = kExitUsage;
  model::WorkflowId workflow = pick_workflow(c.model, selection.workflow);
  if (!workflow.valid()) return std::nullopt;
  lower::LowerOptions options;
  options.ds = selection.ds.empty() ? default_ds() : selection.ds;
  options.env = selection.env;
  options.params = given_params(selection.params);
  options.root = c.root;
  std::string problem = lower::check_options(c.model, workflow, options);
  if (!problem.empty()) {
    print_error(problem);
    return std::nullopt;
  }
  exit_code = kExitOk;
  return LoadedPlan{lower::lower(c.model, workflow, options, c.sources), c.root};
}

}  // namespace flowc::cli
