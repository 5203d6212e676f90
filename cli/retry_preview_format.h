// Rendering `flowc retry --dry-run` (runtime/exec/retry_preview.h): an
// aligned table for people, one JSON object for programs. No I/O.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/plan/plan.h"
#include "runtime/exec/retry_preview.h"

namespace flowc::cli {

/// The run's header, what the retry would run again and keep, a table of
/// every task (state, attempts, the retry's action, whether it is safe to
/// repeat, why), and the verdict. `task` is --task ("" = none); `project`
/// follows the commands it names (project_argument()).
std::string retry_preview_human(const runtime::exec::RetryPreview& preview, const plan::Plan& plan,
                                int64_t run_id, const std::string& task, bool color,
                                const std::string& project);

/// `{"run", "workflow", "ds", "env", "stage", "status", "task", "safe",
/// "tasks": [{"task", "state", "attempts", "action", "safe", "why"}]}`;
/// `safe` of a task is null unless it runs again.
std::string retry_preview_json(const runtime::exec::RetryPreview& preview, const plan::Plan& plan,
                               int64_t run_id, const std::string& task);

}  // namespace flowc::cli
