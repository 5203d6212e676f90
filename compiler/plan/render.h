// Plans for people: the human form of `flowc plan` and the dependency graph
// of `flowc graph` (Graphviz dot and Mermaid). Secrets appear only as the
// names of their variables (`env(NAME)`), because the plan holds nothing else.
#pragma once

#include <ostream>
#include <string>

#include "compiler/plan/plan.h"

namespace flowc::plan {

/// Everything the runtime will do, in order: tasks with deps, write mode and
/// target table, the exact SQL with its `$n` values, the batched expectation
/// queries and checks, readiness probes, retry and timeout, alert routes.
void render_human(const Plan& plan, std::ostream& out);

/// One condition tree as text, metrics named by their labels:
/// `null_rate(discount) < 5%`.
std::string condition_text(const std::vector<Condition>& conditions, uint32_t root,
                           const std::vector<Metric>& metrics);

/// The dependency graph as a Graphviz `digraph`: sources as cylinders, tasks
/// as boxes (published outputs bold), other workflows' tasks dashed.
void render_dot(const Plan& plan, std::ostream& out);

/// The same graph as a Mermaid `flowchart`.
void render_mermaid(const Plan& plan, std::ostream& out);

}  // namespace flowc::plan
