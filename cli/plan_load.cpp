#include "cli/plan_load.h"

#include <chrono>
#include <iostream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/load.h"
#include "cli/terminal.h"
#include "compiler/diagnostics/render.h"
#include "compiler/lower/lower.h"

namespace flowc::cli {

namespace {

/// The selected workflow, or an invalid id after printing why (exit 2).
model::WorkflowId pick_workflow(const model::Model& model, const std::string& name) {
  if (name.empty()) {
    if (model.workflows.size() == 1) return model::WorkflowId{0};
    if (model.workflows.empty()) {
      print_error("the project has no workflow");
      return {};
    }
    std::vector<std::string> names;
    for (const model::Workflow& w : model.workflows) names.push_back(w.name);
    print_error(fmt::format("the project has {} workflows; choose one with --workflow ({})", names.size(),
                            fmt::join(names, ", ")));
    return {};
  }
  std::vector<std::string_view> names;
  for (uint32_t i = 0; i < model.workflows.size(); ++i) {
    if (model.workflows[i].name == name) return model::WorkflowId{i};
    names.push_back(model.workflows[i].name);
  }
  std::string_view near = closest_name(name, names);
  print_error(fmt::format("no workflow `{}` in the project{}", name,
                          near.empty() ? std::string() : fmt::format("; did you mean `{}`?", near)));
  return {};
}

}  // namespace

std::string default_ds() {
  using namespace std::chrono;
  auto yesterday = floor<days>(system_clock::now()) - days{1};
  year_month_day ymd{yesterday};
  return fmt::format("{:04}-{:02}-{:02}", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
}

std::optional<LoadedPlan> load_plan(const PlanSelection& selection, int& exit_code) {
  exit_code = kExitUsage;
  bool environment_error = false;
  auto compilations = load_projects({selection.path}, environment_error);
  if (environment_error || compilations.empty()) return std::nullopt;
  if (compilations.size() > 1) {
    print_error("`" + selection.path + "` holds " + std::to_string(compilations.size()) +
                " projects; name one project directory");
    return std::nullopt;
  }
  const project::Compilation& c = *compilations.front();
  if (c.diagnostics.error_count() > 0) {
    render_human(c.diagnostics.diagnostics(), c.sources, std::cerr, {use_color(stderr)});
    exit_code = kExitFailed;
    return std::nullopt;
  }
  model::WorkflowId workflow = pick_workflow(c.model, selection.workflow);
  if (!workflow.valid()) return std::nullopt;
  lower::LowerOptions options;
  options.ds = selection.ds.empty() ? default_ds() : selection.ds;
  options.env = selection.env;
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
