#include "lsp/server/completion_context.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <vector>

namespace flowc::lsp {

namespace {

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

/// The identifier at the start of `s` ("" when none).
std::string_view leading_ident(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && ident_char(s[n])) ++n;
  return s.substr(0, n);
}

/// The identifier ending at `end` in `text` (spaces before `end` skipped).
std::string ident_before(std::string_view text, size_t end) {
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  size_t begin = end;
  while (begin > 0 && ident_char(text[begin - 1])) --begin;
  return std::string(text.substr(begin, end - begin));
}

/// The arguments written before the cursor's in a call (`args` from its
/// `(` to the cursor), split at the commas of the call's own level: not
/// those inside nested brackets or strings. The last element is the
/// argument at the cursor.
std::vector<std::string_view> split_arguments(std::string_view args) {
  if (!args.empty() && args.front() == '(') args.remove_prefix(1);
  std::vector<std::string_view> out;
  int depth = 0;
  bool in_string = false;
  size_t start = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const char c = args[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '(' || c == '[' || c == '{')
      ++depth;
    else if ((c == ')' || c == ']' || c == '}') && depth > 0)
      --depth;
    else if (c == ',' && depth == 0) {
      out.push_back(args.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(args.substr(start));
  return out;
}

/// `IDENT =` (not `==`) at the start of `s`: the identifier, else "".
std::string assigned_name(std::string_view s) {
  s = trim(s);
  std::string_view name = leading_ident(s);
  if (name.empty()) return "";
  std::string_view rest = trim(s.substr(name.size()));
  if (rest.empty() || rest[0] != '=' || (rest.size() > 1 && rest[1] == '=')) return "";
  return std::string(name);
}

struct OpenBracket {
  enum class Type { Block, Paren, Bracket, Interpolation } type = Type::Block;
  std::string keyword, name;  // Block
  std::string callee;         // Paren
  size_t open = 0;            // offset after the opening bracket
  size_t statement = 0;       // where the statement holding the bracket starts
  bool text_block = false;    // Interpolation: inside """..."""
};

enum class Mode { Code, Comment, String, TextBlock };

/// The brackets open at a point of the text, innermost last, and where the
/// innermost block or `${` among them is: asked at every character, so
/// found without walking down the brackets (thousands of unclosed `[`
/// would make each character cost as many steps).
class OpenBrackets {
 public:
  [[nodiscard]] bool empty() const { return items_.empty(); }
  [[nodiscard]] const OpenBracket& back() const { return items_.back(); }
  [[nodiscard]] const std::vector<OpenBracket>& items() const { return items_; }
  void push(OpenBracket f) {
    if (f.type == OpenBracket::Type::Block || f.type == OpenBracket::Type::Interpolation)
      frames_.push_back(items_.size());
    items_.push_back(std::move(f));
  }
  /// Closes the innermost bracket.
  void pop() { truncate(items_.size() - 1); }
  /// Closes every bracket above the first `size`.
  void truncate(size_t size) {
    items_.resize(size);
    while (!frames_.empty() && frames_.back() >= size) frames_.pop_back();
  }
  /// The index of the innermost block or `${`, if any.
  [[nodiscard]] std::optional<size_t> innermost_frame() const {
    if (frames_.empty()) return std::nullopt;
    return frames_.back();
  }

 private:
  std::vector<OpenBracket> items_;
  std::vector<size_t> frames_;  // indexes of the blocks and `${` in items_
};

/// Whether the character at `i`, read as code, ends the string of an open
/// `${` (the innermost one, above any brackets opened inside it); if so,
/// closes it and the brackets above it.
bool ends_open_interpolation(OpenBrackets& stack, std::string_view text, size_t i) {
  const std::optional<size_t> frame = stack.innermost_frame();
  if (!frame) return false;
  const OpenBracket& open = stack.items()[*frame];
  if (open.type != OpenBracket::Type::Interpolation) return false;
  const bool ends = open.text_block ? text.substr(i, 3) == "\"\"\"" : text[i] == '"' || text[i] == '\n';
  if (ends) stack.truncate(*frame);
  return ends;
}

}  // namespace

CompletionContext completion_context(std::string_view text, uint32_t offset) {
  if (offset > text.size()) offset = static_cast<uint32_t>(text.size());
  OpenBrackets stack;
  Mode mode = Mode::Code;
  size_t statement = 0;
  auto at_statement_level = [&] { return stack.empty() || stack.back().type == OpenBracket::Type::Block; };
  for (size_t i = 0; i < offset; ++i) {
    char c = text[i];
    switch (mode) {
      case Mode::Comment:
        if (c == '\n' || c == '\r') {  // a lone CR ends a comment too (language.md §2)
          mode = Mode::Code;
          if (at_statement_level()) statement = i + 1;
        }
        break;
      case Mode::String:
      case Mode::TextBlock:
        if (c == '\\') {
          ++i;
        } else if (mode == Mode::String && c == '"') {
          mode = Mode::Code;
        } else if (mode == Mode::TextBlock && text.substr(i, 3) == "\"\"\"") {
          mode = Mode::Code;
          i += 2;
        } else if (c == '$' && text.substr(i, 3) == "$${") {
          i += 2;
        } else if (c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
          OpenBracket f;
          f.type = OpenBracket::Type::Interpolation;
          f.open = i + 2;
          f.text_block = mode == Mode::TextBlock;
          stack.push(f);
          mode = Mode::Code;
          ++i;
        } else if (mode == Mode::String && c == '\n') {
          mode = Mode::Code;  // an unterminated string ends with its line
          if (at_statement_level()) statement = i + 1;
        }
        break;
      case Mode::Code:
        if (ends_open_interpolation(stack, text, i)) {
          // An unclosed `${` ends with its string, as the compiler reads it
          // (E0008): a one-line string at its `"` or its line's end, a
          // text block at its `"""`.
          if (text[i] == '"' && text.substr(i, 3) == "\"\"\"") i += 2;
          if (text[i] == '\n' && at_statement_level()) statement = i + 1;
        } else if (c == '#') {
          mode = Mode::Comment;
        } else if (c == '"') {
          if (text.substr(i, 3) == "\"\"\"") {
            mode = Mode::TextBlock;
            i += 2;
          } else {
            mode = Mode::String;
          }
        } else if (c == '{') {
          OpenBracket f;
          std::string_view head = trim(text.substr(statement, i - statement));
          std::string_view keyword = leading_ident(head);
          f.keyword = std::string(keyword);
          f.name = std::string(leading_ident(trim(head.substr(keyword.size()))));
          f.open = i + 1;
          stack.push(f);
          statement = i + 1;
        } else if (c == '}') {
          if (!stack.empty() && stack.back().type == OpenBracket::Type::Interpolation) {
            mode = stack.back().text_block ? Mode::TextBlock : Mode::String;
            stack.pop();
          } else {
            while (!stack.empty() && stack.back().type != OpenBracket::Type::Block) stack.pop();
            if (!stack.empty()) stack.pop();
            statement = i + 1;
          }
        } else if (c == '(' || c == '[') {
          OpenBracket f;
          f.type = c == '(' ? OpenBracket::Type::Paren : OpenBracket::Type::Bracket;
          if (c == '(') f.callee = ident_before(text, i);
          f.open = i + 1;
          f.statement = at_statement_level() ? statement : stack.back().statement;
          stack.push(f);
        } else if (c == ')' || c == ']') {
          auto want = c == ')' ? OpenBracket::Type::Paren : OpenBracket::Type::Bracket;
          if (!stack.empty() && stack.back().type == want) stack.pop();
        } else if (c == '\n' && at_statement_level()) {
          statement = i + 1;
        }
        break;
    }
  }

  CompletionContext out;
  for (const OpenBracket& f : stack.items()) {
    if (f.type == OpenBracket::Type::Block) out.blocks.push_back({f.keyword, f.name});
  }
  if (mode != Mode::Code) return out;  // comment or string

  size_t prefix_begin = offset;
  while (prefix_begin > 0 && ident_char(text[prefix_begin - 1])) --prefix_begin;
  out.prefix = std::string(text.substr(prefix_begin, offset - prefix_begin));
  if (prefix_begin > 0 && text[prefix_begin - 1] == '.') out.qualifier = ident_before(text, prefix_begin - 1);

  if (!stack.empty() && stack.back().type == OpenBracket::Type::Interpolation) {
    out.where = CompletionContext::Where::Interpolation;
    return out;
  }
  if (!stack.empty() && stack.back().type != OpenBracket::Type::Block) {
    const OpenBracket& inner = stack.back();
    // The innermost call around the cursor, not crossing a block or interpolation.
    for (auto it = stack.items().rbegin();
         it != stack.items().rend() && it->type != OpenBracket::Type::Block &&
         it->type != OpenBracket::Type::Interpolation;
         ++it) {
      if (it->type == OpenBracket::Type::Paren) {
        out.call = it->callee;
        break;
      }
    }
    std::string_view head = trim(text.substr(inner.statement, inner.open - inner.statement));
    if (head.starts_with("fn ") || head.starts_with("extern ")) {
      std::string_view segment = text.substr(inner.open, prefix_begin - inner.open);
      segment = segment.substr(
          segment.find_last_of(",") == std::string_view::npos ? 0 : segment.find_last_of(",") + 1);
      out.where =
          trim(segment).ends_with(":") ? CompletionContext::Where::Type : CompletionContext::Where::None;
      return out;
    }
    out.where = CompletionContext::Where::Value;
    out.attribute = assigned_name(text.substr(inner.statement, prefix_begin - inner.statement));
    if (inner.type == OpenBracket::Type::Paren) {
      const std::vector<std::string_view> written =
          split_arguments(text.substr(inner.open, prefix_begin - inner.open));
      const std::string_view segment = written.back();  // the argument at the cursor
      std::string named = assigned_name(segment);
      if (!named.empty() && trim(segment).ends_with("=")) out.named_arg = named;
      bool positional = true;
      for (size_t i = 0; i + 1 < written.size(); ++i) {
        std::string name = assigned_name(written[i]);
        if (name.empty()) {
          if (positional) ++out.positional_before;
          continue;
        }
        positional = false;
        out.named_before.push_back(std::move(name));
      }
      if (positional && out.named_arg.empty()) out.argument = static_cast<int>(written.size()) - 1;
    }
    return out;
  }

  std::string_view line = trim(text.substr(statement, prefix_begin - statement));
  if (line.empty()) {
    out.where = out.blocks.empty() ? CompletionContext::Where::TopLevel : CompletionContext::Where::Member;
    return out;
  }
  std::string_view first = leading_ident(line);
  if (first == "expect") {
    out.where = line.find(" else") == std::string_view::npos ? CompletionContext::Where::Expect
                                                             : CompletionContext::Where::None;
    return out;
  }
  if (first == "param" || first == "fn" || first == "extern") {
    size_t eq = line.find('=');
    if (eq != std::string_view::npos) {
      out.where = CompletionContext::Where::Value;
      // `param ds: date = `: the default is of the declared type.
      if (first == "param")
        if (size_t colon = line.find(':'); colon != std::string_view::npos && colon < eq)
          out.param_type = std::string(trim(line.substr(colon + 1, eq - colon - 1)));
    } else if (line.ends_with(":") || line.ends_with("->") || line.ends_with("<")) {
      out.where = CompletionContext::Where::Type;
    }
    return out;
  }
  std::string assigned = assigned_name(line);
  if (!assigned.empty()) {
    out.where = CompletionContext::Where::Value;
    out.attribute = assigned;
    return out;
  }
  // `task ` (naming a new declaration) and anything else: nothing useful to offer.
  return out;
}

}  // namespace flowc::lsp
