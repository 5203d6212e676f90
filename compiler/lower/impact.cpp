// The impact graph (what a failure makes stale) and mirror parity: the two
// pieces of a plan that look beyond one task, at the project's graph and
// legacy jobs.
#include "compiler/lower/impact.h"

#include <algorithm>
#include <unordered_map>

#include "compiler/lower/context.h"
#include "compiler/lower/metrics.h"

namespace flowc::lower {

namespace {

/// The dotted table node `id` writes, as an Impact names it: its physical
/// name; another workflow still in mirror stage writes its mirror table, not
/// the production one its readers see.
std::string impact_table(const Context& context, model::TaskId id) {
  const model::Node& node = context.model.node(id);
  plan::TableName table = context.physical(id);
  if (node.workflow != context.workflow_id &&
      context.model.workflow(node.workflow).stage == model::Stage::Mirror) {
    table.schema += "__mirror";
  }
  return table.dotted();
}

/// By production table key (model::table_key form): the legacy jobs writing it,
/// ascending.
std::unordered_map<std::string, std::vector<uint32_t>> legacy_writers(const model::Model& model) {
  std::unordered_map<std::string, std::vector<uint32_t>> writers;
  for (uint32_t job = 0; job < model.legacies.size(); ++job) {
    for (const std::string& table : model.legacies[job].writes) {
      std::vector<uint32_t>& jobs = writers[legacy_table_key(model, table)];
      if (jobs.empty() || jobs.back() != job) jobs.push_back(job);
    }
  }
  return writers;
}

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

std::string node_table_key(const model::Model& model, model::TaskId id) {
  const model::Node& node = model.node(id);
  if (node.table.empty()) return "";
  const model::Workflow& owner = model.workflow(node.workflow);
  return model::table_key(node.table, owner.target.valid() ? model.targets[owner.target.index].schema : "public");
}

std::string legacy_table_key(const model::Model& model, std::string_view table) {
  std::string schema = model.project.default_target.valid()
                           ? model.targets[model.project.default_target.index].schema
                           : "public";
  return model::table_key(table, schema);
}

bool mentions_any(const model::Model& model, const std::vector<std::string>& tables,
                  const std::vector<std::string>& keys) {
  return std::any_of(tables.begin(), tables.end(), [&](const std::string& table) {
    return std::find(keys.begin(), keys.end(), legacy_table_key(model, table)) != keys.end();
  });
}

plan::ImpactGraph lower_impact_graph(const Context& context, const std::vector<model::TaskId>& order) {
  const model::Model& model = context.model;
  // This workflow's tasks in run order, then what they reach in other
  // workflows (reachable_from lists it in node order).
  //
  // A mirror run writes only mirror tables (language.md §14): other
  // workflows read the production tables, which the legacy job still
  // writes, and its consumers are served by it. So what its failure makes
  // stale is its own tasks and their mirror tables, nothing published.
  std::vector<model::TaskId> members = order;
  std::vector<uint32_t> node_index(model.nodes.size(), UINT32_MAX);
  for (uint32_t i = 0; i < order.size(); ++i) node_index[order[i].index] = i;
  for (model::TaskId id : context.mirror ? std::vector<model::TaskId>() : reachable_from(context.dependents, order)) {
    if (node_index[id.index] != UINT32_MAX) continue;
    node_index[id.index] = static_cast<uint32_t>(members.size());
    members.push_back(id);
  }

  std::unordered_map<std::string, std::vector<uint32_t>> writers = legacy_writers(model);
  std::vector<bool> job_used(model.legacies.size(), false);
  plan::ImpactGraph graph;
  for (model::TaskId id : members) {
    const model::Node& node = model.node(id);
    plan::ImpactNode& out = graph.nodes.emplace_back();
    out.name = node.workflow == context.workflow_id ? node.name
                                                    : model.workflow(node.workflow).name + "." + node.name;
    // A source's table is not ours to make stale.
    if (node.kind != model::NodeKind::Source && !node.table.empty()) {
      out.table = impact_table(context, id);
      // A mirror table is not the published one, and no legacy consumer
      // reads it: the legacy job still writes theirs.
      const bool mirror = node.workflow == context.workflow_id
                              ? context.mirror
                              : model.workflow(node.workflow).stage == model::Stage::Mirror;
      if (!mirror) {
        out.published = node.publish;
        // Legacy jobs are matched on the production table.
        if (auto it = writers.find(node_table_key(model, id)); it != writers.end()) out.legacy = it->second;
        for (uint32_t job : out.legacy) job_used[job] = true;
      }
    }
    for (model::TaskId next : context.dependents[id.index]) {
      if (node_index[next.index] != UINT32_MAX) out.dependents.push_back(node_index[next.index]);
    }
    std::sort(out.dependents.begin(), out.dependents.end());
    out.dependents.erase(std::unique(out.dependents.begin(), out.dependents.end()), out.dependents.end());
  }

  // Only the jobs some node writes for are kept; renumbering in declaration
  // order keeps every node's list ascending.
  std::vector<uint32_t> job_index(model.legacies.size(), UINT32_MAX);
  for (uint32_t job = 0; job < model.legacies.size(); ++job) {
    if (!job_used[job]) continue;
    job_index[job] = static_cast<uint32_t>(graph.legacy_job_consumers.size());
    graph.legacy_job_consumers.push_back(model.legacies[job].consumers);
  }
  for (plan::ImpactNode& node : graph.nodes) {
    for (uint32_t& job : node.legacy) job = job_index[job];
  }
  return graph;
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
    parity.metric_origins.push_back(context.origin(model.term(term).range));
  }
  // Without `compare`, the row counts are still compared.
  if (parity.metric_sql.empty()) {
    parity.metric_sql.push_back("count(*)");
    parity.metric_labels.push_back("row_count()");
    parity.metric_origins.push_back(context.origin(node.range));
  }
  if (node.mode.kind == model::WriteModeKind::Merge) parity.key = node.mode.merge_key;
  parity.compare_rows = node.mode.kind == model::WriteModeKind::OverwritePartition;
  parity.params = binder.params();
  return parity;
}

}  // namespace flowc::lower
