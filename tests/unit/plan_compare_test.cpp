// plan::task_difference: what `flowc cutover` (what decides the table a task
// writes) and `flowc retry` (everything that runs) count as a changed task.
#include "compiler/plan/compare.h"

#include <doctest/doctest.h>

using namespace flowc::plan;

namespace {

Task checked_task() {
  Task t;
  t.name = "daily";
  t.output = TableName{"mart", "daily"};
  t.mode = WriteMode::Replace;
  t.select = {"select * from raw.t where ds = $1::date", {{"ds", "date", "2026-11-28"}}};
  t.origin = {"w.flow", 10, 3};
  t.metrics = MetricQuery{TableName{"mart", "daily__flow_new"}, "", {"select count(*) from x", {}}, {}};
  t.conditions = {
      Condition{Condition::Kind::Compare, CompareOp::Gt, 0, {Literal{ValueKind::Int, 0, "0"}}, {}}};
  t.checks = {Check{"row_count() > 0", false, 0, {"w.flow", 14, 5}}};
  t.retry.retries = 2;
  return t;
}

}  // namespace

TEST_CASE("task_difference: where a task is written is no change, what it runs is") {
  const Task ran = checked_task();
  Task now = ran;
  now.origin.line = 11;  // a comment above it
  now.checks[0].origin.line = 15;
  CHECK(task_difference(ran, now, TaskParts::All) == "");
  CHECK(task_difference(ran, now, TaskParts::Output) == "");

  now.select.params[0].value = "2026-11-29";  // what a param's new default does
  CHECK(task_difference(ran, now, TaskParts::Output) == "its SQL");
  CHECK(task_difference(ran, now, TaskParts::All) == "its SQL");
}

TEST_CASE(
    "task_difference: expectations, readiness, retries and timeout count for a retry, not for a cutover") {
  const Task ran = checked_task();
  Task now = ran;
  now.conditions[0].literals[0] = Literal{ValueKind::Int, 100, "100"};  // row_count() > 100
  CHECK(task_difference(ran, now, TaskParts::All) == "its expectations");
  CHECK(task_difference(ran, now, TaskParts::Output) == "");

  now = ran;
  now.checks[0].warn = true;  // `else warn`
  CHECK(task_difference(ran, now, TaskParts::All) == "its expectations");

  now = ran;
  now.readiness = Readiness{};
  CHECK(task_difference(ran, now, TaskParts::All) == "its readiness check");
  CHECK(task_difference(ran, now, TaskParts::Output) == "");

  now = ran;
  now.timeout_seconds = 60;
  CHECK(task_difference(ran, now, TaskParts::All) == "its retries or timeout");
  now = ran;
  now.retry.retries = 0;
  CHECK(task_difference(ran, now, TaskParts::All) == "its retries or timeout");
  CHECK(task_difference(ran, now, TaskParts::Output) == "");
}
