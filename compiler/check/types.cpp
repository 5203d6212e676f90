#include "compiler/check/types.h"

#include <array>
#include <utility>

namespace flowc::check {

namespace {

constexpr std::array<std::pair<std::string_view, TypeKind>, 33> kTypeNames = {{
    {"bool", TypeKind::Bool},
    {"int", TypeKind::Int},
    {"float", TypeKind::Float},
    {"percent", TypeKind::Percent},
    {"duration", TypeKind::Duration},
    {"date", TypeKind::Date},
    {"time", TypeKind::Time},
    {"timestamp", TypeKind::Timestamp},
    {"string", TypeKind::String},
    {"column", TypeKind::Column},
    {"table", TypeKind::Table},
    {"sql", TypeKind::Sql},
    {"cron", TypeKind::Cron},
    {"secret", TypeKind::Secret},
    {"severity", TypeKind::Severity},
    {"list", TypeKind::List},
    {"metric", TypeKind::Metric},
    {"expectation", TypeKind::Expectation},
    {"task", TypeKind::Task},
    {"source", TypeKind::Source},
    {"route", TypeKind::Route},
    {"target", TypeKind::Target},
    {"legacy", TypeKind::Legacy},
    {"retry_policy", TypeKind::RetryPolicy},
    {"write_mode", TypeKind::WriteMode},
    {"command", TypeKind::Command},
    {"alert", TypeKind::Alert},
    {"stage", TypeKind::Stage},
    {"channel", TypeKind::Channel},
    {"backoff", TypeKind::Backoff},
    {"any", TypeKind::Any},
    {"retry_on", TypeKind::RetryOn},
    {"workflow", TypeKind::Workflow},
}};

// Assignability between argument-less kinds.
bool kind_assignable(TypeKind from, TypeKind to) {
  if (from == to || from == TypeKind::Error || to == TypeKind::Error) return true;
  if (from == TypeKind::Secret) return false;
  if (to == TypeKind::Any) return true;
  switch (to) {
    case TypeKind::Float: return from == TypeKind::Int;
    // A plain string may stand where a secret is allowed (a webhook url
    // without credentials); the reverse is E0203.
    case TypeKind::Secret: return from == TypeKind::String;
    case TypeKind::Sql: return from == TypeKind::String;
    // `command([...])` is both a task's `run` and an alert channel.
    case TypeKind::Channel: return from == TypeKind::Command;
    case TypeKind::Task: return from == TypeKind::Source;
    case TypeKind::Table: return from == TypeKind::Task || from == TypeKind::Source;
    default: return false;
  }
}

}  // namespace

std::optional<TypeKind> kind_from_name(std::string_view name) {
  for (const auto& [text, kind] : kTypeNames) {
    if (text == name) return kind;
  }
  return std::nullopt;
}

bool takes_argument(TypeKind kind) { return kind == TypeKind::List || kind == TypeKind::Metric; }

bool is_enum_kind(TypeKind kind) {
  return kind == TypeKind::Severity || kind == TypeKind::Stage || kind == TypeKind::WriteMode ||
         kind == TypeKind::RetryOn;
}

bool assignable(Type from, Type to) {
  if (is_error(from) || is_error(to)) return true;
  if (takes_argument(from.kind) || takes_argument(to.kind)) {
    if (to.kind == TypeKind::Any) return !carries_secret(from);
    if (from.kind != to.kind) return false;
    return kind_assignable(from.arg, to.arg);
  }
  return kind_assignable(from.kind, to.kind);
}

std::optional<Type> unify(Type a, Type b) {
  if (is_error(a)) return b;
  if (is_error(b)) return a;
  if (assignable(a, b)) return b;
  if (assignable(b, a)) return a;
  if (a.kind == b.kind && takes_argument(a.kind)) return Type{a.kind, TypeKind::Any};
  return std::nullopt;
}

bool comparable(Type a, Type b) {
  if (is_error(a) || is_error(b)) return true;
  if (a.kind == TypeKind::Any || b.kind == TypeKind::Any) return true;
  if (a.kind == b.kind) return !takes_argument(a.kind) || a.arg == b.arg;
  auto numeric = [](TypeKind k) { return k == TypeKind::Int || k == TypeKind::Float; };
  return numeric(a.kind) && numeric(b.kind);
}

bool is_param_value(Type t) {
  switch (t.kind) {
    case TypeKind::Error: case TypeKind::Bool: case TypeKind::Int: case TypeKind::Float: case TypeKind::Percent:
    case TypeKind::Duration: case TypeKind::Date: case TypeKind::Time: case TypeKind::Timestamp:
    case TypeKind::String: case TypeKind::Secret:
      return true;
    default:
      return false;
  }
}

bool carries_secret(Type t) {
  return t.kind == TypeKind::Secret || (takes_argument(t.kind) && t.arg == TypeKind::Secret);
}

}  // namespace flowc::check
