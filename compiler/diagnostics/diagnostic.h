// Diagnostics are data: a kind from the registry (kinds.def), a primary range,
// a message, notes with their own locations, help lines and fix-its. Every
// renderer (human, json, sarif, github, LSP) consumes the same structure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/source/source.h"

namespace flowc {

enum class Severity : uint8_t { Error, Warning, Note };

/// One entry of kinds.def.
enum class DiagKind : uint16_t {
#define DIAG(id, code, severity, summary) id,
#include "compiler/diagnostics/kinds.def"
#undef DIAG
};

struct DiagKindInfo {
  DiagKind kind;
  std::string_view code;     // "E0101"
  std::string_view id;       // "UnknownName"
  Severity severity;
  std::string_view summary;  // one line, lower-case, no trailing period
};

/// Static information about a kind.
const DiagKindInfo& info(DiagKind kind);
/// Every registered kind, in registry order.
const std::vector<DiagKindInfo>& all_kinds();
/// "error", "warning" or "note".
std::string_view severity_name(Severity severity);

/// A secondary location with its own message ("first defined here").
struct DiagNote {
  SourceRange range;  // may be invalid for a note without location
  std::string message;
};

/// A machine-applicable edit: replace `range` with `replacement`.
struct FixIt {
  SourceRange range;
  std::string replacement;
  std::string title;  // "replace with `orders`"
};

struct Diagnostic {
  DiagKind kind{};
  Severity severity = Severity::Error;
  SourceRange range;
  std::string message;
  std::vector<DiagNote> notes;
  std::vector<std::string> helps;
  std::vector<FixIt> fixits;
  /// Text the source lines of a snippet show as `*`s: a password written in
  /// the file, which the diagnostic about it must not print again (CI logs).
  std::vector<std::string> hidden;

  [[nodiscard]] std::string_view code() const { return info(kind).code; }
};

/// Collects diagnostics from every phase. Not thread-safe; one per compilation.
class DiagnosticEngine {
 public:
  /// Records a diagnostic of `kind` with the kind's default severity and
  /// returns it so the caller can add notes, helps and fix-its.
  Diagnostic& report(DiagKind kind, SourceRange range, std::string message);

  [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  [[nodiscard]] size_t error_count() const;
  [[nodiscard]] size_t warning_count() const;
  /// Sorts by file, then position, then code: the order every renderer prints.
  void sort();
  void clear() { diagnostics_.clear(); }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// Levenshtein distance, for "did you mean" suggestions.
size_t edit_distance(std::string_view a, std::string_view b);
/// The candidate closest to `name` if it is near enough to be a likely typo.
std::string_view closest_name(std::string_view name, const std::vector<std::string_view>& candidates);
/// The indefinite article of a word a message names: "an" before a vowel
/// letter (an `int`, an `environment`), else "a" (a `route`).
std::string_view article(std::string_view word);

}  // namespace flowc
