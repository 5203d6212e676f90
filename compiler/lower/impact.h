// What lies downstream of a node of the project: the pieces of impact that a
// plan's impact graph (lower_impact_graph) and `flowc impact` share, so the two
// answer "what does this break" with the same graph and the same table names.
// Pure functions of the checked model; they never throw.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
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

/// The project's tables as legacy jobs and sources read and write them,
/// keyed as model::table_key: the half of the impact rule that goes through
/// tables rather than dependency edges.
class TableReaders {
 public:
  explicit TableReaders(const model::Model& model);

  /// Widens `tables` (keys) in place through legacy jobs: an enabled job
  /// that reads one of them makes the tables it writes stale too, and so on.
  /// Sets legacies[j] (one entry per legacy job) for every job that reads
  /// or writes one of them: its consumers are affected.
  void widen(std::vector<std::string>& tables, std::vector<bool>& legacies) const;
  /// The sources reading the table `key`, in node order.
  [[nodiscard]] const std::vector<model::TaskId>& sources_reading(const std::string& key) const;

 private:
  std::vector<std::vector<std::string>> reads_, writes_;  // by legacy job: keys
  std::vector<bool> enabled_;                             // by legacy job
  std::unordered_map<std::string, std::vector<model::TaskId>> sources_;
};

/// What a set of failures or a subject reaches: nodes (by index), table
/// keys in order of first appearance, legacy jobs (by index).
struct Downstream {
  std::vector<bool> nodes;
  std::vector<std::string> tables;
  std::vector<bool> legacies;
};

/// The one rule of "what does this make stale", for `flowc impact` and a
/// plan's impact graph: the dependency graph's downstream of `starts`
/// (each task's table with it), widened through tables: a source reading a
/// downstream table is downstream (with everything after it), and so is an
/// enabled legacy job reading one, whose own outputs then are downstream
/// tables (TableReaders::widen). A legacy job reading or writing a
/// downstream table is reached (its consumers read that table). A task of
/// another workflow than the starts' that is in mirror stage is downstream,
/// but not through its table (it writes its mirror table, which nothing
/// reads). `tables`: the starts' own table keys, stale from the start.
Downstream downstream_of(const model::Model& model, const Dependents& dependents, const TableReaders& readers,
                         std::span<const model::TaskId> starts, const std::vector<std::string>& tables);

/// What a run in environment `env` reaches: the tasks that depend on
/// `starts`, directly or not, of the workflows that run in `env` too (their
/// target declares it): they read the environment's tables (`${w.t}` after
/// the environment's mapping). Through tasks only: sources, legacy jobs and
/// consumers read the production tables. In node order; a start only when
/// another start reaches it, as reachable_from().
std::vector<model::TaskId> env_downstream(const model::Model& model, const Dependents& dependents,
                                          std::span<const model::TaskId> starts, const std::string& env);

}  // namespace flowc::lower
