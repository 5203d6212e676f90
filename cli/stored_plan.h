// What the project as it is now says of a plan stored with a run. `flowc
// retry` and a scheduler adopting an abandoned run both drive a plan
// recorded earlier, and the project may have moved on since: a rollback to
// mirror or a legacy job enabled again (two schedules must never write one
// table), or a task whose SQL was fixed (the retry runs it as it ran).
// `flowc cutover` asks whether each mirror run ran what the workflow runs now.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/lower/lower.h"
#include "compiler/plan/plan.h"
#include "compiler/project/project.h"

namespace flowc::cli {

/// The one project at `root` (an absolute directory), compiled; nullptr
/// when `root` holds none or several (a worker's directory may hold none).
std::unique_ptr<project::Compilation> project_at(const std::string& root);

/// Why the stored production plan `plan` may not write its tables now,
/// judged by the project `now`: the project has the workflow at another
/// stage, or reports E0303 inside it (an enabled legacy job writes its
/// tables). Each reason ends with what to do instead. "" when it may: a
/// plan of another stage (a mirror run writes only mirror tables), or no
/// project (`now` null) or one that does not declare the workflow.
std::string production_write_refusal(const plan::Plan& plan, const project::Compilation* now);

/// Which param values a relowered plan takes from the run.
enum class RunParams : uint8_t {
  WithoutDefault,  // only those the run had to be given (the others: their defaults now)
  All,             // every value the run had (a default the run overrode stays overridden)
};

/// The plan `now` (without errors) lowers for the day of the run that
/// stored `ran`: `options` with ds `ran.ds` and `params` of the run's as
/// `from` says (a value `options` already gives is kept). std::nullopt
/// when `now` has errors, no longer declares `workflow`, or cannot lower it
/// for that run (a param without a default the run did not have).
std::optional<plan::Plan> relowered(const project::Compilation& now, model::WorkflowId workflow,
                                    const plan::Plan& ran, lower::LowerOptions options, RunParams from);

/// The same for the workflow that `ran` ran, in its environment.
std::optional<plan::Plan> relowered(const project::Compilation& now, const plan::Plan& ran);

/// The `--param NAME=VALUE` arguments (each after a blank, quoted for a
/// shell) that make a new run of `ran`'s day take the values `ran` had
/// where the project `now` would bind another (its default) or none: what
/// `flowc run --workflow W --ds D` needs to run the day again as it ran.
/// "" when every value is the default's, or `now` cannot lower the workflow.
std::string run_param_args(const plan::Plan& ran, const project::Compilation* now);

/// By task of `ran`: how it runs differently in `now`
/// (plan::task_difference over all its parts, "its SQL"), "removed since",
/// or "" when it runs as it ran (every task "" when `now` is nullopt).
std::vector<std::string> changes_since(const plan::Plan& ran, const std::optional<plan::Plan>& now);

}  // namespace flowc::cli
