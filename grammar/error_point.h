// One entry of the error-message table (grammar/errors.h). Kept free of PEGTL
// so the tree builder can format diagnostics without including the grammar.
#pragma once

#include <cstdint>

#include "compiler/diagnostics/diagnostic.h"

namespace flowc::grammar {

/// How the reporter refines an error point by what it finds at the spot.
enum class ErrorFlavor : uint8_t {
  Plain,          // report `message` as is (an invalid character becomes E0001)
  Start,          // the start of a declaration or member: a stray closer is E0009
  Close,          // a missing closing bracket: E0007 with `unclosed` and a note at
                  // the opener when the file ends, a `}` follows or the next
                  // token starts a new line; otherwise E0002 with `message`
  Unterminated,   // an unclosed string or text block (E0003), ranged from its quote
  Interpolation,  // inside `${...}` (E0008); a `}` right away means it is empty
  AttributeEq,    // after an attribute's name: a name that is a keyword misspelt
                  // (`tsk out {`, `expct x`) gets the keyword as a fix-it
  Name,           // where a name is declared: a keyword there (`task source {`)
                  // is named as one, with a help
};

/// What to say when a `must<>` fails. Placeholders filled by the reporter:
/// `{name}` the name being declared or used, `{kw}` the block keyword,
/// `{fn}` the function, `{op}` the last comparison operator, `{open}` the
/// context recorded with the innermost open bracket (e.g. the callee).
struct ErrorPoint {
  DiagKind kind = DiagKind::ExpectedSyntax;
  ErrorFlavor flavor = ErrorFlavor::Plain;
  const char* message = nullptr;
  const char* unclosed = nullptr;  // Close flavor: the E0007 wording
};

}  // namespace flowc::grammar
