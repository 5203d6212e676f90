#include "cli/repeated_effect.h"

#include "runtime/exec/retry_preview.h"

namespace flowc::cli {

bool repeats_effect(const plan::Task& task) {
  return !task.idempotent && task.kind != plan::TaskKind::Source;
}

std::string effect_repeated_by(const plan::Task& task) {
  return task.mode == plan::WriteMode::Append && task.kind == plan::TaskKind::Sql
             ? "append its rows a second time"
             : "run it a second time";
}

std::optional<RepeatedEffect> repeated_effect(runtime::state::StateStore& store, const plan::Plan& plan,
                                              int64_t run_id) {
  runtime::state::TaskRows rows = store.task_rows(run_id);
  if (!rows.status) return std::nullopt;
  for (const runtime::state::TaskRow& row : rows.rows) {
    if (row.state != runtime::TaskState::Succeeded) continue;
    for (const plan::Task& task : plan.tasks) {
      if (task.name != row.task || !repeats_effect(task)) continue;
      return RepeatedEffect{task.name, runtime::exec::what_repeats(task), effect_repeated_by(task)};
    }
  }
  return std::nullopt;
}

}  // namespace flowc::cli
