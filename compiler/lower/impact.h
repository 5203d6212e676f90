// What lies downstream of a node of the project: the pieces of impact that a
// plan's impact graph (lower_impact_graph) and `flowc impact` share, so the two
// answer "what does this break" with the same graph and the same table names.
// Pure functions of the checked model; they never throw.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/model/model.h"

namespace flowc::lower {

/// By node index: the nodes whose `deps` include that node, across every
/// workflow of the project (cross-workflow `${wf.task}` and `after` edges
/// included), each list in node order.
using Dependents = std::vector<std::vector<model::TaskId>>;

/// The reversed dependency edges of `model`.
Dependents node_dependents(const model::Model& model);

/// Every node reachable from `starts` through `dependents`, each once, in
/// node order. A start is in the result only when another start reaches it.
std::vector<model::TaskId> reachable_from(const Dependents& dependents,
                                          std::span<const model::TaskId> starts);

/// The key of the table node `id` writes (a task) or reads (a source), as
/// written in `.flow`, unqualified names in its workflow's target schema;
/// "" when it has none (a command task without `writes`).
std::string node_table_key(const model::Model& model, model::TaskId id);

/// The key of a table named in a legacy job's `reads` or `writes`:
/// unqualified names are in the default target's schema (language.md §5.3).
std::string legacy_table_key(const model::Model& model, std::string_view table);

/// Whether any table of `tables` (legacy `reads`/`writes` as written) has
/// one of `keys` (model::table_key form).
bool mentions_any(const model::Model& model, const std::vector<std::string>& tables,
                  const std::vector<std::string>& keys);

}  // namespace flowc::lower
