// Expectations and readiness conditions: evaluating plan::Condition trees
// over the one metric row a MetricQuery returns. Pure functions, no
// database: the SQL side (fetching the row) lives in sql_session.h.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/plan/plan.h"
#include "runtime/attempt/attempt.h"

namespace flowc::runtime {

/// The row of a MetricQuery: value i is metric i as text, nullopt = NULL.
using MetricRow = std::vector<std::optional<std::string>>;

/// SQL's three-valued logic: a comparison with a NULL metric is Unknown, and
/// a check passes only when its condition is True.
enum class Truth : uint8_t { False, True, Unknown };

/// The value a metric had for a check in the previous successful run, for
/// `change`; nullopt (or an empty function) = no history.
/// As recorded (text): read in the metric's units as the value now is.
using PreviousValue =
    std::function<std::optional<std::string>(std::string_view check, std::string_view metric)>;

/// Compares a fetched metric value with a literal: negative, zero or
/// positive like strcmp, or nullopt when the two cannot be compared (a value
/// that does not parse as the kind). Numbers (int, float, percent, duration)
/// compare numerically, dates and times as dates and times, bools as bools,
/// everything else as text. The metric's kind decides; `Any` takes the
/// literal's kind.
std::optional<int> compare_value(std::string_view value, plan::ValueKind metric_kind, const plan::Literal& literal);

/// Evaluates condition `root` of `conditions` over `row`. `check` names the
/// check for `change` look-ups. Never throws: an index out of range or a
/// value that does not parse evaluates to Unknown.
Truth evaluate_condition(const std::vector<plan::Condition>& conditions, uint32_t root,
                         const std::vector<plan::Metric>& metrics, const MetricRow& row,
                         std::string_view check, const PreviousValue& previous);

/// Evaluates every check: one ExpectationResult per check, carrying the
/// value of the first metric its condition compares. passed = True.
std::vector<ExpectationResult> evaluate_checks(const std::vector<plan::Check>& checks,
                                               const std::vector<plan::Condition>& conditions,
                                               const std::vector<plan::Metric>& metrics, const MetricRow& row,
                                               const PreviousValue& previous);

/// The metrics condition tree `root` reads (indexes into the query's
/// metrics), each once, in the order first read.
std::vector<uint32_t> metrics_read(const std::vector<plan::Condition>& conditions, uint32_t root);

/// Every metric a condition tree reads, as `label = value` joined by ", "
/// (`NULL` for NULL), for messages: `duplicate_count(order_id) = 3`.
std::string describe_values(const std::vector<plan::Condition>& conditions, uint32_t root,
                            const std::vector<plan::Metric>& metrics, const MetricRow& row);

}  // namespace flowc::runtime
