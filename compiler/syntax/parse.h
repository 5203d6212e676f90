// The only entry point to the grammar: text in, syntax tree out. Never throws;
// every syntax error is reported to the engine and parsing resumes at the next
// attribute, block or declaration.
#pragma once

#include <string_view>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/source/source.h"
#include "compiler/syntax/tree.h"

namespace flowc::syntax {

/// Parses one buffer. The tree refers into `buffer`, which must outlive it.
SyntaxTree parse(const SourceBuffer& buffer, FileId file, DiagnosticEngine& diagnostics);

/// True when `word` is a keyword of the language (language.md §2), which no
/// declaration can be named: `task`, `legacy`, `true`, ...
bool is_keyword(std::string_view word);

}  // namespace flowc::syntax
