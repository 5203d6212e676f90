#include "compiler/impact/report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/lower/impact.h"
#include "compiler/spelling/table_names.h"

namespace flowc::impact {
namespace {

using model::TaskId;

template <typename T>
bool contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

template <typename T>
void add_unique(std::vector<T>& out, const T& value) {
  if (!contains(out, value)) out.push_back(value);
}

std::string qualified_name(const model::Model& model, TaskId id) {
  const model::Node& node = model.node(id);
  return model.workflow(node.workflow).name + "." + node.name;
}

/// The node's table schema-qualified, with the case it was written in.
std::string qualified_table(const model::Model& model, TaskId id) {
  const model::Node& node = model.node(id);
  if (node.table.empty() || node.table.find('.') != std::string::npos) return node.table;
  const model::Workflow& w = model.workflow(node.workflow);
  return (w.target.valid() ? model.targets[w.target.index].schema : "public") + "." + node.table;
}

/// What a side run (mirror, or in a named environment) added to the schema
/// of the tables it wrote: the environment's suffix, then `__mirror`; ""
/// for a production run. Another workflow in mirror stage that an
/// environment's run reaches writes its mirror tables in that environment.
std::string side_schema_suffix(const model::Model& model, const ImpactRun& run, const model::Node& node) {
  const model::Workflow& workflow = model.workflow(node.workflow);
  std::string suffix;
  if (!run.env.empty() && workflow.target.valid())
    for (const model::Environment& e : model.targets[workflow.target.index].environments)
      if (e.name == run.env) suffix = e.schema_suffix;
  const bool mirror = run.mirror || (!run.env.empty() && workflow.name != run.workflow &&
                                     workflow.stage == model::Stage::Mirror);
  return mirror ? suffix + std::string(spelling::kMirrorSuffix) : suffix;
}

/// The workflows in report order: those of `first` (in order), then the
/// rest in declaration order.
std::vector<uint32_t> workflow_rank(const model::Model& model, const std::vector<TaskId>& first) {
  std::vector<uint32_t> order;
  for (TaskId id : first) add_unique(order, model.node(id).workflow.index);
  for (uint32_t w = 0; w < model.workflows.size(); ++w) add_unique(order, w);
  std::vector<uint32_t> rank(model.workflows.size());
  for (uint32_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  return rank;
}

std::vector<std::string> matching(const model::Model& model, const std::vector<std::string>& tables,
                                  const std::vector<std::string>& keys) {
  std::vector<std::string> out;
  for (const std::string& t : tables) {
    if (contains(keys, lower::legacy_table_key(model, t))) out.push_back(t);
  }
  return out;
}

void add_owner(std::vector<ImpactOwner>& owners, const std::string& owner, const std::string& role,
               bool stale) {
  if (owner.empty()) return;
  auto it =
      std::find_if(owners.begin(), owners.end(), [&](const ImpactOwner& o) { return o.owner == owner; });
  if (it == owners.end()) it = owners.insert(owners.end(), ImpactOwner{owner, {}, false});
  add_unique(it->roles, role);
  it->stale = it->stale || stale;
}

/// What of a run makes its outputs stale: its nodes in `model`, and their tables.
struct RunCauses {
  std::vector<TaskId> nodes;
  std::vector<std::string> tables;
};

/// The run's failed, timed out and blocked tasks, and those of a run that
/// ended that it never ran to an end, leaving out what a later run of its
/// ds has rebuilt since. `report`, when given, gets their names by kind.
RunCauses run_causes(const model::Model& model, const ImpactRun& run, ImpactReport* report) {
  RunCauses causes;
  ImpactReport ignored;
  ImpactReport& names = report ? *report : ignored;
  for (const auto& [task, state] : run.task_states) {
    if (state == "failed" || state == "timed_out") {
      names.run_failed.push_back(task);
    } else if (state == "upstream_failed") {
      names.run_blocked.push_back(task);
    } else if (run.ended && (state == "pending" || state == "ready" || state == "waiting" ||
                             state == "retry_wait" || state == "running")) {
      names.run_not_run.push_back(task);
    } else {
      continue;
    }
    if (run.superseded_by && contains(run.superseded_by->succeeded, task)) {
      names.run_rebuilt.push_back(task);
      continue;
    }
    bool known = false;
    for (uint32_t i = 0; i < model.nodes.size(); ++i) {
      const model::Node& node = model.nodes[i];
      if (node.name != task || model.workflow(node.workflow).name != run.workflow) continue;
      known = true;
      causes.nodes.push_back(TaskId{i});
      if (node.kind == model::NodeKind::Task)
        causes.tables.push_back(lower::node_table_key(model, TaskId{i}));
    }
    if (!known) names.run_unknown.push_back(task);
  }
  if (!run.parity_mismatch.empty()) {
    // Parity judges the run's outputs as a whole: each task's table is in doubt.
    for (uint32_t i = 0; i < model.nodes.size(); ++i) {
      const model::Node& node = model.nodes[i];
      if (node.kind != model::NodeKind::Task || model.workflow(node.workflow).name != run.workflow ||
          contains(causes.nodes, TaskId{i}))
        continue;
      causes.nodes.push_back(TaskId{i});
      causes.tables.push_back(lower::node_table_key(model, TaskId{i}));
    }
  }
  return causes;
}

}  // namespace

ImpactSubject run_subject(const model::Model& model, const ImpactRun& run) {
  RunCauses causes = run_causes(model, run, nullptr);
  ImpactSubject s;
  s.kind = ImpactSubject::Kind::Run;
  s.name = fmt::format("run {}", run.id);
  s.starts = std::move(causes.nodes);
  s.tables = std::move(causes.tables);
  return s;
}

std::optional<ImpactSubject> resolve_impact_subject(const model::Model& model, std::string_view name,
                                                    std::string& error) {
  auto node_subject = [&](TaskId id) {
    const model::Node& node = model.node(id);
    ImpactSubject s;
    s.kind = node.kind == model::NodeKind::Source ? ImpactSubject::Kind::Source : ImpactSubject::Kind::Task;
    s.name = qualified_name(model, id);
    s.table = qualified_table(model, id);
    s.starts = {id};
    if (!node.table.empty()) s.tables = {lower::node_table_key(model, id)};
    return s;
  };
  // `workflow.node`, then a bare node name when it is unique.
  std::vector<TaskId> bare;
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    if (qualified_name(model, TaskId{i}) == name) return node_subject(TaskId{i});
    if (model.nodes[i].name == name) bare.push_back(TaskId{i});
  }
  if (bare.size() == 1) return node_subject(bare.front());
  if (bare.size() > 1) {
    std::vector<std::string> names;
    for (TaskId id : bare) names.push_back(qualified_name(model, id));
    error = fmt::format("`{}` names {} tasks or sources; write one of {}", name, names.size(),
                        fmt::join(names, ", "));
    return std::nullopt;
  }
  // A table: tasks writing it are where its downstream starts; sources
  // reading it are part of that downstream.
  std::string key = lower::legacy_table_key(model, name);
  ImpactSubject s;
  s.kind = ImpactSubject::Kind::Table;
  s.name = std::string(name);
  s.tables = {key};
  bool known = false;
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    const model::Node& node = model.nodes[i];
    bool same = !node.table.empty() && (lower::node_table_key(model, TaskId{i}) == key ||
                                        model::table_key(node.table, "") == model::table_key(name, ""));
    if (!same) continue;
    known = true;
    if (s.table.empty()) s.table = qualified_table(model, TaskId{i});
    if (node.kind == model::NodeKind::Task) {
      s.starts.push_back(TaskId{i});
      s.written_by.push_back(qualified_name(model, TaskId{i}));
    } else {
      s.read_by.push_back(qualified_name(model, TaskId{i}));
    }
    s.tables = {lower::node_table_key(model, TaskId{i})};
  }
  for (const model::Legacy& legacy : model.legacies) {
    if (lower::mentions_any(model, legacy.reads, {key}) || lower::mentions_any(model, legacy.writes, {key})) {
      known = true;
    }
  }
  if (known) {
    if (s.table.empty()) s.table = key;
    return s;
  }

  std::vector<std::string> candidates;
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    candidates.push_back(qualified_name(model, TaskId{i}));
    candidates.push_back(model.nodes[i].name);
    if (!model.nodes[i].table.empty()) candidates.push_back(model.nodes[i].table);
  }
  for (const model::Legacy& legacy : model.legacies) {
    for (const std::string& t : legacy.reads) candidates.push_back(t);
    for (const std::string& t : legacy.writes) candidates.push_back(t);
  }
  std::vector<std::string_view> views(candidates.begin(), candidates.end());
  std::string_view near = closest_name(name, views);
  error = fmt::format("no task, source or table `{}` in the project{}", name,
                      near.empty() ? std::string() : fmt::format("; did you mean `{}`?", near));
  return std::nullopt;
}

ImpactReport compute_impact(const model::Model& model, const ImpactSubject& subject,
                            const std::optional<ImpactRun>& run) {
  lower::Dependents dependents = lower::node_dependents(model);
  const lower::TableReaders readers(model);
  lower::Downstream down = lower::downstream_of(model, dependents, readers, subject.starts, subject.tables);

  // What the run's failures reach: its failed, timed out and blocked tasks
  // (and, of a run that ended, those it never ran to an end) that no later
  // run of its ds has rebuilt, their tables, and everything
  // downstream of those.
  lower::Downstream stale{
      std::vector<bool>(model.nodes.size(), false), {}, std::vector<bool>(model.legacies.size(), false)};
  ImpactReport report;
  report.subject = subject;
  report.run = run;
  if (run) {
    RunCauses causes = run_causes(model, *run, &report);
    if (!run->mirror && run->env.empty())
      stale = lower::downstream_of(model, dependents, readers, causes.nodes, causes.tables);
    // In an environment: the same environment's runs of other workflows,
    // which read its tables (not sources, legacy jobs nor consumers).
    if (!run->mirror && !run->env.empty())
      for (TaskId id : lower::env_downstream(model, dependents, causes.nodes, run->env))
        stale.nodes[id.index] = true;
    for (TaskId id : causes.nodes) stale.nodes[id.index] = true;
  }

  std::vector<TaskId> listed;
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    if (down.nodes[i] && model.nodes[i].kind == model::NodeKind::Task) listed.push_back(TaskId{i});
  }
  std::vector<uint32_t> rank = workflow_rank(model, subject.starts);
  std::stable_sort(listed.begin(), listed.end(), [&](TaskId a, TaskId b) {
    return rank[model.node(a).workflow.index] < rank[model.node(b).workflow.index];
  });

  std::vector<std::string> table_keys;
  auto add_table = [&](TaskId id) {
    const model::Node& node = model.node(id);
    std::string key = lower::node_table_key(model, id);
    if (node.kind != model::NodeKind::Task || key.empty() || contains(table_keys, key)) return;
    table_keys.push_back(key);
    std::string table = qualified_table(model, id);
    report.tables.push_back({table, node.publish, contains(stale.tables, key)});
    // A mirror run wrote `<schema>__mirror.<table>`, a run in an environment
    // `<schema><suffix>.<table>`: that one is what its failed and blocked
    // tasks left stale. Not a published output: consumers read the
    // production table, which that run did not write.
    const std::string side = run ? side_schema_suffix(model, *run, node) : "";
    if (!side.empty() && stale.nodes[id.index] && table.find('.') != std::string::npos)
      report.tables.push_back({table.insert(table.find('.'), side), false, true});
  };
  for (TaskId id : subject.starts) add_table(id);
  for (TaskId id : listed) {
    const model::Node& node = model.node(id);
    report.tasks.push_back({qualified_name(model, id), qualified_table(model, id), node.publish,
                            static_cast<bool>(stale.nodes[id.index])});
    add_table(id);
  }

  // Owners: each reached workflow's owner and failure route, in report order.
  std::vector<uint32_t> workflows;
  for (TaskId id : subject.starts) add_unique(workflows, model.node(id).workflow.index);
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    if (down.nodes[i]) add_unique(workflows, model.nodes[i].workflow.index);
  }
  std::stable_sort(workflows.begin(), workflows.end(),
                   [&](uint32_t a, uint32_t b) { return rank[a] < rank[b]; });
  for (uint32_t w : workflows) {
    const model::Workflow& workflow = model.workflows[w];
    bool workflow_stale = false;
    for (TaskId id : workflow.nodes) {
      bool reached = down.nodes[id.index] || contains(subject.starts, id);
      workflow_stale = workflow_stale || (reached && stale.nodes[id.index]);
    }
    add_owner(report.owners, workflow.owner, "workflow " + workflow.name, workflow_stale);
    if (workflow.on_failure) {
      const model::Route& route = model.routes[workflow.on_failure->route.index];
      add_owner(report.owners, route.owner, "route " + route.name, workflow_stale);
    }
  }

  // Tasks of the run the project no longer has: nothing here says what
  // they reach, but whoever owned the run is told.
  if (run && !report.run_unknown.empty()) {
    add_owner(report.owners, run->owner,
              "workflow " + run->workflow + " (run " + std::to_string(run->id) + ")", true);
    add_owner(report.owners, run->failure_route_owner,
              "route " + run->failure_route + " (run " + std::to_string(run->id) + ")", true);
  }

  for (size_t l = 0; l < model.legacies.size(); ++l) {
    if (!down.legacies[l]) continue;
    const model::Legacy& legacy = model.legacies[l];
    ImpactLegacy entry{legacy.name,
                       legacy.owner,
                       legacy.enabled,
                       matching(model, legacy.reads, down.tables),
                       matching(model, legacy.writes, down.tables),
                       legacy.consumers,
                       static_cast<bool>(stale.legacies[l])};
    for (const std::string& consumer : legacy.consumers) {
      auto it = std::find_if(report.consumers.begin(), report.consumers.end(),
                             [&](const ImpactConsumer& c) { return c.name == consumer; });
      if (it == report.consumers.end())
        it = report.consumers.insert(report.consumers.end(), {consumer, {}, false});
      it->via.push_back(legacy.name);
      it->stale = it->stale || entry.stale;
    }
    add_owner(report.owners, legacy.owner, "legacy " + legacy.name, entry.stale);
    report.legacies.push_back(std::move(entry));
  }
  return report;
}

}  // namespace flowc::impact
