// The parser entry point: the only translation unit that includes the PEGTL
// grammar (grammar/flow_grammar.h), its actions and its control.
#include "compiler/syntax/parse.h"

#include <cstdint>
#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include "compiler/syntax/builder.h"
#include "compiler/syntax/parse_actions.h"
#include "compiler/syntax/parse_control.h"

namespace flowc::syntax {
namespace {

// Reports E0006 at the first NUL byte or invalid UTF-8 sequence, if any.
bool check_encoding(std::string_view text, FileId file, DiagnosticEngine& diagnostics) {
  uint32_t bad = 0;
  bool valid = is_valid_utf8(text, bad);
  size_t nul = text.find('\0');
  if (nul != std::string_view::npos && (valid || nul < bad)) {
    auto at = static_cast<uint32_t>(nul);
    diagnostics.report(DiagKind::InvalidUtf8, {file, at, at + 1},
                       "the file contains a NUL byte: it looks like a binary file, not `.flow` text");
    return false;
  }
  if (!valid) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(text[bad]));
    diagnostics.report(DiagKind::InvalidUtf8, {file, bad, bad + 1},
                       std::string("the file is not valid UTF-8: unexpected byte `") + hex + "`");
    return false;
  }
  return true;
}

}  // namespace

SyntaxTree parse(const SourceBuffer& buffer, FileId file, DiagnosticEngine& diagnostics) {
  SyntaxTree tree;
  tree.file = file;
  std::string_view text = buffer.text();
  if (text.empty() || !check_encoding(text, file, diagnostics)) return tree;
  if (text.size() >= UINT32_MAX) {  // offsets are 32-bit
    diagnostics.report(DiagKind::ExpectedSyntax, {file, 0, 0},
                       "the file is too large to parse (4 GiB or more)");
    return tree;
  }
  try {
    TreeBuilder builder(text, file, diagnostics, tree);
    pegtl::memory_input<pegtl::tracking_mode::lazy, pegtl::eol::lf_crlf> input(text.data(), text.size(),
                                                                               buffer.path());
    pegtl::parse<g::file, Action, Control>(input, builder);
  } catch (const std::exception& e) {
    // Not expected (every error point is caught at its member or declaration);
    // keep whatever was built and say what happened without PEGTL internals.
    diagnostics.report(DiagKind::ExpectedSyntax, {file, 0, 0},
                       std::string("the parser stopped unexpectedly: ") +
                           (dynamic_cast<const std::bad_alloc*>(&e) ? "out of memory" : "internal error"));
  } catch (...) {
    diagnostics.report(DiagKind::ExpectedSyntax, {file, 0, 0},
                       "the parser stopped unexpectedly: internal error");
  }
  return tree;
}

bool is_keyword(std::string_view word) {
  // The grammar's own `keyword` rule, so this list cannot drift from what
  // the parser refuses as a name. Plain rules throw nothing.
  pegtl::memory_input<> input(word.data(), word.size(), "");
  return pegtl::parse<pegtl::seq<g::keyword, pegtl::eof>>(input);
}

}  // namespace flowc::syntax
