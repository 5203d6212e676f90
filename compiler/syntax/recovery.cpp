#include "compiler/syntax/recovery.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string_view>
#include <vector>

#include "compiler/source/ascii.h"

namespace flowc::syntax {
namespace {

// True when `p` starts `keyword`, blanks, then a name (so `target = x`, an
// attribute, is not a declaration).
bool declaration_at(const char* p, const char* end, bool toplevel_only) {
  static constexpr std::string_view kTop[] = {"project",  "target", "route", "legacy",
                                              "workflow", "fn",     "extern"};
  static constexpr std::string_view kNested[] = {"environment", "source", "task"};
  const char* q = p;
  while (q < end && is_ident_char(*q)) ++q;
  std::string_view word(p, static_cast<size_t>(q - p));
  if (word.empty()) return false;
  bool found = false;
  for (std::string_view k : kTop) found = found || word == k;
  if (!toplevel_only) {
    for (std::string_view k : kNested) found = found || word == k;
  }
  if (!found) return false;
  const char* r = q;
  while (r < end && (*r == ' ' || *r == '\t')) ++r;
  return r > q && r < end && is_ident_start(*r);
}

// Skips a string or text block starting at the quote `p`; stops at the end of
// the line for an unterminated "...".
const char* skip_string(const char* p, const char* end) {
  if (end - p >= 3 && p[1] == '"' && p[2] == '"') {
    const char* q = p + 3;
    while (q < end) {
      if (*q == '"' && end - q >= 3 && q[1] == '"' && q[2] == '"') return q + 3;
      ++q;
    }
    return end;
  }
  const char* q = p + 1;
  while (q < end && *q != '\n') {
    if (*q == '\\' && q + 1 < end && q[1] != '\n') {
      q += 2;
      continue;
    }
    if (*q == '"') return q + 1;
    ++q;
  }
  return q;
}

size_t indentation(const char* line, const char* end) {
  size_t n = 0;
  while (line + n < end && (line[n] == ' ' || line[n] == '\t')) ++n;
  return n;
}

}  // namespace

bool starts_toplevel_declaration(const char* begin, const char* cur, const char* end) {
  if (cur != begin && cur[-1] != '\n') return false;
  return declaration_at(cur, end, true);
}

const char* skip_member(const char* begin, const char* cur, const char* end, bool stop_at_close_brace) {
  const char* line = cur;
  while (line > begin && line[-1] != '\n') --line;
  const size_t member_indent = indentation(line, end);
  // What encloses the scan position: ( [ { brackets, `$` for the code of a
  // `${...}`, `"` for a string and `T` for a text block. Explicit, so that
  // any nesting is skipped without recursion.
  std::vector<char> stack;
  size_t parens = 0, squares = 0, braces = 0, dollars = 0, quotes = 0, blocks = 0;
  auto counter = [&](char open) -> size_t& {
    switch (open) {
      case '(': return parens;
      case '[': return squares;
      case '{': return braces;
      case '$': return dollars;
      case '"': return quotes;
      default: return blocks;
    }
  };
  auto push = [&](char open) {
    stack.push_back(open);
    ++counter(open);
  };
  auto pop = [&] {
    --counter(stack.back());
    stack.pop_back();
  };
  auto pop_through = [&](char open) {
    while (!stack.empty()) {
      char top = stack.back();
      pop();
      if (top == open) return;
    }
  };
  const char* p = cur;
  while (p < end) {
    char c = *p;
    char mode = stack.empty() ? ' ' : stack.back();
    if (mode == '"' || mode == 'T') {
      if (c == '$' && end - p >= 2 && p[1] == '{') {
        push('$');
        p += 2;
      } else if (mode == '"' && c == '\\' && end - p >= 2 && p[1] != '\n') {
        p += 2;
      } else if (mode == '"' && (c == '"' || c == '\n')) {
        pop();  // a string ends at its quote, or unterminated at the line end
        if (c == '"') ++p;
      } else if (mode == 'T' && c == '"' && end - p >= 3 && p[1] == '"' && p[2] == '"') {
        pop();
        p += 3;
      } else {
        ++p;
      }
      continue;
    }
    switch (c) {
      case '\n': {
        if (quotes > 0) {  // "..." strings end with their line, even inside `${`
          while (quotes > 0) pop();
          continue;
        }
        ++p;
        if (stack.empty()) return p;
        if (braces == 0 && dollars == 0) {
          // An unclosed `(`/`[`: the member is over once a line starts no
          // deeper than the member itself (and does not close a bracket).
          size_t ind = indentation(p, end);
          const char* first = p + ind;
          if (first < end && *first != '\n' && *first != '\r' && *first != '#' && *first != ')' &&
              *first != ']' && *first != '}' && ind <= member_indent) {
            return p;
          }
        }
        continue;
      }
      case '#':
        while (p < end && *p != '\n') ++p;
        continue;
      case '"':
        push(end - p >= 3 && p[1] == '"' && p[2] == '"' ? 'T' : '"');
        p += stack.back() == 'T' ? 3 : 1;
        continue;
      case '(':
      case '[':
      case '{':
        push(c);
        ++p;
        continue;
      case ')':
      case ']':
        if (counter(c == ')' ? '(' : '[') > 0) pop_through(c == ')' ? '(' : '[');
        ++p;
        continue;
      case '}':
        if (mode == '$' || mode == '{') {
          pop();
          ++p;
          continue;
        }
        if (braces + dollars > 0) {  // closes the innermost `{` or `${`
          while (stack.back() != '{' && stack.back() != '$') pop();
          pop();
          ++p;
          continue;
        }
        if (stop_at_close_brace) return p;
        stack.clear();
        ++p;
        continue;
      default: ++p;
    }
  }
  return end;
}

const char* skip_to_declaration(const char* cur, const char* end) {
  const char* p = cur;
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
    if (nl == nullptr) return end;
    p = static_cast<const char*>(nl) + 1;
    if (p < end && ((end - p >= 2 && p[0] == '#' && p[1] == '#') || declaration_at(p, end, true))) return p;
  }
  return end;
}

const char* skip_top_level(const char* begin, const char* cur, const char* end) {
  // What a line opened is skipped whole, but never past the next declaration:
  // a broken header whose `}` is missing must not swallow the rest of the file.
  auto skip_line = [&](const char* from) {
    return std::min(skip_member(begin, from, end, false), skip_to_declaration(from, end));
  };
  const char* p = skip_line(cur);
  if (p == cur) return cur;
  while (p < end) {
    if (is_ident_start(*p) || (end - p >= 2 && p[0] == '#' && p[1] == '#')) return p;
    const char* next = skip_line(p);
    if (next == p) return end;
    p = next;
  }
  return end;
}

const char* find_brace_on_line(const char* cur, const char* end) {
  const char* p = cur;
  while (p < end && *p != '\n' && *p != '#') {
    if (*p == '{') return p;
    if (*p == '"') {
      p = skip_string(p, end);
      continue;
    }
    ++p;
  }
  return nullptr;
}

}  // namespace flowc::syntax
