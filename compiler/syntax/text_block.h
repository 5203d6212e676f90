// The text-block rule: how `"""..."""` content becomes the string's text.
#pragma once

#include <vector>

#include "compiler/syntax/tree.h"

namespace flowc::syntax {

/// Rewrites the literal parts of a text block in place. Input: the parts as
/// written (literal text raw, CRLF already turned into LF; interpolations
/// untouched). The rule:
///  1. If only spaces/tabs follow the opening `"""` on its line, that line and
///     its line break are dropped: the text starts on the next line.
///  2. If only spaces/tabs precede the closing `"""` on its line, that line and
///     the line break before it are dropped: the text has no trailing newline.
///  3. The common indentation is the longest run of spaces/tabs (compared
///     byte for byte) that begins every remaining line holding something other
///     than whitespace (a `${...}` counts as something); a first line that
///     shares the line of the opening quotes is neither considered nor changed.
///     It is removed from every such line; whitespace-only lines become empty.
/// Empty literal parts are left for the caller to drop.
void dedent_text_block(std::vector<StringPart>& parts);

}  // namespace flowc::syntax
