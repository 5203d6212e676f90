// judge_repeat(): whether running a task instance again (`flowc retry`)
// can repeat an effect of its earlier attempts, and why. Pure: the plan's
// task, the instance's state and how its attempts ended.
#include <doctest/doctest.h>

#include "runtime/exec/retry_choice.h"
#include "runtime/exec/retry_preview.h"

using flowc::runtime::TaskState;
using flowc::runtime::exec::judge_repeat;
using flowc::runtime::state::AttemptEnd;
namespace plan = flowc::plan;

namespace {

plan::Task sql_task(plan::WriteMode mode, bool idempotent) {
  plan::Task task;
  task.name = "t";
  task.kind = plan::TaskKind::Sql;
  task.mode = mode;
  task.idempotent = idempotent;
  return task;
}

plan::Task command_task(bool idempotent) {
  plan::Task task;
  task.name = "c";
  task.kind = plan::TaskKind::Command;
  task.idempotent = idempotent;
  return task;
}

AttemptEnd ended(uint32_t attempt, std::string outcome, std::string error_class = "",
                 std::optional<int> exit_code = std::nullopt) {
  return {"t", attempt, std::move(outcome), exit_code, std::move(error_class), {}};
}

}  // namespace

TEST_CASE("a task that has not run is safe to run, whatever its mode") {
  auto verdict = judge_repeat(command_task(false), TaskState::UpstreamFailed, {}, false);
  CHECK(verdict.safe);
  CHECK(verdict.why == "has not run yet");
  // An attempt that found another workflow's task not ready ran nothing.
  verdict = judge_repeat(sql_task(plan::WriteMode::Append, false), TaskState::Failed,
                         {ended(1, "not_ready", "timeout")}, false);
  CHECK(verdict.safe);
  CHECK(verdict.why == "has not run yet");
}

TEST_CASE("a readiness check only reads") {
  plan::Task source;
  source.kind = plan::TaskKind::Source;
  auto verdict = judge_repeat(source, TaskState::TimedOut, {ended(1, "failed", "timeout")}, false);
  CHECK(verdict.safe);
  CHECK(verdict.why == "a readiness check: it only reads");
}

TEST_CASE("idempotent tasks end as one successful attempt leaves them, even after a success") {
  const std::vector<AttemptEnd> succeeded = {ended(1, "succeeded")};
  CHECK(
      judge_repeat(sql_task(plan::WriteMode::Replace, true), TaskState::Succeeded, succeeded, false).why ==
      "mode replace: the table is built anew and swapped in, so it ends as one successful attempt leaves it");
  CHECK(judge_repeat(sql_task(plan::WriteMode::OverwritePartition, true), TaskState::Succeeded, succeeded,
                     false)
            .why ==
        "mode overwrite_partition: its partition is replaced, so it ends as one successful attempt "
        "leaves it");
  plan::Task merge = sql_task(plan::WriteMode::Merge, true);
  merge.merge_key = {"ds", "region"};
  CHECK(
      judge_repeat(merge, TaskState::Succeeded, succeeded, false).why ==
      "mode merge on (ds, region): rows are matched by key, so it ends as one successful attempt leaves it");
  CHECK(judge_repeat(sql_task(plan::WriteMode::None, true), TaskState::Succeeded, succeeded, false).why ==
        "mode none, declared idempotent");
  auto command =
      judge_repeat(command_task(true), TaskState::Failed, {ended(1, "failed", "permanent", 3)}, false);
  CHECK(command.safe);
  CHECK(command.why == "a command declared idempotent");
}

TEST_CASE("a task that is not idempotent and succeeded repeats its effect") {
  const std::vector<AttemptEnd> ends = {ended(1, "failed", "transient"), ended(2, "succeeded")};
  auto append = judge_repeat(sql_task(plan::WriteMode::Append, false), TaskState::Succeeded, ends, true);
  CHECK_FALSE(append.safe);
  CHECK(append.why == "mode append, and attempt 2 succeeded: its rows are appended a second time");
  auto none = judge_repeat(sql_task(plan::WriteMode::None, false), TaskState::Succeeded, ends, true);
  CHECK_FALSE(none.safe);
  CHECK(none.why ==
        "mode none, not declared idempotent, and attempt 2 succeeded: its statements run a second time");
  auto command = judge_repeat(command_task(false), TaskState::Succeeded, ends, true);
  CHECK_FALSE(command.safe);
  CHECK(command.why == "a command not declared idempotent, and attempt 2 succeeded: it runs a second time");
  // A --task retry of it that then failed: the success's effect is still there.
  auto failed_after = judge_repeat(sql_task(plan::WriteMode::Append, false), TaskState::Failed,
                                   {ended(1, "succeeded"), ended(2, "failed", "permanent")}, true);
  CHECK_FALSE(failed_after.safe);
  CHECK(failed_after.why == "mode append, and attempt 1 succeeded: its rows are appended a second time");
}

TEST_CASE("a command that is not idempotent and ran may have done part of its work") {
  auto exited =
      judge_repeat(command_task(false), TaskState::Failed, {ended(1, "failed", "permanent", 3)}, true);
  CHECK_FALSE(exited.safe);
  CHECK(exited.why ==
        "a command not declared idempotent: attempt 1 exited with code 3, and may have done part of "
        "its work");
  auto timed_out =
      judge_repeat(command_task(false), TaskState::TimedOut, {ended(1, "failed", "timeout", 143)}, true);
  CHECK(timed_out.why ==
        "a command not declared idempotent: attempt 1 was stopped at its timeout, and may have "
        "done part of its work");
  auto lost = judge_repeat(command_task(false), TaskState::Running, {ended(1, "")}, true);
  CHECK_FALSE(lost.safe);
  CHECK(lost.why ==
        "a command not declared idempotent: attempt 1 was lost with its process, and may have done "
        "part of its work");
}

TEST_CASE("failed SQL attempts were rolled back, unless one was lost while the state lives elsewhere") {
  const std::vector<AttemptEnd> failed = {ended(1, "failed", "transient"), ended(2, "failed", "permanent")};
  auto rolled_back = judge_repeat(sql_task(plan::WriteMode::Append, false), TaskState::Failed, failed, false);
  CHECK(rolled_back.safe);
  CHECK(rolled_back.why == "SQL in one transaction per attempt: its failed attempts were rolled back");

  const std::vector<AttemptEnd> lost = {ended(1, "lost", "transient"), ended(2, "failed", "permanent")};
  // Success recorded in the write's own transaction: a lost attempt committed nothing, and says so.
  auto in_target = judge_repeat(sql_task(plan::WriteMode::Append, false), TaskState::Failed, lost, true);
  CHECK(in_target.safe);
  CHECK(in_target.why ==
        "SQL in one transaction per attempt, its success recorded in that transaction: attempt 1, lost with "
        "its process, wrote nothing");
  auto elsewhere = judge_repeat(sql_task(plan::WriteMode::Append, false), TaskState::Failed, lost, false);
  CHECK_FALSE(elsewhere.safe);
  CHECK(elsewhere.why ==
        "mode append, and attempt 1 was lost with its process: its write may have committed "
        "without its success being recorded (the state database is not the target)");
}

TEST_CASE("failed SQL that ends its own transaction kept what ran before its commit") {
  plan::Task task = sql_task(plan::WriteMode::None, false);
  task.select.sql = "insert into an.n9 values (1); COMMIT; insert into an.n9 values (2); select 1/0";
  auto verdict = judge_repeat(task, TaskState::Failed, {ended(1, "failed", "permanent")}, true);
  CHECK_FALSE(verdict.safe);
  CHECK(verdict.why ==
        "mode none, not declared idempotent, and its statements end their transaction (`commit`): a failed "
        "attempt "
        "kept what ran before it");
  // In a string or a comment, or `rollback to` a savepoint, it ends nothing.
  task.select.sql = "insert into t values ('commit; end'); -- commit\nsavepoint s; rollback to s";
  CHECK(judge_repeat(task, TaskState::Failed, {ended(1, "failed", "permanent")}, true).safe);
  // Declared idempotent, its author says a repeat is harmless.
  task.select.sql = "delete from t; commit; insert into t select 1";
  task.idempotent = true;
  CHECK(judge_repeat(task, TaskState::Failed, {ended(1, "failed", "permanent")}, true).safe);
}

TEST_CASE(
    "a retry of a run a later run of its day replaced points to that run, or, when it succeeded, to the "
    "day") {
  using flowc::runtime::RunStatus;
  using flowc::runtime::exec::choose_retry;
  plan::Plan p;
  p.tasks = {sql_task(plan::WriteMode::Replace, true)};
  flowc::runtime::state::StoredRun stored;
  stored.workflow = "w";
  stored.ds = "2026-11-24";
  stored.latest_id = 2;
  flowc::runtime::exec::RetrySelection selection;
  selection.run_id = 1;
  stored.latest_status = RunStatus::Failed;
  CHECK(choose_retry(p, stored, {nullptr}, selection).refusal ==
        "run 1 is not the latest run of w for 2026-11-24: run 2 is (failed), and a retry of run 1 would "
        "write its "
        "stored plan's results over it; retry run 2, or run the day again");
  stored.latest_status = RunStatus::Succeeded;
  CHECK(choose_retry(p, stored, {nullptr}, selection).refusal ==
        "run 1 is not the latest run of w for 2026-11-24: run 2 is (succeeded), and a retry of run 1 would "
        "write "
        "its stored plan's results over it; the day is done; to run it again, run the day again");
}
