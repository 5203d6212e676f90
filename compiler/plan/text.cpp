#include "compiler/plan/text.h"

#include <fmt/format.h>

#include <array>
#include <string>
#include <utility>

namespace flowc::plan {

namespace {

// Each table lists every enumerator in declaration order: the enum's value
// is its index, so one table serves both directions.
constexpr std::array kValueKinds{"int",  "float", "percent", "duration", "date",
                                 "time", "bool",  "text",    "any"};
constexpr std::array kCompareOps{"==", "!=", "<", "<=", ">", ">="};
constexpr std::array kConditionKinds{"compare", "in_range", "in_list", "change", "and", "or", "not", "const"};
constexpr std::array kChannelKinds{"webhook", "command", "jsonl", "stderr"};
constexpr std::array kWriteModes{"replace", "overwrite_partition", "merge", "append", "none"};
constexpr std::array kSeverities{"info", "low", "medium", "high", "critical"};
constexpr std::array kStages{"model", "mirror", "production"};
constexpr std::array kTaskKinds{"source", "sql", "command"};

template <typename Enum, size_t N>
std::string_view name_of(const std::array<const char*, N>& names, Enum value) {
  auto index = static_cast<size_t>(value);
  return index < N ? names[index] : "";
}

template <typename Enum, size_t N>
std::optional<Enum> value_of(const std::array<const char*, N>& names, std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (name == names[i]) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(ValueKind kind) { return name_of(kValueKinds, kind); }
std::string_view to_string(CompareOp op) { return name_of(kCompareOps, op); }
std::string_view to_string(Condition::Kind kind) { return name_of(kConditionKinds, kind); }
std::string_view to_string(Channel::Kind kind) { return name_of(kChannelKinds, kind); }

std::optional<ValueKind> value_kind_from(std::string_view name) {
  return value_of<ValueKind>(kValueKinds, name);
}
std::optional<CompareOp> compare_op_from(std::string_view name) {
  return value_of<CompareOp>(kCompareOps, name);
}
std::optional<Condition::Kind> condition_kind_from(std::string_view name) {
  return value_of<Condition::Kind>(kConditionKinds, name);
}
std::optional<Channel::Kind> channel_kind_from(std::string_view name) {
  return value_of<Channel::Kind>(kChannelKinds, name);
}
std::optional<WriteMode> write_mode_from(std::string_view name) {
  return value_of<WriteMode>(kWriteModes, name);
}
std::optional<Severity> severity_from(std::string_view name) { return value_of<Severity>(kSeverities, name); }
std::optional<Stage> stage_from(std::string_view name) { return value_of<Stage>(kStages, name); }
std::optional<TaskKind> task_kind_from(std::string_view name) { return value_of<TaskKind>(kTaskKinds, name); }

}  // namespace flowc::plan
