// Shared by `flowc plan`, `graph` and `run`: compile the project, pick the
// workflow, validate --ds and --env, and lower it to the Plan that runs.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "compiler/plan/plan.h"
#include "compiler/project/project.h"

namespace flowc::cli {

/// A lowered plan and where its project lives.
struct LoadedPlan {
  plan::Plan plan;
  std::string root;  // the project directory (relative paths in the plan are relative to it)
};

/// Compiles the project at `selection.path` and lowers the selected run.
/// On failure prints what went wrong (diagnostics, or one `flowc: ...` line)
/// and returns std::nullopt with `exit_code` set: 1 when the project has
/// errors, 2 for a bad path, an unknown or missing --workflow, a bad --ds,
/// --env or --param. The default ds is logical_date for a run starting now:
/// yesterday in UTC.
std::optional<LoadedPlan> load_plan(const PlanSelection& selection, int& exit_code);

/// The same, from a project already compiled without errors: for
/// `backfill`, which lowers one plan per day from one compilation.
std::optional<LoadedPlan> lower_selected(const project::Compilation& compilation, const PlanSelection& selection,
                                         int& exit_code);

/// Whether `plan` may be executed: a workflow in stage `model` runs only in
/// a non-production environment. Prints why not (exit 2).
bool may_execute(const plan::Plan& plan);

/// `--param` values (`NAME=VALUE`) as (name, value) for LowerOptions::params.
std::vector<std::pair<std::string, std::string>> given_params(const std::vector<std::string>& params);

/// Yesterday's date in UTC, YYYY-MM-DD.
std::string default_ds();

}  // namespace flowc::cli
