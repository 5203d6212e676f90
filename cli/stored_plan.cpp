#include "cli/stored_plan.h"

#include <fmt/format.h>

#include <algorithm>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/plan/compare.h"

namespace flowc::cli {

std::unique_ptr<project::Compilation> project_at(const std::string& root) {
  std::vector<project::LoadError> ignored;
  std::vector<project::ProjectFiles> projects = project::discover({root}, ignored);
  if (projects.size() != 1) return nullptr;
  return project::compile(projects.front(), project::default_stdlib_dir(), ignored);
}

std::string production_write_refusal(const plan::Plan& plan, const project::Compilation* now) {
  if (plan.stage != plan::Stage::Production || now == nullptr) return "";
  const model::WorkflowId id = now->model.workflow_named(plan.workflow);
  if (!id.valid()) return "";
  const model::Workflow* workflow = &now->model.workflow(id);

  const auto stage = static_cast<plan::Stage>(workflow->stage);
  if (stage != plan::Stage::Production) {
    // A rollback: the legacy job writes the production tables again.
    return fmt::format(
        "the project now has it at stage {}: its stored plan would write the production tables{}; run the "
        "day at its current stage instead (`flowc run --workflow {} --ds {}{}{}`)",
        plan::to_string(stage),
        plan.replaces ? ", which the legacy job `" + plan.replaces->name + "` writes again after a rollback"
                      : "",
        plan.workflow, plan.ds, stage == plan::Stage::Model ? " --env NAME" : "", run_param_args(plan, now));
  }
  const SourceRange& inside = workflow->range;
  for (const Diagnostic& d : now->diagnostics.diagnostics()) {
    if (d.kind != DiagKind::DuplicateSchedule || !(d.range.file == inside.file) ||
        d.range.begin < inside.begin || d.range.end > inside.end)
      continue;
    return fmt::format(
        "the project reports E0303 in it ({}): its stored plan would write tables an enabled legacy job "
        "writes too; disable that job (`enabled = false`, and its crontab line) first",
        d.message);
  }
  return "";
}

std::optional<plan::Plan> relowered(const project::Compilation& now, model::WorkflowId workflow,
                                    const plan::Plan& ran, lower::LowerOptions options, RunParams from) {
  if (now.diagnostics.error_count() > 0) return std::nullopt;
  options.ds = ran.ds;
  auto given = [&](const std::string& name) {
    return std::any_of(options.params.begin(), options.params.end(),
                       [&](const auto& p) { return p.first == name; });
  };
  // The run's values as it bound them (a percent's `5`, not `5%`), for
  // the params that still take values of the same SQL type.
  lower::LowerOptions day = options;
  for (const model::Param& param : now.model.workflow(workflow).params) {
    if (param.name == "ds" || given(param.name)) continue;
    if (from == RunParams::WithoutDefault && param.default_term.valid()) continue;
    for (const plan::BoundParam& value : ran.params)
      if (value.name == param.name && value.sql_type == lower::sql_type_of(param.type.kind))
        day.bound.emplace_back(value.name, value.value);
    // A param without a default that the run did not have (added since):
    // bound empty, so that the tasks using it read as changed and the
    // others are still compared.
    const bool bound =
        std::any_of(day.bound.begin(), day.bound.end(), [&](const auto& b) { return b.first == param.name; });
    if (!bound && !param.default_term.valid()) day.bound.emplace_back(param.name, "");
  }
  if (!lower::check_options(now.model, workflow, day).empty()) return std::nullopt;
  return lower::lower(now.model, workflow, day, now.sources);
}

std::optional<plan::Plan> relowered(const project::Compilation& now, const plan::Plan& ran) {
  const model::WorkflowId workflow = now.model.workflow_named(ran.workflow);
  if (!workflow.valid()) return std::nullopt;
  lower::LowerOptions options;
  options.env = ran.env;
  options.root = now.root;
  return relowered(now, workflow, ran, options, RunParams::All);
}

std::string run_param_args(const plan::Plan& ran, const project::Compilation* now) {
  if (now == nullptr) return "";
  const model::WorkflowId workflow = now->model.workflow_named(ran.workflow);
  if (!workflow.valid()) return "";
  lower::LowerOptions options;
  options.env = ran.env;
  options.root = now->root;
  // The day as the defaults have it (and the values the run had to be given).
  const std::optional<plan::Plan> defaults =
      relowered(*now, workflow, ran, options, RunParams::WithoutDefault);
  if (!defaults) return "";
  std::string args;
  for (const model::Param& param : now->model.workflow(workflow).params) {
    auto value_in = [&](const plan::Plan& plan) -> const plan::BoundParam* {
      for (const plan::BoundParam& p : plan.params)
        if (p.name == param.name) return &p;
      return nullptr;
    };
    const plan::BoundParam* had = value_in(ran);
    const plan::BoundParam* now_binds = value_in(*defaults);
    if (param.name == "ds" || had == nullptr ||
        (now_binds != nullptr && now_binds->value == had->value && param.default_term.valid()))
      continue;
    if (std::optional<std::string> literal = lower::param_literal(param.type.kind, had->value))
      args += " " + plan::shell_words({"--param", param.name + "=" + *literal});
  }
  return args;
}

std::vector<std::string> changes_since(const plan::Plan& ran, const std::optional<plan::Plan>& now) {
  std::vector<std::string> changes(ran.tasks.size());
  if (!now) return changes;
  for (size_t i = 0; i < ran.tasks.size(); ++i) {
    auto same = std::find_if(now->tasks.begin(), now->tasks.end(),
                             [&](const plan::Task& t) { return t.name == ran.tasks[i].name; });
    changes[i] = same == now->tasks.end() ? "removed since"
                                          : plan::task_difference(ran.tasks[i], *same, plan::TaskParts::All);
  }
  return changes;
}

}  // namespace flowc::cli
