// Internal to compiler/lower: the state of lowering one workflow, shared by
// the files that build the pieces of a Plan. Not a public API.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/lower/lower.h"
#include "compiler/model/model.h"
#include "compiler/plan/plan.h"

namespace flowc::lower {

/// One workflow param with its value for this run.
struct ParamValue {
  std::string name;
  model::TypeKind type = model::TypeKind::String;
  std::string sql_type;  // the cast written after `$n::`
  std::string value;     // as bound to SQL
  std::string text;      // as interpolated into command arguments and labels
};

/// Read-only facts about the run being lowered.
struct Context {
  const model::Model& model;
  model::WorkflowId workflow_id;
  const model::Workflow& workflow;
  const LowerOptions& options;
  const SourceManager& sources;
  bool mirror = false;                   // the workflow is in stage `mirror`
  std::vector<ParamValue> params;        // the workflow's params, in declaration order
  int64_t external_wait_seconds = 3600;  // bound of a wait on another workflow's task
  int64_t external_poll_seconds = 60;
  std::vector<std::vector<model::TaskId>> dependents;  // by node index, across the project

  /// The param named `name`, or nullptr.
  [[nodiscard]] const ParamValue* param(std::string_view name) const;
  /// The table node `id` writes (a task) or reads (a source) in this run: the
  /// environment suffix for task outputs, `__mirror` for this workflow's own
  /// outputs in a mirror run; sources keep their production schema.
  [[nodiscard]] plan::TableName physical(model::TaskId id) const;
  /// The table as written in `.flow`, with the target's schema when unqualified.
  [[nodiscard]] plan::TableName production(model::TaskId id) const;
  /// A range as file (relative to options.root when set), line and column.
  [[nodiscard]] plan::Origin origin(SourceRange range) const;
  /// The source text of a range ("" when unknown).
  [[nodiscard]] std::string text(SourceRange range) const;
};

/// Splits "schema.name"; an unqualified name goes to `default_schema`.
plan::TableName split_table(const std::string& table, const std::string& default_schema);

/// Days since 1970-01-01 as YYYY-MM-DD.
std::string date_text(int64_t days);
/// `07:00:00` for seconds since midnight: how a time of day reaches SQL.
std::string time_text(int64_t seconds);

/// Accumulates one statement's bound parameters: a param used twice is the
/// same `$n`.
class ParamBinder {
 public:
  explicit ParamBinder(const Context& context) : context_(context) {}
  /// `$n::type` for the param named `name` (bound on first use).
  std::string placeholder(const std::string& name);
  [[nodiscard]] const std::vector<plan::BoundParam>& params() const { return params_; }

 private:
  const Context& context_;
  std::vector<plan::BoundParam> params_;
};

/// The SQL text of a template: tables quoted, params as placeholders of
/// `binder`, `${self}` as `self` (the task's output, or its staging table).
std::string resolve_sql(const Context& context, const model::SqlTemplate& sql, ParamBinder& binder,
                        const plan::TableName& self);

/// A command argument: params as text, tables dotted (language.md §7.2).
std::string resolve_argument(const Context& context, const model::SqlTemplate& arg,
                             const plan::TableName& self);

/// The columns that restrict metrics and parity to what this run wrote: the
/// partition column, or the merge key's columns named after a param
/// (language.md §10.2, §14). Empty: the whole table.
std::vector<std::string> partition_columns(const Context& context, const model::WriteMode& mode);

/// The plan task of node `id`; `plan_index[n]` is the position in the plan
/// of node n of this workflow (UINT32_MAX for other workflows' nodes).
plan::Task lower_task(const Context& context, model::TaskId id, const std::vector<uint32_t>& plan_index);

/// The plan's ImpactGraph: `order` (this workflow's nodes in run order) and
/// every node of another workflow they reach, by downstream_of()'s rule
/// (impact.h), one step per node.
plan::ImpactGraph lower_impact_graph(const Context& context, const std::vector<model::TaskId>& order);

/// The mirror-parity comparison of node `id`'s output with the table of the
/// replaced legacy job, when this is a mirror run and the legacy job writes it.
std::optional<plan::Parity> lower_parity(const Context& context, model::TaskId id);

}  // namespace flowc::lower
