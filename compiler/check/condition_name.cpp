#include "compiler/check/condition_name.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace flowc::check {
namespace {

using Cut = std::pair<uint32_t, uint32_t>;  // [begin, end) of file_text left out

/// The comma, if any, between the last item of a list or call `e` and its
/// closing bracket (only blanks and comments may stand beside it there).
void trailing_comma(const syntax::SyntaxTree& tree, const syntax::Expr& e, std::string_view file_text,
                    std::vector<Cut>& cuts) {
  const size_t first_item = e.kind == syntax::ExprKind::Call ? 1 : 0;
  if (e.operands.size() <= first_item || !e.operands.back().valid()) return;
  const SourceRange last = tree.expr(e.operands.back()).range;
  for (uint32_t at = last.end; at + 1 < e.range.end && at < file_text.size(); ++at) {
    if (file_text[at] == '#') {
      while (at + 1 < e.range.end && file_text[at + 1] != '\n') ++at;
    } else if (file_text[at] == ',') {
      cuts.push_back({at, at + 1});
      return;
    }
  }
}

void collect(const syntax::SyntaxTree& tree, syntax::ExprId id, std::string_view file_text,
             std::vector<Cut>& cuts) {
  if (!id.valid()) return;
  const syntax::Expr& e = tree.expr(id);
  if (e.kind == syntax::ExprKind::List || e.kind == syntax::ExprKind::Call)
    trailing_comma(tree, e, file_text, cuts);
  for (syntax::ExprId operand : e.operands) collect(tree, operand, file_text, cuts);
  if (e.kind == syntax::ExprKind::String)
    for (uint32_t p = e.first_part; p < e.first_part + e.part_count && p < tree.string_parts.size(); ++p)
      if (tree.string_parts[p].is_interpolation) collect(tree, tree.string_parts[p].expr, file_text, cuts);
}

/// `text` on one line: each run of blanks one space, none just inside a
/// bracket or before a comma, none at the ends. `unique(a,  # key⏎ b)` and
/// what `flowc fmt` makes of it, `unique(⏎  a,⏎  b⏎)`, are both
/// `unique(a, b)`: the name the plan, `status` and the alerts show.
std::string one_line(std::string_view text) {
  auto blank = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!blank(text[i])) {
      const char c = text[i];
      if ((c == ')' || c == ']' || c == ',') && !out.empty() && out.back() == ' ') out.pop_back();
      out.push_back(c);
      continue;
    }
    while (i + 1 < text.size() && blank(text[i + 1])) ++i;
    if (!out.empty() && out.back() != '(' && out.back() != '[') out.push_back(' ');
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::string condition_name(const syntax::SyntaxTree& tree, syntax::ExprId condition,
                           std::string_view file_text) {
  const SourceRange range = tree.expr(condition).range;
  if (range.begin > range.end || range.end > file_text.size()) return {};
  std::vector<Cut> cuts;
  for (const syntax::Comment& comment : tree.comments)
    if (comment.range.begin >= range.begin && comment.range.end <= range.end)
      cuts.push_back({comment.range.begin, comment.range.end});
  collect(tree, condition, file_text, cuts);
  std::sort(cuts.begin(), cuts.end());
  std::string name;
  uint32_t at = range.begin;
  for (const auto& [begin, end] : cuts) {
    if (begin < at) continue;
    name.append(file_text.substr(at, begin - at));
    at = end;
  }
  name.append(file_text.substr(at, range.end - at));
  return one_line(name);
}

}  // namespace flowc::check
