#include "cli/production_guard.h"

#include <fmt/format.h>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/project/project.h"

namespace flowc::cli {

std::string production_write_refusal(const plan::Plan& plan, const std::string& root) {
  if (plan.stage != plan::Stage::Production) return "";
  std::vector<project::LoadError> ignored;
  std::vector<project::ProjectFiles> projects = project::discover({root}, ignored);
  if (projects.size() != 1) return "";
  std::unique_ptr<project::Compilation> c = project::compile(projects.front(), project::default_stdlib_dir(), ignored);
  const model::Workflow* workflow = nullptr;
  for (const model::Workflow& w : c->model.workflows)
    if (w.name == plan.workflow) workflow = &w;
  if (workflow == nullptr) return "";

  const auto stage = static_cast<plan::Stage>(workflow->stage);
  if (stage != plan::Stage::Production) {
    // A rollback: the legacy job writes the production tables again.
    return fmt::format(
        "the project now has it at stage {}: its stored plan would write the production tables{}; run the day at "
        "its current stage instead (`flowc run --workflow {} --ds {}{}`)",
        plan::to_string(stage),
        plan.replaces ? ", which the legacy job `" + plan.replaces->name + "` writes again after a rollback" : "",
        plan.workflow, plan.ds, stage == plan::Stage::Model ? " --env NAME" : "");
  }
  const SourceRange& inside = workflow->range;
  for (const Diagnostic& d : c->diagnostics.diagnostics()) {
    if (d.kind != DiagKind::DuplicateSchedule || !(d.range.file == inside.file) || d.range.begin < inside.begin ||
        d.range.end > inside.end)
      continue;
    return fmt::format(
        "the project reports E0303 in it ({}): its stored plan would write tables an enabled legacy job writes "
        "too; disable that job (`enabled = false`, and its crontab line) first",
        d.message);
  }
  return "";
}

}  // namespace flowc::cli
