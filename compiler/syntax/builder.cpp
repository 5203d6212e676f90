// TreeBuilder: expressions, strings and types.
#include "compiler/syntax/builder.h"

#include <algorithm>

#include "compiler/source/ascii.h"
#include "compiler/syntax/literal.h"
#include "compiler/syntax/text_block.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace flowc::syntax {
namespace {

// Asks for transparent huge pages under a large node array. Fresh memory is
// the main cost of parsing a big file (every 4 KiB page faults on first
// touch; on virtual machines a fault costs microseconds), and huge pages cut
// the faults 512-fold. Only a hint: ignored where unsupported.
template <typename T>
void advise_huge_pages(const std::vector<T>& v) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const size_t bytes = v.capacity() * sizeof(T);
  if (bytes < 2 * kHuge) return;
  auto begin = reinterpret_cast<uintptr_t>(v.data());
  uintptr_t aligned = (begin + kHuge - 1) & ~(kHuge - 1);
  uintptr_t end = (begin + bytes) & ~(kHuge - 1);
  if (end > aligned) madvise(reinterpret_cast<void*>(aligned), end - aligned, MADV_HUGEPAGE);
#else
  (void)v;
#endif
}

}  // namespace

template <typename T>
void TreeBuilder::make_room(std::vector<T>& nodes) {
  if (nodes.size() < nodes.capacity()) return;
  nodes.reserve(nodes.capacity() * 2 + 16);
  advise_huge_pages(nodes);
}
template void TreeBuilder::make_room(std::vector<Member>&);

TreeBuilder::TreeBuilder(std::string_view text, FileId file, DiagnosticEngine& diagnostics, SyntaxTree& tree)
    : text_(text), file_(file), diagnostics_(diagnostics), tree_(tree) {
  // Rough sizes for typical .flow text, so big files do not regrow often.
  // Generous: untouched capacity costs address space, not memory, while
  // regrowing copies the whole vector.
  tree_.exprs.reserve(text.size() / 10 + 16);
  tree_.members.reserve(text.size() / 24 + 8);
  tree_.blocks.reserve(text.size() / 128 + 4);
  tree_.string_parts.reserve(text.size() / 24 + 8);
  tree_.comments.reserve(text.size() / 128 + 4);
  advise_huge_pages(tree_.exprs);
  advise_huge_pages(tree_.members);
  advise_huge_pages(tree_.string_parts);
  values_.reserve(64);
}

std::string_view TreeBuilder::identifier_at(uint32_t begin) const {
  uint32_t end = begin;
  while (end < text_.size() && is_ident_char(text_[end])) ++end;
  return slice(begin, end);
}

ExprId TreeBuilder::add_expr(ExprKind kind, uint32_t begin, uint32_t end) {
  make_room(tree_.exprs);
  Expr& e = tree_.exprs.emplace_back();
  e.kind = kind;
  e.range = range(begin, end);
  auto index = static_cast<uint32_t>(tree_.exprs.size() - 1);
  if (expr_depth_.size() <= index) expr_depth_.resize(tree_.exprs.capacity());
  expr_depth_[index] = 1;
  return ExprId{index};
}

void TreeBuilder::deepen(ExprId id, uint32_t at) {
  const Expr& e = tree_.exprs[id.index];
  uint32_t deepest = 0;
  for (ExprId operand : e.operands) deepest = std::max(deepest, expr_depth_[operand.index]);
  for (uint32_t i = 0; i < e.part_count; ++i) {
    const StringPart& part = tree_.string_parts[e.first_part + i];
    if (part.is_interpolation) deepest = std::max(deepest, expr_depth_[part.expr.index]);
  }
  expr_depth_[id.index] = deepest + 1;
  if (deepest + 1 <= kMaxExprDepth || too_deep_) return;
  too_deep_ = true;
  emit(DiagKind::ExpectedSyntax, token_at(at).range,
       "expression is too deep: more than " + std::to_string(kMaxExprDepth) +
           " levels of operators (`or`, `and`, `.`, calls) and brackets");
}

uint32_t TreeBuilder::next_token(uint32_t at) const {
  while (at < text_.size()) {
    char c = text_[at];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++at;
    } else if (c == '#') {
      while (at < text_.size() && text_[at] != '\n' && text_[at] != '\r') ++at;
    } else {
      break;
    }
  }
  return at;
}

ExprId TreeBuilder::pop_value() {
  if (values_.empty()) return add_expr(ExprKind::Error, 0, 0);  // unreachable by construction
  ExprId id = values_.back();
  values_.pop_back();
  return id;
}

TypeId TreeBuilder::pop_type() {
  if (type_stack_.empty()) return {};
  TypeId id = type_stack_.back();
  type_stack_.pop_back();
  return id;
}

void TreeBuilder::comment(uint32_t begin, uint32_t end) {
  if (end > begin && text_[end - 1] == '\r') --end;
  Comment c{range(begin, end)};
  auto& all = tree_.comments;
  // Backtracking can match the same comment again; keep each once, in order.
  if (all.empty() || all.back().range.begin < begin) {
    all.push_back(c);
    return;
  }
  auto it = std::lower_bound(all.begin(), all.end(), begin,
                             [](const Comment& x, uint32_t b) { return x.range.begin < b; });
  if (it == all.end() || it->range.begin != begin) all.insert(it, c);
}

// ---- Expressions -----------------------------------------------------------

void TreeBuilder::number(uint32_t begin, uint32_t end) {
  std::string_view spelling = slice(begin, end);
  NumberValue v = decode_number(spelling);
  if (size_t blank = spelling.find_first_of(" \t"); blank != std::string_view::npos) {
    // `5 %`, `30 m`: one mistake, the space, with the literal meant as the fix.
    v.kind = ExprKind::Error;
    const char unit = spelling.back();
    const bool percent = unit == '%';
    Diagnostic* d = emit(DiagKind::MalformedLiteral, range(begin, end),
                         std::string(percent ? "malformed percent `" : "malformed duration `") +
                             std::string(spelling) + "`: no space between a number and its `" + unit + "`");
    std::string tight = std::string(spelling.substr(0, blank)) + unit;
    if (d != nullptr && decode_number(tight).kind == (percent ? ExprKind::Percent : ExprKind::Duration))
      d->fixits.push_back({range(begin, end), tight, "write `" + tight + "`"});
  } else if (v.kind == ExprKind::Error) {
    emit(DiagKind::MalformedLiteral, range(begin, end), v.error);
  }
  ExprId id = add_expr(v.kind, begin, end);
  Expr& e = tree_.exprs[id.index];
  e.text = spelling;
  e.int_value = v.int_value;
  e.float_value = v.float_value;
  push_value(id);
}

void TreeBuilder::leaf(ExprKind kind, uint32_t begin, uint32_t end, int64_t value) {
  ExprId id = add_expr(kind, begin, end);
  tree_.exprs[id.index].text = slice(begin, end);
  tree_.exprs[id.index].int_value = value;
  push_value(id);
}

void TreeBuilder::open_list(uint32_t at) {
  brackets_.push_back({'[', at, static_cast<uint32_t>(values_.size()), {}});
}

void TreeBuilder::close_list(uint32_t end) {
  OpenBracket open = brackets_.back();
  brackets_.pop_back();
  ExprId id = add_expr(ExprKind::List, open.at, end);
  tree_.exprs[id.index].operands.assign(values_.begin() + open.value_mark, values_.end());
  values_.resize(open.value_mark);
  deepen(id, open.at);
  push_value(id);
}

void TreeBuilder::open_paren(uint32_t at) {
  brackets_.push_back({'(', at, static_cast<uint32_t>(values_.size()), {}});
}

void TreeBuilder::close_paren(uint32_t end) {
  OpenBracket open = brackets_.back();
  brackets_.pop_back();
  ExprId inner = pop_value();
  ExprId id = add_expr(ExprKind::Paren, open.at, end);
  tree_.exprs[id.index].operands.push_back(inner);
  deepen(id, open.at);
  push_value(id);
}

void TreeBuilder::open_call(uint32_t at) {
  std::string_view callee;
  if (!values_.empty()) {
    const Expr& c = tree_.exprs[values_.back().index];
    callee = slice(c.range.begin, c.range.end);
  }
  brackets_.push_back({'(', at, static_cast<uint32_t>(values_.size()), callee});
}

void TreeBuilder::close_call(uint32_t end) {
  OpenBracket open = brackets_.back();
  brackets_.pop_back();
  uint32_t callee_index = open.value_mark - 1;
  ExprId callee = values_[callee_index];
  ExprId id = add_expr(ExprKind::Call, tree_.exprs[callee.index].range.begin, end);
  tree_.exprs[id.index].operands.assign(values_.begin() + callee_index, values_.end());
  values_.resize(callee_index);
  deepen(id, open.at);
  push_value(id);
}

void TreeBuilder::named_arg_name(uint32_t begin) { ctx_name_ = identifier_at(begin); }

void TreeBuilder::named_arg(uint32_t begin) {
  ExprId value = pop_value();
  std::string_view name = identifier_at(begin);
  ExprId id = add_expr(ExprKind::NamedArg, begin, tree_.exprs[value.index].range.end);
  Expr& e = tree_.exprs[id.index];
  e.text = name;
  e.name_range = range(begin, begin + static_cast<uint32_t>(name.size()));
  e.operands.push_back(value);
  deepen(id, begin);
  push_value(id);
}

void TreeBuilder::member_access(uint32_t dot, uint32_t end) {
  ExprId object = pop_value();
  ExprId id = add_expr(ExprKind::Member, tree_.exprs[object.index].range.begin, end);
  Expr& e = tree_.exprs[id.index];
  e.text = slice(dot + 1, end);
  e.name_range = range(dot + 1, end);
  e.operands.push_back(object);
  deepen(id, dot);
  push_value(id);
}

void TreeBuilder::binary(ExprKind kind) {
  ExprId right = pop_value();
  ExprId left = pop_value();
  ExprId id = add_expr(kind, tree_.exprs[left.index].range.begin, tree_.exprs[right.index].range.end);
  tree_.exprs[id.index].operands = {left, right};
  deepen(id, next_token(tree_.exprs[left.index].range.end));
  push_value(id);
}

void TreeBuilder::comparison_op(uint32_t begin, uint32_t end) {
  std::string_view op = slice(begin, end);
  ctx_op_ = op;
  CompareOp code = op == "=="   ? CompareOp::Eq
                   : op == "!=" ? CompareOp::Ne
                   : op == "<=" ? CompareOp::Le
                   : op == ">=" ? CompareOp::Ge
                   : op == "<"  ? CompareOp::Lt
                                : CompareOp::Gt;
  ops_.push_back(code);
}

void TreeBuilder::comparison(ExprKind kind) {
  CompareOp op = ops_.empty() ? CompareOp::Eq : ops_.back();
  if (!ops_.empty()) ops_.pop_back();
  binary(kind);
  tree_.exprs[values_.back().index].op = op;
}

void TreeBuilder::unary_not(uint32_t begin) {
  ExprId operand = pop_value();
  ExprId id = add_expr(ExprKind::Not, begin, tree_.exprs[operand.index].range.end);
  tree_.exprs[id.index].operands.push_back(operand);
  deepen(id, begin);
  push_value(id);
}

// ---- Strings -----------------------------------------------------------------

void TreeBuilder::begin_string(uint32_t at, bool text_block) {
  strings_.push_back({at, static_cast<uint32_t>(pending_parts_.size()), text_block});
}

void TreeBuilder::append_decoded(std::string_view text, uint32_t begin, uint32_t end) {
  uint32_t mark = strings_.empty() ? 0 : strings_.back().part_mark;
  if (pending_parts_.size() > mark && !pending_parts_.back().is_interpolation) {
    StringPart& part = pending_parts_.back();
    part.text.append(text);
    part.range.end = end;
    return;
  }
  StringPart& part = pending_parts_.emplace_back();
  part.text.assign(text);
  part.range = range(begin, end);
}

void TreeBuilder::append_raw(uint32_t begin, uint32_t end) {
  std::string_view raw = slice(begin, end);
  if (raw.find('\r') == std::string_view::npos) {
    append_decoded(raw, begin, end);
    return;
  }
  // CRLF line ends read as LF, and so is a stray CR before one (`\r\r\n`,
  // from a file converted twice): `flowc fmt` writes LF line ends, and a CR
  // kept at the end of a line would read as a CRLF line end after it.
  std::string lf;
  lf.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\r') {
      const size_t after = raw.find_first_not_of('\r', i);
      if (after != std::string_view::npos && raw[after] == '\n') continue;
    }
    lf += raw[i];
  }
  append_decoded(lf, begin, end);
}

void TreeBuilder::append_escape(uint32_t begin, uint32_t end) {
  std::string decoded;
  std::string error;
  std::string_view spelling = slice(begin, end);
  if (!decode_escape(spelling, decoded, error)) {
    Diagnostic* d = emit(DiagKind::InvalidEscape, range(begin, end), error);
    // An unknown escape is most often a backslash meant as itself (a regex's
    // `\d`): the fix doubles it. A `\u` is more likely a `\u{HEX}` gone wrong,
    // which the message lists.
    if (d != nullptr && spelling.size() >= 2 && spelling[1] != 'u') {
      std::string literal = "\\" + std::string(spelling);
      d->fixits.push_back({range(begin, end), literal, "write `" + literal + "`"});
    }
  }
  append_decoded(decoded, begin, end);
}

void TreeBuilder::begin_interpolation(uint32_t at) {
  brackets_.push_back({'$', at, static_cast<uint32_t>(values_.size()), {}});
}

void TreeBuilder::end_interpolation(uint32_t end) {
  OpenBracket open = brackets_.back();
  brackets_.pop_back();
  StringPart& part = pending_parts_.emplace_back();
  part.is_interpolation = true;
  part.expr = pop_value();
  part.range = range(open.at, end);
}

void TreeBuilder::end_string(uint32_t end) {
  OpenString open = strings_.back();
  strings_.pop_back();
  std::vector<StringPart> parts(std::make_move_iterator(pending_parts_.begin() + open.part_mark),
                                std::make_move_iterator(pending_parts_.end()));
  pending_parts_.resize(open.part_mark);
  if (open.text_block) dedent_text_block(parts);
  ExprId id = add_expr(ExprKind::String, open.begin, end);
  Expr& e = tree_.exprs[id.index];
  e.text = slice(open.begin, end);
  e.text_block = open.text_block;
  e.first_part = static_cast<uint32_t>(tree_.string_parts.size());
  for (StringPart& part : parts) {
    if (!part.is_interpolation && part.text.empty()) continue;
    make_room(tree_.string_parts);
    tree_.string_parts.push_back(std::move(part));
  }
  e.part_count = static_cast<uint32_t>(tree_.string_parts.size()) - e.first_part;
  deepen(id, open.begin);
  push_value(id);
}

// ---- Types -------------------------------------------------------------------

void TreeBuilder::type_name(uint32_t begin, uint32_t end) {
  TypeRef& t = tree_.types.emplace_back();
  t.name = Ident{slice(begin, end), range(begin, end)};
  t.range = range(begin, end);
  type_stack_.push_back(TypeId{static_cast<uint32_t>(tree_.types.size() - 1)});
}

void TreeBuilder::open_type_arg(uint32_t at) {
  std::string_view outer =
      type_stack_.empty() ? std::string_view() : tree_.types[type_stack_.back().index].name.text;
  brackets_.push_back({'<', at, static_cast<uint32_t>(values_.size()), outer});
}

void TreeBuilder::close_type_arg(uint32_t end) {
  brackets_.pop_back();
  TypeId inner = pop_type();
  if (type_stack_.empty()) return;
  TypeRef& outer = tree_.types[type_stack_.back().index];
  outer.arg = inner;
  outer.range.end = end;
}

}  // namespace flowc::syntax
