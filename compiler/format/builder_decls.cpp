// Declarations, blocks, members and the comments between them.
#include <algorithm>

#include "compiler/format/builder.h"

namespace flowc::format {

using syntax::Block;
using syntax::Member;
using syntax::MemberKind;

namespace {

SourceRange decl_range(const syntax::SyntaxTree& tree, const syntax::Decl& d) {
  if (d.block.valid() && d.block.index < tree.blocks.size()) return tree.block(d.block).range;
  if (d.fn.valid() && d.fn.index < tree.fns.size()) return tree.fn(d.fn).range;
  return {};
}

std::string block_head(const Block& b) {
  return std::string(syntax::block_kind_name(b.kind)) + " " + std::string(b.name.text);
}

}  // namespace

void Builder::own_line_comment(uint32_t c, LineState& st, std::vector<DocId>& out, bool force_blank) {
  if (comments_.continuation(c) && st.trailing_group != 0 && comments_.line(c) == st.prev_line + 1) {
    out.push_back(docs_.hard_line());
    out.push_back(docs_.continuation_comment(comments_.text(c), st.trailing_group));
  } else {
    if (!st.first && (force_blank || comments_.line(c) > st.prev_line + 1)) out.push_back(docs_.hard_line());
    out.push_back(docs_.hard_line());
    out.push_back(docs_.text(comments_.text(c)));
    st.trailing_group = 0;
  }
  st.prev_line = comments_.line(c);
  st.first = false;
}

void Builder::leftover_comments(SourceRange range, std::vector<DocId>& out) {
  // Comments inside a construct that no slot took: printed on their own lines
  // after it rather than lost.
  for (uint32_t c : comments_.take(range.begin, range.end)) {
    out.push_back(docs_.hard_line());
    out.push_back(docs_.text(comments_.text(c)));
  }
}

DocId Builder::file() {
  std::vector<const syntax::Decl*> decls;
  for (const syntax::Decl& d : tree_.decls) {
    if (decl_range(tree_, d).valid()) decls.push_back(&d);
  }
  std::stable_sort(decls.begin(), decls.end(), [&](const syntax::Decl* a, const syntax::Decl* b) {
    return decl_range(tree_, *a).begin < decl_range(tree_, *b).begin;
  });

  std::vector<DocId> out;
  LineState st;
  uint32_t cursor = 0;
  for (size_t i = 0; i < decls.size(); ++i) {
    SourceRange r = decl_range(tree_, *decls[i]);
    // Comments between declarations lead the next one, a blank line above them.
    bool after_decl = i > 0;
    for (uint32_t c : comments_.take(cursor, r.begin)) {
      bool continues = comments_.continuation(c) && st.trailing_group != 0;
      own_line_comment(c, st, out, after_decl && !continues);
      if (!continues) after_decl = false;
    }
    if (!st.first && (after_decl || source_.line(r.begin) > st.prev_line + 1)) out.push_back(docs_.hard_line());
    out.push_back(docs_.hard_line());
    floor_ = r.begin;
    out.push_back(decl(*decls[i]));
    leftover_comments(r, out);
    uint32_t next = i + 1 < decls.size() ? decl_range(tree_, *decls[i + 1]).begin : UINT32_MAX;
    st.prev_line = source_.last_line(r);
    st.trailing_group = 0;
    st.first = false;
    if (auto t = comments_.take_on_line(r.end, next, st.prev_line)) {
      st.trailing_group = docs_.new_comment_group();
      out.push_back(docs_.trailing_comment(comments_.text(*t), st.trailing_group));
    }
    cursor = r.end;
  }
  // Comments after the last declaration, then any the slots above missed.
  for (uint32_t c : comments_.take(cursor, UINT32_MAX)) own_line_comment(c, st, out, false);
  for (uint32_t c : comments_.take_rest()) own_line_comment(c, st, out, false);
  out.push_back(docs_.hard_line());
  return docs_.concat(std::move(out));
}

DocId Builder::decl(const syntax::Decl& d) {
  if (d.block.valid() && d.block.index < tree_.blocks.size()) return block(tree_.block(d.block), 0);
  return fn(tree_.fn(d.fn));
}

bool Builder::one_line_block(const Block& b) const {
  if (!b.closed) return false;
  // An empty block is `{}` however it was written, unless it holds comments.
  if (b.members.empty()) return !comments_.any(b.range.begin, b.range.end);
  return b.members.size() == 1 && source_.line(b.range.begin) == source_.last_line(b.range);
}

DocId Builder::block(const Block& b, size_t head_width) {
  std::string head = block_head(b);
  if (one_line_block(b)) {
    head.append(head_width > head.size() ? head_width - head.size() : 0, ' ');
    if (b.members.empty() || b.members[0].index >= tree_.members.size()) return docs_.text(head + " {}");
    DocId inner = member(tree_.member(b.members[0]), MemberLayout{});
    return docs_.concat({docs_.text(head + " { "), inner, docs_.text(" }")});
  }
  return block_body(b, docs_.text(head + " {"));
}

std::vector<Builder::MemberLayout> Builder::member_layouts(const Block& b) {
  std::vector<MemberLayout> layouts(b.members.size());
  auto is_one_line_block = [&](const Member& m) {
    return m.kind == MemberKind::Block && m.block.index < tree_.blocks.size() && one_line_block(tree_.block(m.block));
  };
  // A run ends at a blank line; `=` runs also end at anything that is not an
  // attribute, `{` runs at anything that is not a one-line block, comment
  // runs at a block spanning several lines.
  size_t eq_start = 0;
  size_t head_start = 0;
  uint32_t group = docs_.new_comment_group();
  auto close_runs = [&](size_t end, size_t& start, auto width_of, size_t MemberLayout::*field) {
    size_t width = 0;
    for (size_t j = start; j < end; ++j) width = std::max(width, width_of(tree_.member(b.members[j])));
    for (size_t j = start; j < end; ++j) layouts[j].*field = width;
    start = end;
  };
  auto name_width = [](const Member& m) { return m.kind == MemberKind::Attribute ? m.name.text.size() : 0; };
  auto head_width = [&](const Member& m) { return is_one_line_block(m) ? block_head(tree_.block(m.block)).size() : 0; };
  for (size_t i = 0; i < b.members.size(); ++i) {
    const Member& m = tree_.member(b.members[i]);
    bool blank = i > 0 && source_.blank_line_between(tree_.member(b.members[i - 1]).range.end, m.range.begin);
    bool multi_block = m.kind == MemberKind::Block && !is_one_line_block(m);
    bool prev_multi_block = i > 0 && tree_.member(b.members[i - 1]).kind == MemberKind::Block &&
                            !is_one_line_block(tree_.member(b.members[i - 1]));
    if (blank || m.kind != MemberKind::Attribute) close_runs(i, eq_start, name_width, &MemberLayout::name_width);
    if (m.kind != MemberKind::Attribute) eq_start = i + 1;
    if (blank || !is_one_line_block(m)) close_runs(i, head_start, head_width, &MemberLayout::head_width);
    if (!is_one_line_block(m)) head_start = i + 1;
    if (i > 0 && (blank || multi_block || prev_multi_block)) group = docs_.new_comment_group();
    layouts[i].comment_group = group;
  }
  close_runs(b.members.size(), eq_start, name_width, &MemberLayout::name_width);
  close_runs(b.members.size(), head_start, head_width, &MemberLayout::head_width);
  return layouts;
}

DocId Builder::block_body(const Block& b, DocId header) {
  std::vector<syntax::MemberId> ids;
  for (syntax::MemberId id : b.members) {
    if (id.index < tree_.members.size()) ids.push_back(id);
  }
  Block checked = b;
  checked.members = ids;
  std::vector<MemberLayout> layouts = member_layouts(checked);

  uint32_t header_line = source_.line(b.name.range.valid() ? b.name.range.begin : b.range.begin);
  uint32_t body_begin = b.name.range.valid() ? b.name.range.end : b.range.begin;
  uint32_t close_at = b.closed && b.range.end > b.range.begin ? b.range.end - 1 : b.range.end;
  std::vector<DocId> head{header};
  LineState st;
  st.prev_line = header_line;
  uint32_t first_limit = ids.empty() ? close_at : tree_.member(ids[0]).range.begin;
  if (auto t = comments_.take_on_line(body_begin, first_limit, header_line)) {
    st.trailing_group = docs_.new_comment_group();
    head.push_back(docs_.trailing_comment(comments_.text(*t), st.trailing_group));
  }

  std::vector<DocId> items;
  uint32_t cursor = body_begin;
  for (size_t i = 0; i < ids.size(); ++i) {
    const Member& m = tree_.member(ids[i]);
    for (uint32_t c : comments_.take(cursor, m.range.begin)) own_line_comment(c, st, items, false);
    if (!st.first && source_.line(m.range.begin) > st.prev_line + 1) items.push_back(docs_.hard_line());
    items.push_back(docs_.hard_line());
    floor_ = m.range.begin;
    items.push_back(member(m, layouts[i]));
    leftover_comments(m.range, items);
    st.prev_line = source_.last_line(m.range);
    st.trailing_group = 0;
    st.first = false;
    uint32_t next = i + 1 < ids.size() ? tree_.member(ids[i + 1]).range.begin : close_at;
    if (auto t = comments_.take_on_line(m.range.end, next, st.prev_line)) {
      st.trailing_group = layouts[i].comment_group;
      items.push_back(docs_.trailing_comment(comments_.text(*t), st.trailing_group));
    }
    cursor = m.range.end;
  }
  // Comments at the end of the block stay inside it.
  for (uint32_t c : comments_.take(cursor, close_at)) own_line_comment(c, st, items, false);

  if (items.empty() && head.size() == 1) return docs_.concat({header, docs_.text("}")});
  return docs_.concat({docs_.concat(std::move(head)), docs_.indent(docs_.concat(std::move(items))),
                       docs_.hard_line(), docs_.text(b.closed ? "}" : "")});
}

DocId Builder::member(const Member& m, const MemberLayout& layout) {
  switch (m.kind) {
    case MemberKind::Attribute: {
      std::string name(m.name.text);
      name.append(layout.name_width > name.size() ? layout.name_width - name.size() : 0, ' ');
      return docs_.concat({docs_.text(name + " = "), expr(m.value)});
    }
    case MemberKind::Param: {
      std::vector<DocId> parts{docs_.text("param " + std::string(m.name.text) + ": "), type(m.type)};
      if (valid(m.value)) {
        parts.push_back(docs_.text(" = "));
        parts.push_back(expr(m.value));
      }
      return docs_.concat(std::move(parts));
    }
    case MemberKind::Expect: {
      std::vector<DocId> parts{docs_.text("expect "), expr(m.value)};
      if (m.severity == syntax::ExpectSeverity::Warn) parts.push_back(docs_.text(" else warn"));
      if (m.severity == syntax::ExpectSeverity::Fail) parts.push_back(docs_.text(" else fail"));
      if (valid(m.label)) {
        parts.push_back(docs_.text(" as "));
        parts.push_back(expr(m.label));
      }
      return docs_.concat(std::move(parts));
    }
    case MemberKind::Block:
      if (!m.block.valid() || m.block.index >= tree_.blocks.size()) return docs_.text(spelling(m.range));
      return block(tree_.block(m.block), layout.head_width);
  }
  return docs_.text(spelling(m.range));
}

DocId Builder::fn(const syntax::FnDecl& f) {
  std::string head = std::string(f.is_extern ? "extern fn " : "fn ") + std::string(f.name.text);
  uint32_t name_end = f.name.range.valid() ? f.name.range.end : f.range.begin;
  uint32_t open = source_.find_token(name_end, f.range.end, '(').value_or(name_end);
  std::vector<SourceRange> ranges;
  for (const syntax::FnParam& p : f.params) ranges.push_back(p.range);
  uint32_t from = ranges.empty() ? open + 1 : ranges.back().end;
  uint32_t close = source_.find_token(from, f.range.end, ')').value_or(from);
  DocId params = sequence("(", ")", open, close, ranges, [&](size_t i) {
    const syntax::FnParam& p = f.params[i];
    // A comment inside the parameter (`col: # the key` before a line break)
    // cannot stay there on one line: it goes above the parameter.
    std::vector<DocId> parts;
    for (uint32_t c : comments_.take(p.range.begin, p.range.end)) {
      parts.push_back(docs_.text(comments_.text(c)));
      parts.push_back(docs_.hard_line());
    }
    parts.push_back(docs_.text(std::string(p.name.text) + ": "));
    parts.push_back(type(p.type));
    parts.push_back(docs_.text(p.variadic ? "..." : ""));
    return docs_.concat(std::move(parts));
  });
  std::vector<DocId> parts{docs_.text(head), params, docs_.text(" -> "), type(f.result)};
  if (valid(f.body)) {
    // A comment between the result type and a `= body` on the next line
    // keeps the body there, and stays where it was: a trailing one ends the
    // signature's line, an own-line one keeps a line of its own (§6).
    std::vector<uint32_t> between;
    if (f.result.valid() && f.result.index < tree_.types.size())
      between = comments_.take(tree_.type(f.result).range.end, tree_.expr(f.body).range.begin);
    for (size_t i = 0; i < between.size(); ++i) {
      if (i > 0 || !comments_.trailing(between[i])) parts.push_back(docs_.hard_line());
      parts.push_back(docs_.text("  " + comments_.text(between[i])));
    }
    if (!between.empty()) parts.push_back(docs_.hard_line());
    parts.push_back(docs_.text(between.empty() ? " = " : "  = "));
    parts.push_back(expr(f.body));
  }
  return docs_.concat(std::move(parts));
}

}  // namespace flowc::format
