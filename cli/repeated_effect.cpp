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
  runtime::state::DaySuccesses done = store.day_successes(run_id);
  if (!done.status) return std::nullopt;
  for (const plan::Task& task : plan.tasks) {
    if (!repeats_effect(task)) continue;
    for (const runtime::state::DaySuccess& success : done.tasks)
      if (success.task == task.name)
        return RepeatedEffect{task.name, runtime::exec::what_repeats(task), effect_repeated_by(task),
                              success.run_id};
  }
  return std::nullopt;
}

}  // namespace flowc::cli
