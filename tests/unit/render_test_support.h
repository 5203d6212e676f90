// Helpers shared by the renderer tests: hand-built diagnostics over a
// SourceManager, ranges found by searching the text.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/source/source.h"

namespace flowc::render_test {

/// The range of the `occurrence`-th appearance of `needle` in `file`; fails
/// the test when there is none.
inline SourceRange find(const SourceManager& sources, FileId file, std::string_view needle,
                        int occurrence = 0) {
  std::string_view text = sources.buffer(file).text();
  size_t at = text.find(needle);
  for (int i = 0; i < occurrence && at != std::string_view::npos; ++i) at = text.find(needle, at + 1);
  REQUIRE(at != std::string_view::npos);
  return SourceRange{file, static_cast<uint32_t>(at), static_cast<uint32_t>(at + needle.size())};
}

/// An empty range at `offset`.
inline SourceRange point(FileId file, uint32_t offset) { return SourceRange{file, offset, offset}; }

/// A diagnostic of `kind` with the kind's default severity.
inline Diagnostic make(DiagKind kind, SourceRange range, std::string message) {
  Diagnostic d;
  d.kind = kind;
  d.severity = info(kind).severity;
  d.range = range;
  d.message = std::move(message);
  return d;
}

}  // namespace flowc::render_test
