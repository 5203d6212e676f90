#include "compiler/textdiff/diff.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace flowc::textdiff {

namespace {

/// The lines of `text`, each with its '\n'. The terminator is kept so that
/// a last line without one differs from the same line with one: a missing
/// final newline is a change the diff must show.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

enum class Op : char { Keep = ' ', Remove = '-', Add = '+' };

struct Edit {
  Op op;
  size_t a;  // index in before (Keep/Remove)
  size_t b;  // index in after (Keep/Add)
};

/// Edit script by LCS on the middle part (after trimming the common prefix
/// and suffix). Formatting changes are local, so the middle is small; when it
/// is not, the whole middle is shown as replaced rather than spending
/// quadratic memory.
std::vector<Edit> edit_script(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  size_t n = a.size() - prefix - suffix;
  size_t m = b.size() - prefix - suffix;
  std::vector<Edit> edits;
  for (size_t i = 0; i < prefix; ++i) edits.push_back({Op::Keep, i, i});
  if (n * m <= 4'000'000) {
    std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
    for (size_t i = n; i-- > 0;) {
      for (size_t j = m; j-- > 0;) {
        lcs[i][j] = a[prefix + i] == b[prefix + j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    size_t i = 0;
    size_t j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[prefix + i] == b[prefix + j]) {
        edits.push_back({Op::Keep, prefix + i++, prefix + j++});
      } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        edits.push_back({Op::Remove, prefix + i++, prefix + j});  // removals first, as diff(1) prints them
      } else {
        edits.push_back({Op::Add, prefix + i, prefix + j++});
      }
    }
  } else {
    for (size_t i = 0; i < n; ++i) edits.push_back({Op::Remove, prefix + i, prefix});
    for (size_t j = 0; j < m; ++j) edits.push_back({Op::Add, prefix + n, prefix + j});
  }
  for (size_t k = 0; k < suffix; ++k) edits.push_back({Op::Keep, prefix + n + k, prefix + m + k});
  return edits;
}

}  // namespace

std::string unified_diff(std::string_view path, std::string_view before, std::string_view after) {
  if (before == after) return {};
  std::vector<std::string_view> a = lines_of(before);
  std::vector<std::string_view> b = lines_of(after);
  std::vector<Edit> edits = edit_script(a, b);
  constexpr size_t kContext = 3;
  std::string out = fmt::format("--- {}\n+++ {} (formatted)\n", path, path);
  size_t k = 0;
  while (k < edits.size()) {
    while (k < edits.size() && edits[k].op == Op::Keep) ++k;
    if (k == edits.size()) break;
    size_t start = k >= kContext ? k - kContext : 0;
    size_t end = k;
    // Extend the hunk while changes are within 2*context lines of each other.
    size_t last_change = k;
    while (end < edits.size()) {
      if (edits[end].op != Op::Keep) last_change = end;
      else if (end - last_change > 2 * kContext) break;
      ++end;
    }
    end = std::min(edits.size(), last_change + kContext + 1);
    size_t a_start = edits[start].a;
    size_t b_start = edits[start].b;
    size_t a_count = 0;
    size_t b_count = 0;
    for (size_t i = start; i < end; ++i) {
      if (edits[i].op != Op::Add) ++a_count;
      if (edits[i].op != Op::Remove) ++b_count;
    }
    out += fmt::format("@@ -{},{} +{},{} @@\n", a_count ? a_start + 1 : a_start, a_count, b_count ? b_start + 1 : b_start,
                       b_count);
    for (size_t i = start; i < end; ++i) {
      std::string_view line = edits[i].op == Op::Add ? b[edits[i].b] : a[edits[i].a];
      out += static_cast<char>(edits[i].op);
      out += line;
      if (!line.ends_with('\n')) out += "\n\\ No newline at end of file\n";  // as diff(1) marks it
    }
    k = end;
  }
  return out;
}

}  // namespace flowc::textdiff
