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

}  // namespace flowc::plan
