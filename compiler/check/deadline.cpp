// W0406: a `deadline` that the schedule cannot meet. The run starts at the
// schedule's time of day (the second fire of a schedule that fires more
// than once a day, as W0407 says); in the worst case each task on the longest
// path of the workflow's graph uses its whole timeout. If the start plus that
// path ends after the deadline, the deadline is impossible to rely on.
#include <algorithm>

#include "compiler/check/checker.h"
#include "compiler/cron/cron.h"
#include "compiler/spelling/spelling.h"

namespace flowc::check {
namespace {

constexpr int64_t kDay = 86400;

/// The latest deadline that holds `path` seconds after a start at `start`
/// (seconds since midnight), as written in `.flow`: a deadline at or before
/// the start is the next day's, so one past midnight is written as its time
/// of day. A path of more than a day fits no deadline.
std::string deadline_help(int64_t start, int64_t path) {
  if (path > kDay)
    return "the critical path is longer than a day, and a deadline is at most a day after the start: "
           "shorten the timeouts on it";
  const int64_t end = start + path;
  return "move the deadline to " + spelling::time_of_day_text(end % kDay) +
         (end >= kDay ? " (a deadline at or before the start is the next day's)" : "") +
         " or later, or shorten the timeouts on the critical path";
}

}  // namespace

void Checker::check_deadlines() {
  std::vector<int64_t> longest(model.nodes.size(), 0);
  std::vector<int32_t> via(model.nodes.size(), -1);  // the dependency on the longest path
  std::vector<uint32_t> pending(model.nodes.size(), 0);
  for (uint32_t w = 0; w < model.workflows.size(); ++w) {
    const model::Workflow& wf = model.workflows[w];
    if (wf.schedule.empty() || !wf.deadline_seconds || !workflow_sites[w].deadline.valid()) continue;
    cron::CronError error;
    std::optional<cron::CronSpec> spec = cron::parse(wf.schedule, error);
    std::optional<int64_t> first = spec ? daily_run_start(*spec) : std::nullopt;
    if (!first) continue;
    const int64_t start = *first;
    // Longest path by timeouts over the workflow's own nodes (Kahn's order;
    // a workflow with a cycle was reported as E0301 and is skipped).
    std::vector<uint32_t> order;
    for (TaskId id : wf.nodes) pending[id.index] = 0;
    for (TaskId id : wf.nodes) {
      for (const Edge& e : node_sites[id.index].edges) {
        if (model.node(e.to).workflow == WorkflowId{w}) ++pending[id.index];
      }
    }
    // Dependents within the workflow, to release them in order.
    llvm::DenseMap<uint32_t, llvm::SmallVector<uint32_t, 2>> dependents;
    for (TaskId id : wf.nodes) {
      for (const Edge& e : node_sites[id.index].edges) {
        if (model.node(e.to).workflow == WorkflowId{w}) dependents[e.to.index].push_back(id.index);
      }
      if (pending[id.index] == 0) order.push_back(id.index);
    }
    for (size_t k = 0; k < order.size(); ++k) {
      uint32_t n = order[k];
      longest[n] = model.nodes[n].timeout_seconds;
      via[n] = -1;
      for (const Edge& e : node_sites[n].edges) {
        if (!(model.node(e.to).workflow == WorkflowId{w})) continue;
        if (longest[e.to.index] + model.nodes[n].timeout_seconds > longest[n]) {
          longest[n] = longest[e.to.index] + model.nodes[n].timeout_seconds;
          via[n] = static_cast<int32_t>(e.to.index);
        }
      }
      for (uint32_t d : dependents[n]) {
        if (--pending[d] == 0) order.push_back(d);
      }
    }
    if (order.size() != wf.nodes.size() || order.empty()) continue;
    uint32_t last = *std::max_element(order.begin(), order.end(),
                                      [&](uint32_t a, uint32_t b) { return longest[a] < longest[b]; });
    int64_t deadline = *wf.deadline_seconds;
    if (deadline <= start) deadline += kDay;
    if (start + longest[last] <= deadline) continue;
    std::vector<uint32_t> path;
    for (int32_t n = static_cast<int32_t>(last); n >= 0; n = via[n]) path.push_back(static_cast<uint32_t>(n));
    std::reverse(path.begin(), path.end());
    std::string chain;
    for (uint32_t n : path) {
      if (model.nodes[n].kind == model::NodeKind::Source) continue;
      chain += (chain.empty() ? "" : " -> ") + model.nodes[n].name + " (" +
               spelling::duration_text(model.nodes[n].timeout_seconds) + ")";
    }
    Diagnostic& d =
        diags.report(DiagKind::ImpossibleDeadline, workflow_sites[w].deadline,
                     "deadline " + spelling::time_of_day_text(*wf.deadline_seconds) +
                         " cannot be met: the run starts at " + spelling::time_of_day_text(start) +
                         " and its critical path may take " + spelling::duration_text(longest[last]));
    d.notes.push_back({SourceRange{}, "critical path: " + chain});
    d.helps.push_back(deadline_help(start, longest[last]));
  }
}

}  // namespace flowc::check
