// What the compiler knows about the standard library's `extern fn`s beyond
// their declared signatures: parameter defaults (the grammar has none) and
// the extra checks of builtins.cpp.
#pragma once

#include <cstdint>
#include <string_view>

#include "compiler/check/types.h"

namespace flowc::check {

/// The default value of one parameter of an extern fn.
struct BuiltinDefault {
  enum class Kind : uint8_t { String, Enum, Int, Duration, Call, EmptyList };
  std::string_view fn;
  std::string_view param;
  Kind kind;
  std::string_view text;   // as shown in signatures: "\"UTC\"", "high", "3", "30s", "exponential()", "[]"
  std::string_view value;  // String: the text; Enum: the value name; Call: the fn name
  int64_t number = 0;      // Int: the value; Duration: seconds
};

/// The default of parameter `param` of extern fn `fn`, or nullptr when it is required.
const BuiltinDefault* find_builtin_default(std::string_view fn, std::string_view param);

}  // namespace flowc::check
