// Expressions, bracketed sequences and types.
#include <algorithm>

#include "compiler/format/builder.h"
#include "compiler/format/text_block.h"

namespace flowc::format {

using syntax::Expr;
using syntax::ExprId;
using syntax::ExprKind;

namespace {

std::string_view compare_op(syntax::CompareOp op) {
  switch (op) {
    case syntax::CompareOp::Eq: return "==";
    case syntax::CompareOp::Ne: return "!=";
    case syntax::CompareOp::Lt: return "<";
    case syntax::CompareOp::Le: return "<=";
    case syntax::CompareOp::Gt: return ">";
    case syntax::CompareOp::Ge: return ">=";
  }
  return "==";
}

}  // namespace

DocId Builder::flush_comments(uint32_t offset) {
  // Code precedes the first comment on its line; each comment ends its line.
  std::vector<DocId> parts;
  bool line_start = false;
  for (uint32_t c : comments_.take(floor_, offset)) {
    if (comments_.trailing(c) && !line_start) {
      parts.push_back(docs_.trailing_comment(comments_.text(c), docs_.new_comment_group()));
    } else {
      if (!line_start) parts.push_back(docs_.hard_line());
      parts.push_back(docs_.text(comments_.text(c)));
    }
    parts.push_back(docs_.hard_line());
    line_start = true;
  }
  return docs_.concat(std::move(parts));
}

DocId Builder::expr(ExprId id) {
  if (!valid(id)) return docs_.empty();
  const Expr& e = tree_.expr(id);
  // A comment before this expression that no bracket slot took (say, after
  // `and` inside parentheses) ends its line here.
  DocId before = flush_comments(e.range.begin);
  return docs_.concat({before, expr_kind(e)});
}

DocId Builder::expr_kind(const Expr& e) {
  auto operand = [&](size_t i) { return i < e.operands.size() ? expr(e.operands[i]) : docs_.empty(); };
  auto binary = [&](std::string op) {
    DocId lhs = operand(0);
    if (e.operands.size() == 2 && valid(e.operands[0]) && valid(e.operands[1])) {
      // A comment between the left operand and the operator stays there
      // (§6.7): it ends the left operand's line, the operator starts the next.
      const uint32_t lhs_end = tree_.expr(e.operands[0]).range.end;
      const uint32_t op_at = source_.code_after(lhs_end, tree_.expr(e.operands[1]).range.begin);
      if (comments_.any(lhs_end, op_at)) {
        DocId comments = flush_comments(op_at);
        return docs_.concat({lhs, comments, docs_.text(op + " "), operand(1)});
      }
    }
    return docs_.concat({lhs, docs_.text(" " + op + " "), operand(1)});
  };
  switch (e.kind) {
    case ExprKind::Int:
    case ExprKind::Float:
    case ExprKind::Percent:
    case ExprKind::Duration:
    case ExprKind::Date:
    case ExprKind::Time:
    case ExprKind::Bool:
    case ExprKind::Error:
      // Literals keep their spelling (`1_000`, `1h30m`, `0.50`).
      return e.kind == ExprKind::Error ? string_literal(e) : docs_.text(spelling(e.range));
    case ExprKind::String:
      return string_literal(e);
    case ExprKind::Name:
      return docs_.text(std::string(e.text.empty() ? source_.spelling(e.range) : e.text));
    case ExprKind::Self:
      return docs_.text("self");
    case ExprKind::List: {
      std::vector<SourceRange> ranges;
      for (ExprId op : e.operands) ranges.push_back(valid(op) ? tree_.expr(op).range : e.range);
      uint32_t close = e.range.end > e.range.begin ? e.range.end - 1 : e.range.begin;
      return sequence("[", "]", e.range.begin, close, ranges, [&](size_t i) { return expr(e.operands[i]); });
    }
    case ExprKind::Paren: {
      DocId inner = docs_.indent(operand(0));
      DocId after = flush_comments(e.range.end > 0 ? e.range.end - 1 : 0);
      return docs_.concat({docs_.text("("), inner, after, docs_.text(")")});
    }
    case ExprKind::Member: {
      DocId object = operand(0);
      return docs_.concat({object, docs_.text("." + std::string(e.text))});
    }
    case ExprKind::Call:
      return call(e);
    case ExprKind::NamedArg:
      return docs_.concat({docs_.text(std::string(e.text) + " = "), operand(0)});
    case ExprKind::Not:
      return docs_.concat({docs_.text("not "), operand(0)});
    case ExprKind::And:
      return binary("and");
    case ExprKind::Or:
      return binary("or");
    case ExprKind::Compare:
      return binary(std::string(compare_op(e.op)));
    case ExprKind::In:
      return binary("in");
    case ExprKind::Change:
      return binary("change " + std::string(compare_op(e.op)));
    case ExprKind::Range:
      return binary("..");
  }
  return docs_.text(spelling(e.range));
}

DocId Builder::string_literal(const Expr& e) {
  std::string_view text = source_.spelling(e.range);
  // The string is printed as written, so comments inside `${...}` travel
  // with it and are not printed again.
  comments_.take(e.range.begin, e.range.end);
  if (e.kind == ExprKind::String && e.text_block) {
    TextBlockLayout layout = layout_text_block(text);
    return docs_.text_block(std::move(layout.lines), "  ", layout.verbatim);
  }
  if (text.find('\n') == std::string_view::npos) return docs_.text(std::string(text));
  TextBlockLayout layout = layout_text_block(text);  // a newline inside `${...}`
  return docs_.text_block(std::move(layout.lines), "", true);
}

DocId Builder::call(const Expr& e) {
  if (e.operands.empty()) return docs_.text(spelling(e.range));
  DocId callee = expr(e.operands[0]);
  uint32_t callee_end = valid(e.operands[0]) ? tree_.expr(e.operands[0]).range.end : e.range.begin;
  uint32_t open = source_.find_token(callee_end, e.range.end, '(').value_or(callee_end);
  std::vector<SourceRange> ranges;
  for (size_t i = 1; i < e.operands.size(); ++i) {
    ranges.push_back(valid(e.operands[i]) ? tree_.expr(e.operands[i]).range : e.range);
  }
  uint32_t from = ranges.empty() ? open + 1 : ranges.back().end;
  uint32_t close = source_.find_token(from, e.range.end, ')').value_or(e.range.end > 0 ? e.range.end - 1 : 0);
  if (DocId hugged = hugged_list_argument(e, open, close); hugged != kNoDoc) return docs_.concat({callee, hugged});
  DocId args = sequence("(", ")", open, close, ranges, [&](size_t i) { return expr(e.operands[i + 1]); });
  return docs_.concat({callee, args});
}

DocId Builder::hugged_list_argument(const Expr& e, uint32_t open, uint32_t close) {
  // `command([...])` and `merge(key = [...])`: the call's only argument is a
  // list, so the call's parentheses hug it and only the list breaks.
  if (e.operands.size() != 2 || !valid(e.operands[1])) return kNoDoc;
  const Expr& arg = tree_.expr(e.operands[1]);
  const Expr* list = &arg;
  if (arg.kind == ExprKind::NamedArg && arg.operands.size() == 1 && valid(arg.operands[0])) {
    list = &tree_.expr(arg.operands[0]);
  }
  if (list->kind != ExprKind::List) return kNoDoc;
  if (comments_.any(open, list->range.begin) || comments_.any(list->range.end, close + 1)) return kNoDoc;
  DocId prefix = docs_.text(arg.kind == ExprKind::NamedArg ? "(" + std::string(arg.text) + " = " : "(");
  return docs_.concat({prefix, expr_kind(*list), docs_.text(")")});
}

DocId Builder::type(syntax::TypeId id) {
  if (!id.valid() || id.index >= tree_.types.size()) return docs_.empty();
  const syntax::TypeRef& t = tree_.type(id);
  if (!t.arg.valid()) return docs_.text(std::string(t.name.text));
  return docs_.concat({docs_.text(std::string(t.name.text) + "<"), type(t.arg), docs_.text(">")});
}

DocId Builder::sequence(std::string_view open, std::string_view close, uint32_t open_at, uint32_t close_at,
                        const std::vector<SourceRange>& ranges, const std::function<DocId(size_t)>& item) {
  uint32_t group = docs_.new_comment_group();
  std::vector<DocId> inner;
  std::vector<uint32_t> pending;  // own-line comments waiting for the next item
  uint32_t trailing_group = 0;  // group of a trailing comment just printed, else 0

  // Comments of a slot: a continuation follows its trailing comment at once,
  // any other own-line comment goes above the next item (or before the close).
  auto absorb = [&](const std::vector<uint32_t>& cs) {
    for (uint32_t c : cs) {
      if (comments_.continuation(c) && trailing_group != 0 && pending.empty()) {
        inner.push_back(docs_.hard_line());
        inner.push_back(docs_.continuation_comment(comments_.text(c), trailing_group));
      } else {
        pending.push_back(c);
        trailing_group = 0;
      }
    }
  };

  DocId head = docs_.text(std::string(open));
  uint32_t first_limit = ranges.empty() ? close_at : ranges[0].begin;
  if (auto t = comments_.take_on_line(open_at + 1, first_limit, source_.line(open_at))) {
    // The opening bracket's line has its own column: its items are indented.
    trailing_group = docs_.new_comment_group();
    head = docs_.concat({head, docs_.trailing_comment(comments_.text(*t), trailing_group)});
  }
  absorb(comments_.take(open_at + 1, first_limit));

  for (size_t i = 0; i < ranges.size(); ++i) {
    inner.push_back(docs_.line(i == 0 ? "" : " "));
    for (uint32_t c : pending) {
      inner.push_back(docs_.text(comments_.text(c)));
      inner.push_back(docs_.hard_line());
    }
    pending.clear();
    inner.push_back(item(i));
    inner.push_back(i + 1 < ranges.size() ? docs_.text(",") : docs_.if_break(","));
    uint32_t next = i + 1 < ranges.size() ? ranges[i + 1].begin : close_at;
    trailing_group = 0;
    if (auto t = comments_.take_on_line(ranges[i].end, next, source_.last_line(ranges[i]))) {
      inner.push_back(docs_.trailing_comment(comments_.text(*t), group));
      trailing_group = group;
    }
    absorb(comments_.take(ranges[i].end, next));
  }
  for (uint32_t c : pending) {
    inner.push_back(docs_.hard_line());
    inner.push_back(docs_.text(comments_.text(c)));
  }
  bool empty = ranges.empty() && inner.empty() && docs_.node(head).kind == DocKind::Text;
  if (empty) return docs_.text(std::string(open) + std::string(close));

  // Written on one line: stays on one line, however long (it holds no comment).
  GroupMode mode = source_.line(open_at) == source_.line(close_at) ? GroupMode::Flat : GroupMode::Auto;
  DocId body = docs_.concat({head, docs_.indent(docs_.concat(std::move(inner))), docs_.line(""),
                             docs_.text(std::string(close))});
  return docs_.group(body, mode);
}

}  // namespace flowc::format
