// Formatting (exactly `flowc fmt`) and quick fixes (the diagnostics'
// fix-its) as text edits.
#include <algorithm>

#include "compiler/format/format.h"
#include "lsp/server/features.h"

namespace flowc::lsp {

std::optional<std::vector<TextEditData>> format_file(const FileView& view, ColumnUnit unit) {
  if (!view.file || view.file->stdlib || view.project->has_syntax_errors(*view.file)) return std::nullopt;
  std::string formatted = format::format(*view.file->tree, *view.buffer);
  std::string_view before = view.buffer->text();
  if (formatted == before) return std::vector<TextEditData>{};
  // One edit covering only the lines that differ, so the editor keeps the
  // cursor and folds of untouched lines.
  size_t prefix = 0;
  size_t limit = std::min(before.size(), formatted.size());
  while (prefix < limit && before[prefix] == formatted[prefix]) ++prefix;
  while (prefix > 0 && before[prefix - 1] != '\n') --prefix;
  size_t suffix = 0;
  while (suffix < limit - prefix &&
         before[before.size() - 1 - suffix] == formatted[formatted.size() - 1 - suffix]) {
    ++suffix;
  }
  while (suffix > 0 && before[before.size() - suffix] != '\n') --suffix;
  // The suffix now starts at a line feed: keep that line feed in the edit's tail.
  if (suffix > 0) --suffix;
  auto begin = static_cast<uint32_t>(prefix);
  auto end = static_cast<uint32_t>(before.size() - suffix);
  TextEditData edit;
  edit.range = range_at(*view.buffer, begin, end, unit);
  edit.new_text = formatted.substr(prefix, formatted.size() - suffix - prefix);
  return std::vector<TextEditData>{std::move(edit)};
}

std::vector<QuickFix> quick_fixes_in(const FileView& view, uint32_t begin, uint32_t end, ColumnUnit unit) {
  std::vector<QuickFix> out;
  if (!view.file) return out;
  const SourceManager& sources = view.project->sources();
  for (const Diagnostic& d : view.project->diagnostics()) {
    if (!(d.range.file == view.file->id) || d.fixits.empty()) continue;
    if (d.range.begin > end || begin > d.range.end) continue;
    EditorDiagnostic shown = to_editor(d, sources, unit);
    for (const FixIt& fix : d.fixits) {
      std::optional<FileLocation> at = locate(*view.project, fix.range, unit);
      if (!at) continue;
      QuickFix q;
      q.title = fix.title.empty() ? "apply the suggested fix" : fix.title;
      q.diagnostic = shown;
      q.path = at->path;
      q.edit = {at->range, fix.replacement};
      out.push_back(std::move(q));
    }
  }
  return out;
}

}  // namespace flowc::lsp
