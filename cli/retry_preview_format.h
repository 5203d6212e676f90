// Rendering `flowc retry --dry-run` (runtime/exec/retry_preview.h): an
// aligned table for people, one JSON object for programs. No I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/plan/plan.h"
#include "runtime/exec/retry_preview.h"

namespace flowc::cli {

/// The run's header, what the retry would run again and keep, a table of
/// every task (state, attempts, the retry's action, whether it is safe to
/// repeat, why), the verdict, and the tasks it runs again that the project
/// has changed since. `task` is --task ("" = none); `changed`, by task of
/// `plan`: changes_since() (stored_plan.h); `project` follows the commands
/// it names (project_argument()), `param_args` the run of the day again.
std::string retry_preview_human(const runtime::exec::RetryPreview& preview, const plan::Plan& plan,
                                int64_t run_id, const std::string& task,
                                const std::vector<std::string>& changed, bool color,
                                const std::string& param_args, const std::string& project);

/// `{"run", "workflow", "ds", "env", "stage", "status", "task", "safe",
/// "tasks": [{"task", "state", "attempts", "action", "safe", "why",
/// "changed_since"}]}`; `safe` of a task is null unless it runs again,
/// `changed_since` null unless the project has changed it since the run.
std::string retry_preview_json(const runtime::exec::RetryPreview& preview, const plan::Plan& plan,
                               int64_t run_id, const std::string& task,
                               const std::vector<std::string>& changed);

/// The command that runs the day of `plan` again as the project is now (a
/// new run): `flowc run --workflow W --ds D [--env E]`, `param_args`
/// (run_param_args(): the values the run was given) and `project`.
std::string run_day_again_command(const plan::Plan& plan, const std::string& param_args,
                                  const std::string& project);

/// The warning `flowc retry` gives before it runs again task `task`, which
/// the project has changed since run `run_id` (`change`: "its SQL").
std::string changed_task_warning(const plan::Plan& plan, int64_t run_id, const std::string& task,
                                 const std::string& change, const std::string& param_args,
                                 const std::string& project);

}  // namespace flowc::cli
