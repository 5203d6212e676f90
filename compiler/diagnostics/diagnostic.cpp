#include "compiler/diagnostics/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace flowc {

const std::vector<DiagKindInfo>& all_kinds() {
  static const std::vector<DiagKindInfo> kinds = {
#define DIAG(id, code, severity, summary) {DiagKind::id, code, #id, Severity::severity, summary},
#include "compiler/diagnostics/kinds.def"
#undef DIAG
  };
  return kinds;
}

const DiagKindInfo& info(DiagKind kind) { return all_kinds()[static_cast<size_t>(kind)]; }

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

Diagnostic& DiagnosticEngine::report(DiagKind kind, SourceRange range, std::string message) {
  Diagnostic& d = diagnostics_.emplace_back();
  d.kind = kind;
  d.severity = info(kind).severity;
  d.range = range;
  d.message = std::move(message);
  return d;
}

size_t DiagnosticEngine::error_count() const {
  return static_cast<size_t>(std::count_if(diagnostics_.begin(), diagnostics_.end(),
                                           [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

size_t DiagnosticEngine::warning_count() const {
  return static_cast<size_t>(std::count_if(diagnostics_.begin(), diagnostics_.end(),
                                           [](const Diagnostic& d) { return d.severity == Severity::Warning; }));
}

void DiagnosticEngine::sort() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tuple(a.range.file.index, a.range.begin, static_cast<int>(a.kind)) <
           std::tuple(b.range.file.index, b.range.begin, static_cast<int>(b.kind));
  });
}

size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: insertions, deletions, substitutions and
  // transpositions of adjacent characters each cost 1 ("chekc" -> "check" is 1).
  std::vector<size_t> before_previous(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before_previous[j - 2] + 1);
      }
    }
    std::swap(before_previous, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string_view closest_name(std::string_view name, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  size_t best_distance = SIZE_MAX;
  for (std::string_view candidate : candidates) {
    if (candidate == name) continue;
    size_t d = edit_distance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  // A typo changes at most a third of the name (and at least one character).
  size_t limit = std::max<size_t>(1, name.size() / 3);
  return best_distance <= limit ? best : std::string_view{};
}

std::string_view article(std::string_view word) {
  bool vowel = !word.empty() && std::string_view("aeiouAEIOU").find(word.front()) != std::string_view::npos;
  return vowel ? "an" : "a";
}

}  // namespace flowc
