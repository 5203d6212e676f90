// The dependency graph: edges from `${name}` in SQL and from `after`, across
// workflows. E0301 reports each cycle once with its whole path; E0302 two
// writers of one table; E0306 reads of a task that writes no table, and a
// production workflow's reads of a task whose workflow is not in production.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "compiler/check/checker.h"

namespace flowc::check {

std::string Checker::table_key(const model::Node& node) const {
  return std::to_string(model.workflow(node.workflow).target.index) + ":" + node_table(node);
}

std::string Checker::node_table(const model::Node& node) const {
  const model::Workflow& wf = model.workflow(node.workflow);
  return model::table_key(node.table, wf.target.valid() ? model.targets[wf.target.index].schema : "public");
}

std::string Checker::legacy_table(std::string_view table) const {
  const model::TargetId target = model.project.default_target;
  return model::table_key(table, target.valid() ? model.targets[target.index].schema : "public");
}

std::string Checker::node_label(TaskId id, bool qualified) const {
  const model::Node& node = model.node(id);
  return qualified ? model.workflow(node.workflow).name + "." + node.name : node.name;
}

void Checker::build_graph() {
  node_read.assign(model.nodes.size(), false);
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    model::Node& node = model.nodes[i];
    llvm::SmallVector<Edge, 4> unique;
    for (const Edge& edge : node_sites[i].edges) {
      if (!edge.to.valid() || edge.to.index >= model.nodes.size()) continue;
      if (edge.data) {
        node_read[edge.to.index] = true;
        const model::Node& target = model.node(edge.to);
        if (target.kind == model::NodeKind::Task && target.table.empty() &&
            node_sites[edge.to.index].run.valid() && !broken(target.range)) {
          Diagnostic& d =
              diags.report(DiagKind::BadSqlReference, edge.range,
                           "`${" + std::string(text_of(edge.range)) + "}` reads the table of task `" +
                               target.name + "`, which writes none");
          // `after` names it as the `${}` did (`ingest.load` from another workflow).
          d.helps.push_back("add `writes = \"schema.table\"` to `" + target.name + "`, or use `after = [" +
                            std::string(text_of(edge.range)) + "]` for order without data");
        }
      }
      check_stage_of_upstream(node, edge);
      auto same = [&](const Edge& e) { return e.to == edge.to; };
      if (std::find_if(unique.begin(), unique.end(), same) == unique.end()) {
        unique.push_back(edge);
        node.deps.push_back(edge.to);
      }
    }
    node_sites[i].edges = std::move(unique);
  }
}

void Checker::check_stage_of_upstream(const model::Node& node, const Edge& edge) {
  const model::Node& upstream = model.node(edge.to);
  const model::Workflow& wf = model.workflow(node.workflow);
  const model::Workflow& upstream_wf = model.workflow(upstream.workflow);
  if (wf.stage != model::Stage::Production || upstream.kind != model::NodeKind::Task ||
      upstream_wf.stage == model::Stage::Production || broken(upstream.range))
    return;
  const std::string label = node_label(edge.to, true);
  const std::string stage(model::stage_name(upstream_wf.stage));
  const std::string written = upstream_wf.stage == model::Stage::Mirror
                                  ? "writes the mirror schema, never `" + node_table(upstream) + "`"
                                  : "runs only outside production";
  Diagnostic& d =
      diags.report(DiagKind::BadSqlReference, edge.range,
                   fmt::format("production workflow `{}` {} task `{}`, whose workflow is in stage {}: it {}",
                               wf.name, edge.data ? "reads" : "waits for", label, stage, written));
  d.helps.push_back(fmt::format(
      "move `{}` to production first; until then, read the table its legacy job writes as a `source` with a "
      "`ready` condition",
      upstream_wf.name));
}

void Checker::check_cycles() {
  enum : uint8_t { White, Gray, Black };
  size_t n = model.nodes.size();
  std::vector<uint8_t> color(n, White);
  std::vector<uint32_t> position(n, 0);  // index on the DFS stack while gray
  std::vector<bool> in_reported(n, false);
  std::vector<std::pair<uint32_t, uint32_t>> stack;  // node, next edge
  for (uint32_t root = 0; root < n; ++root) {
    if (color[root] != White) continue;
    stack.push_back({root, 0});
    color[root] = Gray;
    position[root] = 0;
    while (!stack.empty()) {
      auto [node, next] = stack.back();
      const auto& edges = node_sites[node].edges;
      if (next == edges.size()) {
        color[node] = Black;
        stack.pop_back();
        continue;
      }
      ++stack.back().second;
      uint32_t to = edges[next].to.index;
      if (color[to] == White) {
        color[to] = Gray;
        position[to] = static_cast<uint32_t>(stack.size());
        stack.push_back({to, 0});
        continue;
      }
      if (color[to] != Gray) continue;
      // A back edge: the cycle is the stack from `to` to the top.
      std::vector<uint32_t> cycle;
      std::vector<const Edge*> cycle_edges;
      for (size_t k = position[to]; k < stack.size(); ++k) {
        cycle.push_back(stack[k].first);
        cycle_edges.push_back(&node_sites[stack[k].first].edges[stack[k].second - 1]);
      }
      if (std::all_of(cycle.begin(), cycle.end(), [&](uint32_t c) { return in_reported[c]; })) continue;
      size_t first = static_cast<size_t>(std::min_element(cycle.begin(), cycle.end()) - cycle.begin());
      std::rotate(cycle.begin(), cycle.begin() + first, cycle.end());
      std::rotate(cycle_edges.begin(), cycle_edges.begin() + first, cycle_edges.end());
      bool qualified = std::any_of(cycle.begin(), cycle.end(), [&](uint32_t c) {
        return !(model.nodes[c].workflow == model.nodes[cycle[0]].workflow);
      });
      std::string path;
      for (uint32_t c : cycle) path += node_label(TaskId{c}, qualified) + " -> ";
      path += node_label(TaskId{cycle[0]}, qualified);
      Diagnostic& d =
          diags.report(DiagKind::DependencyCycle, model.symbol(model.nodes[cycle[0]].symbol).name_range,
                       "dependency cycle: `" + path + "`");
      for (size_t k = 0; k < cycle.size(); ++k) {
        const Edge& edge = *cycle_edges[k];
        std::string from = node_label(TaskId{cycle[k]}, qualified);
        std::string dep = node_label(edge.to, qualified);
        d.notes.push_back({edge.range, edge.data ? "`" + from + "` reads `" + dep + "` here"
                                                 : "`" + from + "` runs after `" + dep + "` here"});
        in_reported[cycle[k]] = true;
      }
      d.helps.push_back("a task cannot depend on its own output: remove one of these dependencies");
    }
  }
}

void Checker::check_writers() {
  llvm::StringMap<uint32_t> writers;
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    const model::Node& node = model.nodes[i];
    if (node.kind != model::NodeKind::Task || node.table.empty()) continue;
    auto [it, inserted] = writers.try_emplace(table_key(node), i);
    if (inserted) continue;
    const model::Node& first = model.nodes[it->second];
    bool qualified = !(first.workflow == node.workflow);
    Diagnostic& d = diags.report(DiagKind::DuplicateWriter, node.table_range,
                                 "`" + node.table + "` is already written by task `" +
                                     node_label(TaskId{it->second}, qualified) + "`");
    d.notes.push_back(
        {first.table_range, "`" + node_label(TaskId{it->second}, qualified) + "` writes it here"});
    d.helps.push_back("a table has one writer: read `${" + node_label(TaskId{it->second}, qualified) +
                      "}` instead, or write another table");
  }
  // A `mode = none` task writing, by its SQL, a table another task writes.
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    const model::Node& node = model.nodes[i];
    const model::Workflow& wf = model.workflow(node.workflow);
    for (const SqlWrite& write : none_writes[i]) {
      const std::string key = write.node.valid() ? table_key(model.node(write.node))
                                                 : std::to_string(wf.target.index) + ":" + write.qualified;
      auto it = writers.find(key);
      if (it == writers.end() || it->second == i) continue;
      const model::Node& first = model.nodes[it->second];
      bool qualified = !(first.workflow == node.workflow);
      std::string label = node_label(TaskId{it->second}, qualified);
      Diagnostic& d = diags.report(DiagKind::DuplicateWriter, write.range,
                                   "task `" + node.name + "` writes `" +
                                       (write.table.empty() ? first.table : write.table) + "` (`" +
                                       write.verb + "`), which task `" + label + "` writes");
      d.notes.push_back({first.table_range, "`" + label + "` writes it here"});
      d.helps.push_back("a table has one writer: make this change part of `" + label +
                        "`'s query, or write another table");
    }
  }
}

}  // namespace flowc::check
