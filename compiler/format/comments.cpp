#include "compiler/format/comments.h"

#include <algorithm>

#include "compiler/format/doc.h"

namespace flowc::format {

namespace {
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
}  // namespace

uint32_t SourceView::last_line(SourceRange range) const {
  return line(range.end > range.begin ? range.end - 1 : range.begin);
}

std::string_view SourceView::spelling(SourceRange range) const {
  std::string_view t = buffer_.text();
  size_t begin = std::min<size_t>(range.begin, t.size());
  size_t end = std::clamp<size_t>(range.end, begin, t.size());
  return t.substr(begin, end - begin);
}

bool SourceView::blank_line_between(uint32_t a, uint32_t b) const {
  uint32_t la = line(a);
  uint32_t lb = line(b);
  for (uint32_t l = la + 1; l < lb; ++l) {
    std::string_view text = buffer_.line_text(l);
    if (std::all_of(text.begin(), text.end(), is_space)) return true;
  }
  return false;
}

bool SourceView::starts_line(uint32_t offset) const {
  std::string_view t = buffer_.text();
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(t.size()));
  uint32_t start = buffer_.line_start(line(offset));
  if (start == 0 && t.substr(0, 3) == "\xEF\xBB\xBF") start = std::min<uint32_t>(3, offset);  // byte order mark
  for (uint32_t i = start; i < offset; ++i) {
    if (!is_space(t[i])) return false;
  }
  return true;
}

std::optional<uint32_t> SourceView::find_token(uint32_t from, uint32_t limit, char want) const {
  std::string_view t = buffer_.text();
  limit = std::min<uint32_t>(limit, static_cast<uint32_t>(t.size()));
  for (uint32_t i = from; i < limit; ++i) {
    char c = t[i];
    if (c == want) return i;
    if (c == '#') {
      while (i < limit && t[i] != '\n' && t[i] != '\r') ++i;
      continue;
    }
    if (!is_space(c) && c != ',') return std::nullopt;
  }
  return std::nullopt;
}

uint32_t SourceView::column(uint32_t offset) const {
  const uint32_t bytes = buffer_.line_col(offset).column - 1;
  return static_cast<uint32_t>(text_width(text().substr(offset - bytes, bytes))) + 1;
}

uint32_t SourceView::code_after(uint32_t from, uint32_t limit) const {
  std::string_view t = buffer_.text();
  limit = std::min<uint32_t>(limit, static_cast<uint32_t>(t.size()));
  for (uint32_t i = from; i < limit; ++i) {
    if (t[i] == '#') {
      while (i < limit && t[i] != '\n' && t[i] != '\r') ++i;
    } else if (!is_space(t[i])) {
      return i;
    }
  }
  return limit;
}

CommentIndex::CommentIndex(const syntax::SyntaxTree& tree, const SourceView& source) : source_(source) {
  auto size = static_cast<uint32_t>(source.text().size());
  for (const syntax::Comment& c : tree.comments) {
    Item item;
    item.begin = std::min(c.range.begin, size);
    item.end = std::clamp(c.range.end, item.begin, size);
    item.line = source.line(item.begin);
    item.column = source.column(item.begin);
    item.trailing = !source.starts_line(item.begin);
    items_.push_back(item);
  }
  std::stable_sort(items_.begin(), items_.end(), [](const Item& a, const Item& b) { return a.begin < b.begin; });
  for (size_t i = 1; i < items_.size(); ++i) {
    const Item& prev = items_[i - 1];
    Item& item = items_[i];
    item.continuation = !item.trailing && prev.line + 1 == item.line && prev.column == item.column &&
                        (prev.trailing || prev.continuation);
  }
}

std::vector<uint32_t> CommentIndex::take(uint32_t from, uint32_t to) {
  std::vector<uint32_t> out;
  auto first = std::lower_bound(items_.begin(), items_.end(), from,
                                [](const Item& item, uint32_t offset) { return item.begin < offset; });
  for (auto it = first; it != items_.end() && it->begin < to; ++it) {
    if (it->used) continue;
    it->used = true;
    out.push_back(static_cast<uint32_t>(it - items_.begin()));
  }
  return out;
}

bool CommentIndex::any(uint32_t from, uint32_t to) const {
  auto first = std::lower_bound(items_.begin(), items_.end(), from,
                                [](const Item& item, uint32_t offset) { return item.begin < offset; });
  return first != items_.end() && first->begin < to;
}

std::optional<uint32_t> CommentIndex::take_on_line(uint32_t from, uint32_t to, uint32_t line) {
  auto first = std::lower_bound(items_.begin(), items_.end(), from,
                                [](const Item& item, uint32_t offset) { return item.begin < offset; });
  for (auto it = first; it != items_.end() && it->begin < to && it->line <= line; ++it) {
    if (it->used || it->line != line) continue;
    it->used = true;
    return static_cast<uint32_t>(it - items_.begin());
  }
  return std::nullopt;
}

std::string CommentIndex::text(uint32_t i) const {
  std::string_view t = source_.spelling(SourceRange{FileId{0}, items_[i].begin, items_[i].end});
  if (t.empty() || t.front() != '#') {
    // An empty or shifted range: take the rest of the line instead.
    t = source_.text().substr(std::min<size_t>(items_[i].begin, source_.text().size()));
  }
  // A range that runs past the line (a sloppy producer) is cut at the newline.
  size_t nl = t.find_first_of("\r\n");  // where the grammar's comment ends
  if (nl != std::string_view::npos) t = t.substr(0, nl);
  while (!t.empty() && is_space(t.back())) t.remove_suffix(1);
  return std::string(t);
}

}  // namespace flowc::format
