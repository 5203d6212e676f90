// Names of the plan's smaller enums, shared by the JSON form and the human
// rendering of `flowc plan` (plan.h names the main ones).
#pragma once

#include <optional>
#include <string_view>

#include "compiler/plan/plan.h"

namespace flowc::plan {

/// "int", "float", "percent", "duration", "date", "time", "bool", "text", "any".
std::string_view to_string(ValueKind kind);
/// The operator as written in `.flow`: "==", "!=", "<", "<=", ">", ">=".
std::string_view to_string(CompareOp op);
/// "compare", "in_range", "in_list", "change", "and", "or", "not", "const".
std::string_view to_string(Condition::Kind kind);
/// "webhook", "command", "jsonl", "stderr".
std::string_view to_string(Channel::Kind kind);

/// The inverse of the to_string functions; std::nullopt for an unknown name.
std::optional<ValueKind> value_kind_from(std::string_view name);
std::optional<CompareOp> compare_op_from(std::string_view name);
std::optional<Condition::Kind> condition_kind_from(std::string_view name);
std::optional<Channel::Kind> channel_kind_from(std::string_view name);
std::optional<WriteMode> write_mode_from(std::string_view name);
std::optional<Severity> severity_from(std::string_view name);
std::optional<Stage> stage_from(std::string_view name);
std::optional<TaskKind> task_kind_from(std::string_view name);

/// Seconds as a `.flow` duration literal: 5400 -> "1h30m", 0 -> "0s".
std::string duration_text(int64_t seconds);
/// Seconds since midnight as a `.flow` time of day: 34200 -> "09:30",
/// 38675 -> "10:44:35" (seconds only when there are some).
std::string time_of_day_text(int64_t seconds);

}  // namespace flowc::plan
