// The quick check: after an edit to one file of a large project, check that
// file with only the files it needs, so its diagnostics can be published
// before the full re-check (which follows at once) has finished.
#include <algorithm>
#include <unordered_set>

#include "compiler/check/check.h"
#include "lsp/server/project_state.h"

namespace flowc::lsp {

namespace {

/// Rules whose outcome for a file depends on files the quick check leaves
/// out: their diagnostics come from the last full check instead.
bool project_wide(std::string_view code) {
  return code == "E0302" || code == "E0303" || code == "W0402" || code == "W0404";
}

/// How an edit moved the text: bytes before `begin` stayed, bytes from
/// `old_end` on moved by `delta`; what lies between was rewritten.
struct Shift {
  uint32_t begin = 0;
  uint32_t old_end = 0;
  int64_t delta = 0;

  /// Moves `r` (a range of the edited file) past the edit; false when the
  /// edit rewrote part of it.
  bool apply(SourceRange& r) const {
    if (r.end <= begin) return true;
    if (r.begin < old_end) return false;
    r.begin = static_cast<uint32_t>(r.begin + delta);
    r.end = static_cast<uint32_t>(r.end + delta);
    return true;
  }
};

Shift shift_between(std::string_view before, std::string_view after) {
  size_t limit = std::min(before.size(), after.size());
  size_t prefix = 0;
  while (prefix < limit && before[prefix] == after[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < limit - prefix && before[before.size() - 1 - suffix] == after[after.size() - 1 - suffix])
    ++suffix;
  return {static_cast<uint32_t>(prefix), static_cast<uint32_t>(before.size() - suffix),
          static_cast<int64_t>(after.size()) - static_cast<int64_t>(before.size())};
}

/// The last full check's diagnostic `d` of the edited file, moved past the
/// edit; false when the edit touched it.
bool carry(Diagnostic& d, FileId file, const Shift& shift) {
  if (!shift.apply(d.range)) return false;
  for (DiagNote& note : d.notes) {
    if (note.range.valid() && note.range.file == file && !shift.apply(note.range)) note.range = {};
  }
  std::erase_if(d.fixits, [&](FixIt& fix) { return fix.range.file == file && !shift.apply(fix.range); });
  return true;
}

}  // namespace

std::optional<std::pair<FileId, std::vector<Diagnostic>>> ProjectState::quick_check() {
  if (files_added_or_removed_ || generation_ == 0) return std::nullopt;
  ProjectFile* edited = nullptr;
  for (auto& [path, f] : files_) {
    if (!f.changed_since_check) continue;
    if (edited) return std::nullopt;  // more than one file changed: only the full check will do
    edited = &f;
  }
  if (!edited || !edited->checked_text) return std::nullopt;
  parse_changed();

  // The names the file mentions: the workflows among them are needed.
  std::unordered_set<std::string_view> mentioned;
  for (const syntax::Expr& e : edited->tree->exprs) {
    if (e.kind == syntax::ExprKind::Name) mentioned.insert(e.text);
  }
  check::CheckInput input;
  input.sources = &sources_;
  input.root = root_;  // `file("...")` may not leave the project, as in `flowc check`
  for (const ProjectFile& f : stdlib_) input.stdlib.push_back(f.tree.get());
  for (const auto& [path, f] : files_) {
    bool needed = &f == edited || f.workflows.empty() ||
                  std::any_of(f.workflows.begin(), f.workflows.end(),
                              [&](const std::string& w) { return mentioned.count(w) > 0; });
    if (needed) input.project.push_back(f.tree.get());
  }
  DiagnosticEngine engine;
  for (const Diagnostic& d : edited->parse_diagnostics) engine.report(d.kind, d.range, d.message) = d;
  check::check(input, engine);

  std::vector<Diagnostic> out;
  for (const Diagnostic& d : engine.diagnostics()) {
    if (d.range.file == edited->id && !project_wide(d.code())) out.push_back(d);
  }
  Shift shift = shift_between(*edited->checked_text, sources_.buffer(edited->id).text());
  for (const Diagnostic& d : diagnostics_) {
    if (!(d.range.file == edited->id) || !project_wide(d.code())) continue;
    Diagnostic moved = d;
    if (carry(moved, edited->id, shift)) out.push_back(std::move(moved));
  }
  // The order DiagnosticEngine::sort gives, within one file.
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tuple(a.range.begin, static_cast<int>(a.kind)) <
           std::tuple(b.range.begin, static_cast<int>(b.kind));
  });
  return std::make_pair(edited->id, std::move(out));
}

}  // namespace flowc::lsp
