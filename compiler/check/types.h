// The types of language.md §4 as the checker uses them: names, assignability,
// unification of list elements and comparability.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "compiler/model/model.h"

namespace flowc::check {

using model::Type;
using model::TypeKind;

/// A type without an argument ("int", "route", ...).
constexpr Type scalar(TypeKind kind) { return Type{kind, TypeKind::Error}; }
/// list<arg>.
constexpr Type list_of(TypeKind arg) { return Type{TypeKind::List, arg}; }

/// True for the error type (already diagnosed: compatible with everything).
constexpr bool is_error(Type t) { return t.kind == TypeKind::Error; }

/// A type name of the language and its documentation.
struct TypeSpec {
  std::string_view name;  // as written in a param or signature ("retry_policy", "list")
  TypeKind kind;
  std::string_view doc;  // what `flowc doc NAME` prints
};

/// Every type name, in the order of language.md §12.
std::span<const TypeSpec> type_specs();
/// The kind named `name` ("int", "retry_policy", "list"), or nullopt.
std::optional<TypeKind> kind_from_name(std::string_view name);
/// True for list and metric, which take an argument.
bool takes_argument(TypeKind kind);
/// True for the kinds whose values are plain identifiers resolved by the
/// expected type (severity, stage, write_mode, retry_on).
bool is_enum_kind(TypeKind kind);

/// True when a value of type `from` may stand where `to` is expected.
/// Secrets are only assignable to secrets: callers report E0203 for them.
bool assignable(Type from, Type to);
/// The type of a list holding elements of types `a` and `b`, or nullopt when
/// they have nothing in common.
std::optional<Type> unify(Type a, Type b);
/// True when values of the two (non-metric) types may be compared with `<`,
/// `==`, `in` etc.
bool comparable(Type a, Type b);
/// True when the value's type is, or holds, a secret.
bool carries_secret(Type t);
/// True for the types a workflow param may have: one value, bound into SQL
/// or given to a command (or a secret).
bool is_param_value(Type t);

}  // namespace flowc::check
