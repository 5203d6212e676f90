// Internal to compiler/lower: metrics and conditions. Every metric of one
// table (and partition) goes into one MetricQuery, computed in one scan
// (language.md §10.4); `expect` and `ready` terms become Condition trees over
// the query's columns.
#pragma once

#include <string>
#include <vector>

#include "compiler/lower/context.h"

namespace flowc::lower {

/// The SQL of one metric call, and what it is.
struct MetricSql {
  std::string sql;    // an aggregate over the checked table, or a scalar subquery
  std::string label;  // "null_rate(discount)"
  plan::ValueKind kind = plan::ValueKind::Int;
  bool aggregate = true;  // false: a subquery that does not scan the outer table
};

/// True when `term` is a call of a metric (or of `partition_exists`).
bool is_metric_call(const model::Model& model, model::TermId term);

/// The SQL of metric call `call` on `table`; `${self}` in `sql(...)` is
/// `table`, params bind through `binder`.
MetricSql metric_sql(const Context& context, model::TermId call, const plan::TableName& table,
                     ParamBinder& binder);

/// A term as written in `.flow` (canonical spelling): labels and readiness text.
std::string term_text(const Context& context, model::TermId id);

/// Collects the metrics of one table into one MetricQuery.
class MetricBatch {
 public:
  /// `partition_columns` restrict the scan: each is `"col" = $n::type`
  /// with the param of the same name.
  MetricBatch(const Context& context, plan::TableName table,
              const std::vector<std::string>& partition_columns);

  /// Adds the metric of call term `call`; returns its column. The same SQL
  /// expression added twice is computed once.
  uint32_t add(model::TermId call);
  [[nodiscard]] bool empty() const { return entries_.empty(); }
  /// The query: `select m0, m1, ... from table [where partition]`.
  [[nodiscard]] plan::MetricQuery finish() const;

 private:
  /// Metric `index` computed on its own (plan::Metric::alone).
  [[nodiscard]] plan::Statement alone(size_t index) const;

  const Context& context_;
  plan::TableName table_;
  ParamBinder binder_;
  std::vector<std::string> partition_columns_;
  std::vector<MetricSql> entries_;
  std::vector<model::TermId> calls_;  // the call of each entry
};

/// Appends the condition tree of boolean term `id` to `conditions`,
/// adding its metrics to `batch`; returns the root's index.
uint32_t lower_condition(const Context& context, model::TermId id, MetricBatch& batch,
                         std::vector<plan::Condition>& conditions);

}  // namespace flowc::lower
