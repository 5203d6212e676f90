// Impact (what a failure makes stale) and mirror parity: the two pieces of a
// plan that look beyond one task, at the project's graph and legacy jobs.
#include "compiler/lower/impact.h"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "compiler/lower/context.h"
#include "compiler/lower/metrics.h"

namespace flowc::lower {

namespace {

std::string lowered(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

/// Appends each value to a list once, in first-seen order. A lookup in the
/// list itself would make a long chain's impact lists cost O(n³) to build.
class AppendOnce {
 public:
  explicit AppendOnce(std::vector<std::string>& out) : out_(out), seen_(out.begin(), out.end()) {}
  void operator()(const std::string& value) {
    if (seen_.insert(value).second) out_.push_back(value);
  }

 private:
  std::vector<std::string>& out_;
  std::unordered_set<std::string> seen_;
};

}  // namespace

Dependents node_dependents(const model::Model& model) {
  Dependents dependents(model.nodes.size());
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    for (model::TaskId dep : model.nodes[i].deps) dependents[dep.index].push_back(model::TaskId{i});
  }
  return dependents;
}

std::vector<model::TaskId> reachable_from(const Dependents& dependents,
                                          std::span<const model::TaskId> starts) {
  std::vector<bool> seen(dependents.size(), false);
  std::vector<model::TaskId> stack(starts.begin(), starts.end());
  std::vector<model::TaskId> out;
  while (!stack.empty()) {
    model::TaskId at = stack.back();
    stack.pop_back();
    for (model::TaskId next : dependents[at.index]) {
      if (seen[next.index]) continue;
      seen[next.index] = true;
      out.push_back(next);
      stack.push_back(next);
    }
  }
  std::sort(out.begin(), out.end(), [](model::TaskId a, model::TaskId b) { return a.index < b.index; });
  return out;
}

std::string table_key(std::string_view table, std::string_view default_schema) {
  plan::TableName name = split_table(std::string(table), std::string(default_schema));
  return lowered(name.schema + "." + name.name);
}

std::string node_table_key(const model::Model& model, model::TaskId id) {
  const model::Node& node = model.node(id);
  if (node.table.empty()) return "";
  const model::Workflow& owner = model.workflow(node.workflow);
  return table_key(node.table, owner.target.valid() ? model.targets[owner.target.index].schema : "public");
}

std::string legacy_table_key(const model::Model& model, std::string_view table) {
  std::string schema = model.project.default_target.valid()
                           ? model.targets[model.project.default_target.index].schema
                           : "public";
  return table_key(table, schema);
}

bool mentions_any(const model::Model& model, const std::vector<std::string>& tables,
                  const std::vector<std::string>& keys) {
  return std::any_of(tables.begin(), tables.end(), [&](const std::string& table) {
    return std::find(keys.begin(), keys.end(), legacy_table_key(model, table)) != keys.end();
  });
}

plan::Impact lower_impact(const Context& context, model::TaskId id, const std::vector<uint32_t>& plan_index) {
  const model::Model& model = context.model;
  // Everything reachable through the reversed dependency edges, in every workflow.
  std::vector<model::TaskId> downstream = reachable_from(context.dependents, std::span(&id, 1));
  // This workflow's tasks first in run order, then other workflows' in declaration order.
  std::sort(downstream.begin(), downstream.end(), [&](model::TaskId a, model::TaskId b) {
    bool a_other = model.node(a).workflow != context.workflow_id;
    bool b_other = model.node(b).workflow != context.workflow_id;
    if (a_other != b_other) return !a_other;
    return a_other ? a.index < b.index : plan_index[a.index] < plan_index[b.index];
  });

  plan::Impact impact;
  std::vector<std::string> production_tables;
  AppendOnce add_table(impact.tables), add_published(impact.published), add_production(production_tables),
      add_task(impact.tasks), add_consumer(impact.legacy_consumers);
  // The failed task's own output is stale too; a source's table is not ours.
  auto add_output = [&](model::TaskId node_id) {
    const model::Node& node = model.node(node_id);
    if (node.kind == model::NodeKind::Source || node.table.empty()) return;
    plan::TableName table = context.physical(node_id);
    // Another workflow still in mirror stage writes its mirror table, not the
    // production one its readers see.
    if (node.workflow != context.workflow_id && model.workflow(node.workflow).stage == model::Stage::Mirror) {
      table.schema += "__mirror";
    }
    std::string dotted = table.dotted();
    add_table(dotted);
    if (node.publish) add_published(dotted);
    add_production(node_table_key(model, node_id));
  };
  add_output(id);
  for (model::TaskId node_id : downstream) {
    const model::Node& node = model.node(node_id);
    std::string name = node.name;
    if (node.workflow != context.workflow_id) name = model.workflow(node.workflow).name + "." + name;
    add_task(name);
    add_output(node_id);
  }
  // Whoever consumes a legacy job's tables consumes them whether the legacy
  // job or this workflow writes them now.
  for (const model::Legacy& legacy : model.legacies) {
    if (!mentions_any(model, legacy.writes, production_tables)) continue;
    for (const std::string& consumer : legacy.consumers) add_consumer(consumer);
  }
  return impact;
}

std::optional<plan::Parity> lower_parity(const Context& context, model::TaskId id) {
  const model::Model& model = context.model;
  const model::Node& node = model.node(id);
  if (!context.mirror || !context.workflow.replaces.valid()) return std::nullopt;
  if (node.kind == model::NodeKind::Source || node.table.empty()) return std::nullopt;
  const model::Legacy& legacy = model.legacies[context.workflow.replaces.index];
  if (!mentions_any(model, legacy.writes, {node_table_key(model, id)})) return std::nullopt;

  plan::Parity parity;
  parity.mirror = context.physical(id);
  parity.legacy = context.production(id);
  ParamBinder binder(context);
  for (const std::string& column : partition_columns(context, node.mode)) {
    if (!parity.partition.empty()) parity.partition += " and ";
    parity.partition += "\"" + column + "\" = " + binder.placeholder(column);
  }
  for (model::TermId term : node.compare_terms) {
    if (!is_metric_call(model, term)) continue;
    MetricSql metric = metric_sql(context, term, parity.mirror, binder);
    parity.metric_sql.push_back(metric.sql);
    parity.metric_labels.push_back(metric.label);
  }
  // Without `compare`, the row counts are still compared.
  if (parity.metric_sql.empty()) {
    parity.metric_sql.push_back("count(*)");
    parity.metric_labels.push_back("row_count()");
  }
  if (node.mode.kind == model::WriteModeKind::Merge) parity.key = node.mode.merge_key;
  parity.params = binder.params();
  return parity;
}

}  // namespace flowc::lower
