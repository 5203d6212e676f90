// impact_of(): one task's Impact, read from the plan's ImpactGraph on demand.
// Indexes are checked, not trusted: a plan may come from a stored JSON text.
#include <string_view>
#include <unordered_set>

#include "compiler/plan/plan.h"

namespace flowc::plan {

namespace {

/// Appends each value to a list once, in first-seen order. A lookup in the
/// list itself would make a long chain's impact cost O(n²).
class AppendOnce {
 public:
  explicit AppendOnce(std::vector<std::string>& out) : out_(out) {}
  /// `value` must outlive this object (the graph's strings do).
  void operator()(std::string_view value) {
    if (seen_.insert(value).second) out_.emplace_back(value);
  }

 private:
  std::vector<std::string>& out_;
  std::unordered_set<std::string_view> seen_;
};

/// reached[i]: node i is reachable from `start` through `dependents` (the
/// start itself only through a cycle, which a checked project never has).
std::vector<bool> reachable(const std::vector<ImpactNode>& nodes, uint32_t start) {
  std::vector<bool> reached(nodes.size(), false);
  std::vector<uint32_t> stack{start};
  while (!stack.empty()) {
    uint32_t at = stack.back();
    stack.pop_back();
    for (uint32_t next : nodes[at].dependents) {
      if (next >= nodes.size() || reached[next]) continue;
      reached[next] = true;
      stack.push_back(next);
    }
  }
  return reached;
}

}  // namespace

Impact impact_of(const Plan& plan, uint32_t task) {
  const std::vector<ImpactNode>& nodes = plan.impact_graph.nodes;
  const std::vector<std::vector<std::string>>& consumers = plan.impact_graph.legacy_job_consumers;
  Impact impact;
  if (task >= nodes.size()) return impact;

  std::vector<bool> reached = reachable(nodes, task);
  std::vector<bool> legacy_reached(consumers.size(), false);
  AppendOnce add_table(impact.tables), add_published(impact.published), add_consumer(impact.legacy_consumers);
  auto add_output = [&](const ImpactNode& node) {
    if (node.table.empty()) return;
    add_table(node.table);
    if (node.published) add_published(node.table);
    for (uint32_t job : node.legacy) {
      if (job < legacy_reached.size()) legacy_reached[job] = true;
    }
  };
  // The failed task's own output is stale too.
  add_output(nodes[task]);
  // Ascending node order is the order the Impact lists: this workflow's
  // tasks in run order, then other workflows' in declaration order.
  for (uint32_t i = 0; i < nodes.size(); ++i) {
    if (!reached[i]) continue;
    impact.tasks.push_back(nodes[i].name);
    add_output(nodes[i]);
  }
  // Whoever consumes a legacy job's tables consumes them whether the legacy
  // job or a workflow writes them now.
  for (uint32_t job = 0; job < consumers.size(); ++job) {
    if (!legacy_reached[job]) continue;
    for (const std::string& consumer : consumers[job]) add_consumer(consumer);
  }
  return impact;
}

}  // namespace flowc::plan
