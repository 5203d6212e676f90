// The fixed attribute sets of every block kind (language.md §4: each attribute
// has a type and is required or optional with a default), which blocks may
// nest in which, and the enum values resolved by expected type. docs/stdlib.md
// documents exactly these tables.
#pragma once

#include <span>
#include <string_view>

#include "compiler/check/types.h"
#include "compiler/syntax/tree.h"

namespace flowc::check {

/// One attribute of a block kind.
struct AttributeSpec {
  std::string_view name;
  Type type;
  bool required = false;
  std::string_view default_text;  // the default as written in docs ("" when none)
  std::string_view doc;
  /// Computed in SQL at run time (`ready`, `compare`): a param there is bound
  /// as a value; everywhere else the value is fixed when the workflow is checked.
  bool takes_params = false;
};

/// The attributes of `kind`, in documentation order.
std::span<const AttributeSpec> attributes_of(syntax::BlockKind kind);
/// The attribute `name` of `kind`, or nullptr.
const AttributeSpec* find_attribute(syntax::BlockKind kind, std::string_view name);
/// True when a block of kind `inner` may appear directly inside `outer`.
bool may_contain(syntax::BlockKind outer, syntax::BlockKind inner);
/// True for the block kinds allowed at the top level of a file.
bool is_top_level(syntax::BlockKind kind);
/// The block kind that holds `inner` ("workflow" for task), for messages.
std::string_view expected_parent(syntax::BlockKind inner);
/// True when `param` members are allowed in `kind` (workflows).
bool allows_params(syntax::BlockKind kind);
/// True when `expect` members are allowed in `kind` (sources and tasks).
bool allows_expect(syntax::BlockKind kind);

/// One value of an enum-like type.
struct EnumValueSpec {
  TypeKind type;
  std::string_view name;
  int ordinal;
  std::string_view doc;
};

/// Every enum value of every enum-like type.
std::span<const EnumValueSpec> enum_values();
/// The value `name` of enum type `type`, or nullptr.
const EnumValueSpec* find_enum_value(TypeKind type, std::string_view name);
/// The value `name` of any enum type, or nullptr.
const EnumValueSpec* find_any_enum_value(std::string_view name);

}  // namespace flowc::check
