// One source or task -> one plan::Task: SQL or argv, write mode, the batched
// expectation query and its checks, readiness, retry and timeout.
#include <algorithm>

#include "compiler/lower/context.h"
#include "compiler/lower/metrics.h"
#include "compiler/sql/sql_words.h"

namespace flowc::lower {

namespace {

plan::WriteMode write_mode(model::WriteModeKind kind) {
  switch (kind) {
    case model::WriteModeKind::Replace: return plan::WriteMode::Replace;
    case model::WriteModeKind::OverwritePartition: return plan::WriteMode::OverwritePartition;
    case model::WriteModeKind::Merge: return plan::WriteMode::Merge;
    case model::WriteModeKind::Append: return plan::WriteMode::Append;
    case model::WriteModeKind::None: return plan::WriteMode::None;
  }
  return plan::WriteMode::None;
}

void lower_expectations(const Context& context, const model::Node& node, plan::Task& task) {
  if (node.expectations.empty() || !task.output) return;
  // Replace builds its staging table (`<name>__flow_new`) and checks it before the swap, so the
  // metrics (and `${self}` in sql(...)) read the staging table.
  plan::TableName checked = task.mode == plan::WriteMode::Replace ? task.output->staging() : *task.output;
  std::vector<std::string> partition =
      task.kind == plan::TaskKind::Sql ? partition_columns(context, node.mode) : std::vector<std::string>{};
  MetricBatch batch(context, checked, partition);
  for (const model::Expectation& e : node.expectations) {
    plan::Check check;
    check.name = e.name;
    check.warn = e.warn;
    check.condition = lower_condition(context, e.term, batch, task.conditions);
    check.origin = context.origin(e.range);
    task.checks.push_back(std::move(check));
  }
  if (!batch.empty()) task.metrics = batch.finish();
}

void lower_readiness(const Context& context, const model::Node& node, plan::Task& task) {
  if (!node.ready_term.valid() || !task.output) return;
  plan::Readiness ready;
  MetricBatch batch(context, *task.output, {});
  ready.condition = lower_condition(context, node.ready_term, batch, ready.conditions);
  ready.metrics = batch.finish();
  ready.wait_seconds = node.wait_seconds;
  ready.poll_seconds = node.poll_seconds;
  // As the checker named it: as written, on one line, without what
  // `flowc fmt` moves (so a formatted file keeps its plan and hash).
  ready.text = node.ready_text.empty() ? term_text(context, node.ready_term) : node.ready_text;
  task.readiness = std::move(ready);
}

}  // namespace

std::vector<std::string> partition_columns(const Context& context, const model::WriteMode& mode) {
  if (mode.kind == model::WriteModeKind::OverwritePartition) return {mode.partition_column};
  std::vector<std::string> out;
  if (mode.kind == model::WriteModeKind::Merge) {
    for (const std::string& column : mode.merge_key) {
      if (context.param(column) != nullptr) out.push_back(column);
    }
  }
  return out;
}

plan::Task lower_task(const Context& context, model::TaskId id, const std::vector<uint32_t>& plan_index) {
  const model::Model& model = context.model;
  const model::Node& node = model.node(id);
  plan::Task task;
  task.name = node.name;
  task.kind = node.kind == model::NodeKind::Source ? plan::TaskKind::Source
              : node.sql                           ? plan::TaskKind::Sql
                                                   : plan::TaskKind::Command;
  task.origin = context.origin(node.range);
  for (model::TaskId dep : node.deps) {
    const model::Node& upstream = model.node(dep);
    if (upstream.workflow == context.workflow_id) {
      if (plan_index[dep.index] != UINT32_MAX) task.deps.push_back(plan_index[dep.index]);
      continue;
    }
    plan::ExternalDependency external;
    external.workflow = model.workflow(upstream.workflow).name;
    external.task = upstream.name;
    external.wait_seconds = context.external_wait_seconds;
    external.poll_seconds = context.external_poll_seconds;
    if (std::find(task.external.begin(), task.external.end(), external) == task.external.end()) {
      task.external.push_back(std::move(external));
    }
  }
  std::sort(task.deps.begin(), task.deps.end());
  task.deps.erase(std::unique(task.deps.begin(), task.deps.end()), task.deps.end());
  for (model::TaskId dependent : context.dependents[id.index])
    task.announce_success = task.announce_success || !(model.node(dependent).workflow == context.workflow_id);

  if (!node.table.empty()) task.output = context.physical(id);
  plan::TableName self = task.output.value_or(plan::TableName{});
  if (task.kind != plan::TaskKind::Source) {
    task.mode = task.kind == plan::TaskKind::Command ? plan::WriteMode::None : write_mode(node.mode.kind);
    if (task.mode == plan::WriteMode::OverwritePartition) task.partition_column = node.mode.partition_column;
    if (task.mode == plan::WriteMode::Merge) task.merge_key = node.mode.merge_key;
    task.publish = node.publish;
    task.idempotent = node.idempotent;
  }
  if (node.sql) {
    ParamBinder binder(context);
    task.select.sql = resolve_sql(context, *node.sql, binder, self);
    // The runtime nests a write mode's select in its write (`insert ...
    // select * from (<select>)`, `create table ... as <select> with no
    // data`): a `;` and a comment after it would break that. A `none`
    // task's statements are sent as written.
    if (task.mode != plan::WriteMode::None) task.select.sql = std::string(sql::without_statement_end(task.select.sql));
    task.select.params = binder.params();
    task.sql_origin = context.origin(node.sql->range);
  }
  for (const model::SqlTemplate& arg : node.command) {
    task.argv.push_back(resolve_argument(context, arg, self));
  }
  task.env_secrets = node.command_env;

  lower_expectations(context, node, task);
  if (task.kind == plan::TaskKind::Source) lower_readiness(context, node, task);
  task.parity = lower_parity(context, id);

  if (node.retry && task.kind != plan::TaskKind::Source) {
    task.retry.retries = node.retry->attempts;
    task.retry.exponential = node.retry->exponential;
    task.retry.initial_seconds = node.retry->initial_seconds;
    task.retry.max_seconds = node.retry->max_seconds;
    task.retry.on_any = node.retry->on_any;
  }
  if (task.kind != plan::TaskKind::Source) task.timeout_seconds = node.timeout_seconds;
  return task;
}

}  // namespace flowc::lower
