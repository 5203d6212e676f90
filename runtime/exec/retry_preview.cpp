// The dry run of `flowc retry` (retry_preview.h): the retry's own choice of
// what runs again, and a verdict per task on whether running it again can
// repeat an effect.
#include "runtime/exec/retry_preview.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <string_view>
#include <unordered_map>

#include "compiler/sql/sql_words.h"
#include "runtime/exec/retry_choice.h"
#include "runtime/exec/run_shared.h"
#include "runtime/state/migrate.h"

namespace flowc::runtime::exec {
namespace {

/// Why an idempotent task leaves its target as one successful attempt would.
std::string why_idempotent(const plan::Task& task) {
  constexpr std::string_view as_once = "so it ends as one successful attempt leaves it";
  if (task.kind == plan::TaskKind::Command) return "a command declared idempotent";
  switch (task.mode) {
    case plan::WriteMode::Replace:
      return fmt::format("mode replace: the table is built anew and swapped in, {}", as_once);
    case plan::WriteMode::OverwritePartition:
      return fmt::format("mode overwrite_partition: its partition is replaced, {}", as_once);
    case plan::WriteMode::Merge:
      return fmt::format("mode merge on ({}): rows are matched by key, {}", fmt::join(task.merge_key, ", "),
                         as_once);
    case plan::WriteMode::Append:
    case plan::WriteMode::None: break;
  }
  return "mode none, declared idempotent";
}

std::string how_it_ended(const state::AttemptEnd& end) {
  if (end.outcome == "lost" || end.outcome.empty())
    return fmt::format("attempt {} was lost with its process", end.attempt);
  if (end.error_class == "timeout") return fmt::format("attempt {} was stopped at its timeout", end.attempt);
  if (end.exit_code) return fmt::format("attempt {} exited with code {}", end.attempt, *end.exit_code);
  return fmt::format("attempt {} failed", end.attempt);
}

RetryPreview refused_preview(std::string why) {
  RetryPreview preview;
  preview.outcome = RunResult::Outcome::Refused;
  preview.message = std::move(why);
  return preview;
}

}  // namespace

std::string what_repeats(const plan::Task& task) {
  if (task.kind == plan::TaskKind::Command) return "a command not declared idempotent";
  if (task.mode == plan::WriteMode::Append) return "mode append";
  return "mode none, not declared idempotent";
}

RepeatVerdict judge_repeat(const plan::Task& task, TaskState state,
                           const std::vector<state::AttemptEnd>& all_ends, bool state_in_target,
                           int64_t earlier_success) {
  if (task.kind == plan::TaskKind::Source) return {true, "a readiness check: it only reads"};
  // An attempt that found another workflow's task not ready ran nothing.
  std::vector<state::AttemptEnd> ends;
  std::copy_if(all_ends.begin(), all_ends.end(), std::back_inserter(ends),
               [](const state::AttemptEnd& end) { return end.outcome != "not_ready"; });
  auto succeeded =
      std::find_if(ends.rbegin(), ends.rend(), [](const auto& end) { return end.outcome == "succeeded"; });
  const std::string again = task.kind == plan::TaskKind::Command   ? "it runs a second time"
                            : task.mode == plan::WriteMode::Append ? "its rows are appended a second time"
                                                                   : "its statements run a second time";
  if (ends.empty() && state != TaskState::Succeeded) {
    if (earlier_success == 0 || task.idempotent) return {true, "has not run yet"};
    // A failed run after a good one: the good one's effect is in place.
    return {false, fmt::format("{}, and it succeeded in run {}, of the same day: {}", what_repeats(task),
                               earlier_success, again)};
  }
  if (task.idempotent) return {true, why_idempotent(task)};
  if (succeeded != ends.rend() || state == TaskState::Succeeded) {
    const std::string attempt =
        succeeded != ends.rend() ? fmt::format("attempt {}", succeeded->attempt) : "it";
    return {false, fmt::format("{}, and {} succeeded: {}", what_repeats(task), attempt, again)};
  }
  // Its attempts here failed, but an earlier run of the day succeeded: that
  // run's effect is in place whatever this run's attempts did.
  if (earlier_success != 0)
    return {false, fmt::format("{}, and it succeeded in run {}, of the same day: {}", what_repeats(task),
                               earlier_success, again)};
  if (task.kind == plan::TaskKind::Command)
    return {false, fmt::format("{}: {}, and may have done part of its work", what_repeats(task),
                               how_it_ended(ends.back()))};
  // Its own `commit` ends the attempt's transaction: what ran before it
  // stayed, whatever failed after it.
  if (std::optional<sql::SqlWord> end = sql::transaction_end(task.select.sql))
    return {false,
            fmt::format("{}, and its statements end their transaction (`{}`): a failed attempt kept what "
                        "ran before it",
                        what_repeats(task), end->text)};
  auto lost = std::find_if(ends.begin(), ends.end(),
                           [](const auto& end) { return end.outcome == "lost" || end.outcome.empty(); });
  if (lost != ends.end() && !state_in_target)
    return {false,
            fmt::format("{}, and attempt {} was lost with its process: its write may have committed without "
                        "its success being recorded (the state database is not the target)",
                        what_repeats(task), lost->attempt)};
  // The state database is the target: a success is recorded in the write's
  // own transaction, so an attempt with no success recorded wrote nothing.
  if (lost != ends.end())
    return {true, fmt::format("SQL in one transaction per attempt, its success recorded in that transaction: "
                              "attempt {}, lost with its process, wrote nothing",
                              lost->attempt)};
  return {true, "SQL in one transaction per attempt: its failed attempts were rolled back"};
}

bool RetryPreview::safe() const {
  return std::all_of(steps.begin(), steps.end(), [](const RetryStep& step) {
    return step.action != RetryStep::Action::Run || step.verdict.safe;
  });
}

size_t RetryPreview::count(RetryStep::Action action) const {
  return static_cast<size_t>(std::count_if(steps.begin(), steps.end(),
                                           [&](const RetryStep& step) { return step.action == action; }));
}

RetryPreview preview_retry(const RunRequest& request, const RetrySelection& selection) {
  RetryPreview preview;
  if (!request.plan) {
    preview.message = "internal error: preview_retry needs the run's plan";
    return preview;
  }
  const plan::Plan& plan = *request.plan;
  const int64_t run_id = selection.run_id;
  state::StateStore store(request.state_dsn, plan.state_schema);
  state::StoredRun stored = store.stored_run(run_id);
  if (!stored.status) {
    preview.message = stored.status.described();
    return preview;
  }
  if (!stored.found) return refused_preview(fmt::format("no run {} in the state database", run_id));
  if (stored.workflow != plan.workflow || stored.ds != plan.ds || stored.env != plan.env) {
    preview.message = fmt::format("internal error: the plan given for run {} is not the run's", run_id);
    return preview;
  }
  // The retry would upgrade the schema first; a dry run writes nothing, and
  // reads only what this flowc's schema holds.
  if (stored.schema_version < state::latest_version())
    return refused_preview(
        fmt::format("the state schema is at version {}, older than this flowc's {}: `flowc retry` "
                    "upgrades it before it runs, and its dry run writes nothing",
                    stored.schema_version, state::latest_version()));
  // Read from pg_locks, not taken: a dry run must not refuse a real run.
  bool driven = false;
  if (state::Status status = store.run_driven(run_id, driven); !status) {
    preview.message = status.described();
    return preview;
  }
  if (driven)
    return refused_preview(
        stored.run_status == RunStatus::Running
            ? fmt::format("run {} is still in progress: retry it once it has ended", run_id)
            : fmt::format("a run of {} for {} is in progress: retry run {} once it has ended", plan.workflow,
                          plan.ds, run_id));
  state::TaskRows rows = store.task_rows(run_id);
  if (!rows.status) {
    preview.message = rows.status.described();
    return preview;
  }
  state::AttemptEnds ends = store.attempt_ends(run_id);
  if (!ends.status) {
    preview.message = ends.status.described();
    return preview;
  }
  const std::vector<const state::TaskRow*> by_task = rows_by_task(plan, rows);
  const RetryChoice choice = choose_retry(plan, stored, by_task, selection);
  if (!choice.refusal.empty()) return refused_preview(choice.refusal);

  std::unordered_map<std::string_view, std::vector<state::AttemptEnd>> ends_of;  // by task name
  for (const state::AttemptEnd& end : ends.ends) ends_of[end.task].push_back(end);
  state::DaySuccesses done = store.day_successes(run_id);
  if (!done.status) {
    preview.message = done.status.described();
    return preview;
  }
  std::unordered_map<std::string_view, int64_t> earlier_success;  // by task name: an earlier run of the day
  for (const state::DaySuccess& success : done.tasks)
    if (success.run_id != run_id) earlier_success[success.task] = success.run_id;

  preview.outcome = RunResult::Outcome::Finished;
  preview.run_status = stored.run_status;
  preview.stage = stored.stage;
  for (uint32_t i = 0; i < plan.tasks.size(); ++i) {
    const state::TaskRow* row = by_task[i];
    RetryStep step;
    step.index = i;
    if (row) {
      step.state = row->state;
      step.attempts = row->attempts;
    }
    if (!choice.again.contains(i)) {
      step.action = RetryStep::Action::Keep;
      auto blocked = choice.blocked_by.find(i);
      step.verdict.why =
          row && row->state == TaskState::Succeeded ? "succeeded: kept as it is"
          : blocked != choice.blocked_by.end()
              ? fmt::format("its upstream `{}` did not succeed and is not run again: kept as it is",
                            plan.tasks[blocked->second].name)
              : fmt::format("not downstream of `{}`: kept as it is", selection.task);
    } else if (row && row->lease_live && !worker_gone(row->owner, row->machine)) {
      // What reset_for_retry() leaves to its holder; an expired lease, or a
      // holder of this machine that is gone, is taken up: its attempt is lost.
      step.action = RetryStep::Action::Wait;
      step.verdict.why =
          fmt::format("attempt {} is running in {}: the retry waits for it and never takes it over",
                      row->attempts, row->owner);
    } else {
      step.action = RetryStep::Action::Run;
      step.verdict =
          judge_repeat(plan.tasks[i], row ? row->state : TaskState::Pending, ends_of[plan.tasks[i].name],
                       state_in_target(request), earlier_success[plan.tasks[i].name]);
    }
    preview.steps.push_back(std::move(step));
  }
  return preview;
}

}  // namespace flowc::runtime::exec
