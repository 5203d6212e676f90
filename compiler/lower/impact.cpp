// The impact graph (what a failure makes stale) and mirror parity: the two
// pieces of a plan that look beyond one task, at the project's graph and
// legacy jobs.
#include "compiler/lower/impact.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "compiler/lower/context.h"
#include "compiler/lower/metrics.h"
#include "compiler/spelling/table_names.h"

namespace flowc::lower {

namespace {

/// Whether node `id`'s workflow is in mirror stage: it writes
/// `<schema>__mirror`, which nothing but its own tasks reads.
bool in_mirror_stage(const model::Model& model, model::TaskId id) {
  return model.workflow(model.node(id).workflow).stage == model::Stage::Mirror;
}

/// The dotted table node `id` writes, as an Impact names it: its physical
/// name; another workflow still in mirror stage writes its mirror table, not
/// the production one its readers see.
std::string impact_table(const Context& context, model::TaskId id) {
  const model::Node& node = context.model.node(id);
  plan::TableName table = context.physical(id);
  if (node.workflow != context.workflow_id && in_mirror_stage(context.model, id)) {
    table.schema += spelling::kMirrorSuffix;
  }
  return table.dotted();
}

/// Every node reachable from `starts` through `dependents` by way of nodes
/// `keep` accepts, each once, in node order (reachable_from()'s walk).
template <class Keep>
std::vector<model::TaskId> reachable_where(const Dependents& dependents,
                                           std::span<const model::TaskId> starts, Keep keep) {
  std::vector<bool> seen(dependents.size(), false);
  std::vector<model::TaskId> stack(starts.begin(), starts.end());
  std::vector<model::TaskId> out;
  while (!stack.empty()) {
    model::TaskId at = stack.back();
    stack.pop_back();
    for (model::TaskId next : dependents[at.index]) {
      if (seen[next.index] || !keep(next)) continue;
      seen[next.index] = true;
      out.push_back(next);
      stack.push_back(next);
    }
  }
  std::sort(out.begin(), out.end(), [](model::TaskId a, model::TaskId b) { return a.index < b.index; });
  return out;
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
  return reachable_where(dependents, starts, [](model::TaskId) { return true; });
}

std::vector<model::TaskId> env_downstream(const model::Model& model, const Dependents& dependents,
                                          std::span<const model::TaskId> starts, const std::string& env) {
  return reachable_where(dependents, starts, [&](model::TaskId id) {
    const model::Workflow& workflow = model.workflow(model.node(id).workflow);
    if (!workflow.target.valid()) return false;
    const auto& environments = model.targets[workflow.target.index].environments;
    return std::any_of(environments.begin(), environments.end(),
                       [&](const model::Environment& e) { return e.name == env; });
  });
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

TableReaders::TableReaders(const model::Model& model)
    : reads_(model.legacies.size()), writes_(model.legacies.size()), enabled_(model.legacies.size()) {
  for (uint32_t job = 0; job < model.legacies.size(); ++job) {
    const model::Legacy& legacy = model.legacies[job];
    for (const std::string& table : legacy.reads) reads_[job].push_back(legacy_table_key(model, table));
    for (const std::string& table : legacy.writes) writes_[job].push_back(legacy_table_key(model, table));
    enabled_[job] = legacy.enabled;
  }
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    if (model.nodes[i].kind == model::NodeKind::Source && !model.nodes[i].table.empty())
      sources_[node_table_key(model, model::TaskId{i})].push_back(model::TaskId{i});
  }
}

void TableReaders::widen(std::vector<std::string>& tables, std::vector<bool>& legacies) const {
  std::unordered_set<std::string> known(tables.begin(), tables.end());
  auto mentions = [&](const std::vector<std::string>& keys) {
    return std::any_of(keys.begin(), keys.end(), [&](const std::string& key) { return known.contains(key); });
  };
  std::vector<bool> widened(reads_.size(), false);
  for (bool changed = true; changed;) {
    changed = false;
    for (uint32_t job = 0; job < reads_.size(); ++job) {
      const bool reads = mentions(reads_[job]);
      if (reads || mentions(writes_[job])) legacies[job] = true;
      if (!reads || !enabled_[job] || widened[job]) continue;
      widened[job] = true;
      for (const std::string& key : writes_[job]) {
        if (known.insert(key).second) {
          tables.push_back(key);
          changed = true;
        }
      }
    }
  }
}

const std::vector<model::TaskId>& TableReaders::sources_reading(const std::string& key) const {
  static const std::vector<model::TaskId> kNone;
  auto it = sources_.find(key);
  return it == sources_.end() ? kNone : it->second;
}

Downstream downstream_of(const model::Model& model, const Dependents& dependents, const TableReaders& readers,
                         std::span<const model::TaskId> starts, const std::vector<std::string>& tables) {
  Downstream down{std::vector<bool>(model.nodes.size(), false), {}, std::vector<bool>(model.legacies.size(), false)};
  auto add_table = [&](const std::string& key) {
    if (!key.empty() && std::find(down.tables.begin(), down.tables.end(), key) == down.tables.end())
      down.tables.push_back(key);
  };
  // A workflow in mirror stage, other than the starts', writes its mirror
  // table, which no source or legacy job reads (the legacy job still writes
  // the production one): the walk does not go on through it. The starts'
  // own workflows are followed as they will be in production.
  std::vector<bool> starts_workflow(model.workflows.size(), false);
  for (model::TaskId id : starts) starts_workflow[model.node(id).workflow.index] = true;
  auto writes_mirror = [&](model::TaskId id) {
    return !starts_workflow[model.node(id).workflow.index] && in_mirror_stage(model, id);
  };
  auto visit = [&](std::span<const model::TaskId> from) {
    for (model::TaskId id : reachable_from(dependents, from)) {
      if (down.nodes[id.index]) continue;
      down.nodes[id.index] = true;
      if (model.node(id).kind == model::NodeKind::Task && !writes_mirror(id)) add_table(node_table_key(model, id));
    }
  };
  for (const std::string& key : tables) add_table(key);
  visit(starts);
  // Until no table is new: widen through legacy jobs, then walk on from
  // the sources reading each new table (which may add tables again).
  for (size_t walked = 0;;) {
    readers.widen(down.tables, down.legacies);
    if (walked == down.tables.size()) break;
    for (; walked < down.tables.size(); ++walked) {
      for (model::TaskId source : readers.sources_reading(down.tables[walked])) {
        if (down.nodes[source.index]) continue;
        down.nodes[source.index] = true;
        visit(std::span<const model::TaskId>(&source, 1));
      }
    }
  }
  return down;
}

plan::ImpactGraph lower_impact_graph(const Context& context, const std::vector<model::TaskId>& order) {
  const model::Model& model = context.model;
  const TableReaders readers(model);
  // A mirror table is not the published one, and no legacy job or source
  // reads it: the legacy job still writes theirs. Nor is an environment's
  // (`analytics_dev.t`): sources keep their production schema, so every
  // reader, and every consumer, reads production's.
  const bool side_run = context.mirror || !context.options.env.empty();
  // In an environment, the other workflows' tasks it reaches write that
  // environment's tables too (env_downstream()).
  const bool env_run = !context.mirror && !context.options.env.empty();
  auto writes_mirror = [&](model::TaskId id) {
    return model.node(id).workflow == context.workflow_id || env_run ? side_run : in_mirror_stage(model, id);
  };
  // downstream_of()'s rule, one node at a time: what a node reaches directly
  // (its dependents, and through its table: the dependents of each source
  // reading it or a table an enabled legacy job reading it writes) and the
  // legacy jobs its table reaches. The union along the graph is the rule's
  // closure, as every step of the rule follows from one table or one node.
  struct Step {
    std::vector<model::TaskId> next;
    std::vector<uint32_t> legacy;  // project legacy job indexes, ascending
  };
  std::vector<std::optional<Step>> steps(model.nodes.size());
  auto step = [&](model::TaskId id) -> const Step& {
    std::optional<Step>& out = steps[id.index];
    if (out) return *out;
    out.emplace();
    out->next = context.dependents[id.index];
    const model::Node& node = model.node(id);
    if (node.kind == model::NodeKind::Source || node.table.empty() || writes_mirror(id)) return *out;
    // Legacy jobs and sources are matched on the production table.
    std::vector<std::string> tables{node_table_key(model, id)};
    std::vector<bool> jobs(model.legacies.size(), false);
    readers.widen(tables, jobs);
    for (uint32_t job = 0; job < jobs.size(); ++job)
      if (jobs[job]) out->legacy.push_back(job);
    for (const std::string& table : tables) {
      for (model::TaskId source : readers.sources_reading(table)) {
        const std::vector<model::TaskId>& after = context.dependents[source.index];
        out->next.insert(out->next.end(), after.begin(), after.end());
      }
    }
    return *out;
  };

  // This workflow's tasks in run order, then what they reach in other
  // workflows, in node order.
  //
  // A mirror run writes only mirror tables (language.md §14): other
  // workflows read the production tables, which the legacy job still
  // writes, and its consumers are served by it. So what its failure makes
  // stale is its own tasks and their mirror tables, nothing published. A
  // run in an environment likewise writes only that environment's tables,
  // which the same environment's runs of other workflows read.
  std::vector<model::TaskId> members = order;
  std::vector<uint32_t> node_index(model.nodes.size(), UINT32_MAX);
  for (uint32_t i = 0; i < order.size(); ++i) node_index[order[i].index] = i;
  if (env_run) {
    for (model::TaskId id : env_downstream(model, context.dependents, order, context.options.env)) {
      if (node_index[id.index] != UINT32_MAX) continue;
      node_index[id.index] = static_cast<uint32_t>(members.size());
      members.push_back(id);
    }
  } else if (!side_run) {
    std::vector<model::TaskId> stack = order, others;
    while (!stack.empty()) {
      model::TaskId at = stack.back();
      stack.pop_back();
      for (model::TaskId next : step(at).next) {
        if (node_index[next.index] != UINT32_MAX) continue;
        node_index[next.index] = 0;  // seen; numbered below
        others.push_back(next);
        stack.push_back(next);
      }
    }
    std::sort(others.begin(), others.end(), [](model::TaskId a, model::TaskId b) { return a.index < b.index; });
    for (model::TaskId id : others) {
      node_index[id.index] = static_cast<uint32_t>(members.size());
      members.push_back(id);
    }
  }

  std::vector<bool> job_used(model.legacies.size(), false);
  plan::ImpactGraph graph;
  for (model::TaskId id : members) {
    const model::Node& node = model.node(id);
    const Step& reach = step(id);
    plan::ImpactNode& out = graph.nodes.emplace_back();
    out.name = node.workflow == context.workflow_id ? node.name
                                                    : model.workflow(node.workflow).name + "." + node.name;
    // A source's table is not ours to make stale.
    if (node.kind != model::NodeKind::Source && !node.table.empty()) {
      out.table = impact_table(context, id);
      if (!writes_mirror(id)) out.published = node.publish;
    }
    out.legacy = reach.legacy;
    for (uint32_t job : out.legacy) job_used[job] = true;
    for (model::TaskId next : reach.next) {
      if (node_index[next.index] != UINT32_MAX) out.dependents.push_back(node_index[next.index]);
    }
    std::sort(out.dependents.begin(), out.dependents.end());
    out.dependents.erase(std::unique(out.dependents.begin(), out.dependents.end()), out.dependents.end());
  }

  // Only the jobs some node reaches are kept; renumbering in declaration
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
  // Outputs without a key whose whole content is the run's: the partition,
  // or the table a `replace` rebuilds (a dimension, a snapshot). An `append`
  // table holds earlier runs too, which the legacy table has from before
  // the mirror began.
  parity.compare_rows = node.mode.kind == model::WriteModeKind::OverwritePartition ||
                        node.mode.kind == model::WriteModeKind::Replace;
  // Its rows of this run are those holding the run's value in a column
  // named after a param (`ds`), when both tables have one: the comparison
  // learns that from the tables, so every param is a candidate.
  if (node.mode.kind == model::WriteModeKind::Append || node.mode.kind == model::WriteModeKind::None) {
    for (const ParamValue& param : context.params)
      parity.run_columns.push_back({param.name, param.sql_type, param.value});
  }
  parity.ignore = node.compare_ignore;
  parity.params = binder.params();
  return parity;
}

}  // namespace flowc::lower
