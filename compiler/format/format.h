// The canonical printer: syntax tree in, formatted text out. Idempotent
// (format(parse(format(x))) == format(x)) and keeps every comment.
#pragma once

#include <string>

#include "compiler/source/source.h"
#include "compiler/syntax/tree.h"

namespace flowc::format {

/// The canonical text of `tree`, which was parsed from `buffer`. A tree with
/// syntax errors is not formatted: callers check diagnostics first.
std::string format(const syntax::SyntaxTree& tree, const SourceBuffer& buffer);

}  // namespace flowc::format
