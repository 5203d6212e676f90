// TreeBuilder: blocks, members, functions, doc comments and snapshots.
#include <algorithm>

#include "compiler/syntax/builder.h"

namespace flowc::syntax {
namespace {

BlockKind block_kind_of(std::string_view word) {
  if (word == "project") return BlockKind::Project;
  if (word == "target") return BlockKind::Target;
  if (word == "environment") return BlockKind::Environment;
  if (word == "route") return BlockKind::Route;
  if (word == "legacy") return BlockKind::Legacy;
  if (word == "source") return BlockKind::Source;
  if (word == "task") return BlockKind::Task;
  return BlockKind::Workflow;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

}  // namespace

std::string TreeBuilder::doc_above(uint32_t keyword) const {
  uint32_t line = keyword;
  while (line > 0 && text_[line - 1] != '\n') {
    if (!is_blank(text_[line - 1])) return {};  // not first on its line
    --line;
  }
  std::vector<std::string_view> lines;
  while (line > 0) {
    uint32_t prev_end = line - 1;  // the '\n'
    uint32_t prev = prev_end;
    while (prev > 0 && text_[prev - 1] != '\n') --prev;
    std::string_view l = slice(prev, prev_end);
    while (!l.empty() && is_blank(l.front())) l.remove_prefix(1);
    while (!l.empty() && is_blank(l.back())) l.remove_suffix(1);
    if (l.size() < 2 || l[0] != '#' || l[1] != '#') break;
    l.remove_prefix(2);
    if (!l.empty() && l.front() == ' ') l.remove_prefix(1);
    lines.push_back(l);
    line = prev;
  }
  std::string doc;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (!doc.empty() || it != lines.rbegin()) doc += '\n';
    doc.append(*it);
  }
  return doc;
}

void TreeBuilder::attach_member(Member member) {
  make_room(tree_.members);
  tree_.members.push_back(std::move(member));
  if (open_blocks_.empty()) return;
  tree_.blocks[open_blocks_.back().index].members.push_back(
      MemberId{static_cast<uint32_t>(tree_.members.size() - 1)});
}

// ---- Blocks ------------------------------------------------------------------

void TreeBuilder::block_head(uint32_t begin) {
  std::string_view word = identifier_at(begin);
  pending_kind_ = block_kind_of(word);
  pending_keyword_ = range(begin, begin + static_cast<uint32_t>(word.size()));
  ctx_kw_ = word;
}

void TreeBuilder::block_name(uint32_t begin, uint32_t end) {
  pending_name_ = Ident{slice(begin, end), range(begin, end)};
  ctx_name_ = pending_name_.text;
}

void TreeBuilder::open_block(uint32_t brace) {
  Block& b = tree_.blocks.emplace_back();
  b.kind = pending_kind_;
  b.name = pending_name_;
  b.keyword_range = pending_keyword_;
  b.range = range(pending_keyword_.begin, brace + 1);
  b.doc = doc_above(pending_keyword_.begin);
  open_blocks_.push_back(BlockId{static_cast<uint32_t>(tree_.blocks.size() - 1)});
  brackets_.push_back({'{', brace, static_cast<uint32_t>(values_.size()), block_kind_name(pending_kind_)});
}

void TreeBuilder::open_block_late(uint32_t junk, uint32_t brace) {
  report_error(grammar::ErrorPoint{DiagKind::ExpectedSyntax, grammar::ErrorFlavor::Plain,
                                   "expected `{` after `{kw} {name}`"},
               junk);
  open_block(brace);
}

void TreeBuilder::finish_block(BlockId id) {
  const Block& b = tree_.blocks[id.index];
  last_member_kind_ = "the `{}` block";
  last_member_name_ = block_kind_name(b.kind);
  if (open_blocks_.empty()) {
    tree_.decls.push_back(Decl{id, {}});
    return;
  }
  Member m;
  m.kind = MemberKind::Block;
  m.range = b.range;
  m.block = id;
  attach_member(std::move(m));
}

void TreeBuilder::close_block(uint32_t end) {
  BlockId id = open_blocks_.back();
  open_blocks_.pop_back();
  while (!brackets_.empty() && brackets_.back().kind != '{') brackets_.pop_back();
  if (!brackets_.empty()) brackets_.pop_back();
  tree_.blocks[id.index].range.end = end;
  finish_block(id);
}

uint32_t TreeBuilder::column(uint32_t offset) const {
  uint32_t line = offset;
  while (line > 0 && text_[line - 1] != '\n') --line;
  return offset - line;
}

bool TreeBuilder::misplaced_close(BlockId outer, BlockId& culprit, uint32_t& spot) const {
  std::vector<BlockId> todo{outer};  // depth-first, in source order
  while (!todo.empty()) {
    BlockId id = todo.back();
    todo.pop_back();
    const Block& b = tree_.blocks[id.index];
    for (auto it = b.members.rbegin(); it != b.members.rend(); ++it) {
      const Member& m = tree_.members[it->index];
      if (m.kind == MemberKind::Block) todo.push_back(m.block);
    }
    if (id == outer || !b.closed) continue;
    const uint32_t keyword_column = column(b.keyword_range.begin);
    const uint32_t brace = b.range.end - 1;
    if (column(brace) >= keyword_column) continue;
    culprit = id;
    spot = brace;
    for (MemberId mid : b.members) {
      const Member& m = tree_.members[mid.index];
      if (column(m.range.begin) <= keyword_column) {
        spot = m.range.begin;
        break;
      }
    }
    return true;
  }
  return false;
}

void TreeBuilder::unclosed_block(uint32_t at) {
  BlockId id = open_blocks_.back();
  Block& b = tree_.blocks[id.index];
  uint32_t end = at;  // the block ends with its last token
  while (end > b.range.end && (is_blank(text_[end - 1]) || text_[end - 1] == '\n')) --end;
  b.range.end = std::max(end, b.range.end);
  b.closed = false;
  // Which `}` is missing? By default this block's, reported where the parser
  // gave up. If a nested block was closed by a `}` indented less than its
  // keyword, that `}` was meant for an enclosing block: the nested block is
  // the one missing its brace, at its first member indented like its keyword.
  BlockId culprit = id;
  uint32_t spot = at;
  uint32_t brace = brackets_.empty() ? b.range.begin : brackets_.back().at;
  if (misplaced_close(id, culprit, spot)) {
    const Block& c = tree_.blocks[culprit.index];
    brace = static_cast<uint32_t>(text_.find('{', c.name.range.end));
  }
  const Block& missing = tree_.blocks[culprit.index];
  std::string kind(block_kind_name(missing.kind));
  // When recovery swallowed the rest of the file (an unterminated text block,
  // say), the missing `}` is a consequence already reported.
  bool cascade = skipped_to_end_ && at == text_.size() && culprit == id;
  if (Diagnostic* d = cascade ? nullptr
                              : emit(DiagKind::UnclosedBracket, token_at(spot).range,
                                     "expected `}` to close the `" + kind + "` block opened here")) {
    d->notes.push_back({range(brace, brace + 1),
                        "the `" + kind + "` block `" + std::string(missing.name.text) + "` opens here"});
  }
  close_block(b.range.end);
}

// ---- Members -----------------------------------------------------------------

void TreeBuilder::attribute_name(uint32_t begin, uint32_t end) {
  pending_member_ = Member{};
  pending_member_.kind = MemberKind::Attribute;
  pending_member_.name = Ident{slice(begin, end), range(begin, end)};
  ctx_name_ = pending_member_.name.text;
  if (!snapshots_.empty())
    snapshots_.back().head = Head{true, MemberKind::Attribute, pending_member_.name, begin};
}

void TreeBuilder::attribute(uint32_t begin, uint32_t end) {
  Member m = std::move(pending_member_);
  m.value = pop_value();
  m.range = range(begin, end);
  last_member_kind_ = "the value of `{}`";
  last_member_name_ = m.name.text;
  attach_member(std::move(m));
}

void TreeBuilder::param_begin(uint32_t begin) {
  pending_member_ = Member{};
  pending_member_.kind = MemberKind::Param;
  pending_member_.range = range(begin, begin);
  ctx_kw_ = "param";
}

void TreeBuilder::param_name(uint32_t begin, uint32_t end) {
  pending_member_.name = Ident{slice(begin, end), range(begin, end)};
  ctx_name_ = pending_member_.name.text;
  // Once named, a param whose type or default does not parse is kept (with
  // neither): its uses then resolve, rather than each being reported as
  // naming nothing on top of the syntax error.
  if (!snapshots_.empty())
    snapshots_.back().head = Head{true, MemberKind::Param, pending_member_.name, pending_member_.range.begin};
}

void TreeBuilder::param_type() { pending_member_.type = pop_type(); }
void TreeBuilder::param_default() { pending_member_.value = pop_value(); }

void TreeBuilder::param(uint32_t begin, uint32_t end) {
  Member m = std::move(pending_member_);
  m.range = range(begin, end);
  m.doc = doc_above(begin);
  last_member_kind_ = "parameter `{}`";
  last_member_name_ = m.name.text;
  attach_member(std::move(m));
}

void TreeBuilder::expect_begin(uint32_t begin) {
  pending_member_ = Member{};
  pending_member_.kind = MemberKind::Expect;
  if (!snapshots_.empty()) snapshots_.back().head = Head{true, MemberKind::Expect, {}, begin};
}

void TreeBuilder::expect_condition() { pending_member_.value = pop_value(); }

void TreeBuilder::expect_severity(uint32_t begin, uint32_t end) {
  pending_member_.severity = slice(begin, end) == "warn" ? ExpectSeverity::Warn : ExpectSeverity::Fail;
  pending_member_.severity_range = range(begin, end);
}

void TreeBuilder::expect_label() { pending_member_.label = pop_value(); }

void TreeBuilder::expect(uint32_t begin, uint32_t end) {
  Member m = std::move(pending_member_);
  m.range = range(begin, end);
  last_member_kind_ = "the expectation";
  attach_member(std::move(m));
}

void TreeBuilder::recovered_member(uint32_t begin, uint32_t end) {
  skipped_to_end_ = skipped_to_end_ || end == text_.size();
  Head head = failed_head_;
  failed_head_ = Head{};
  if (!head.known || open_blocks_.empty()) return;
  while (end > begin && (is_blank(text_[end - 1]) || text_[end - 1] == '\n')) --end;
  Member m;
  m.kind = head.kind;
  m.name = head.name;
  m.range = range(head.begin, end);
  m.value = add_expr(ExprKind::Error, head.begin, end);
  m.recovered = true;
  attach_member(std::move(m));
}

void TreeBuilder::recovered_top(uint32_t begin, uint32_t end) {
  if (pending_fn_.name.text.empty() || pending_fn_.range.begin != begin) return;
  FnDecl f = std::move(pending_fn_);
  pending_fn_ = FnDecl{};
  // The failed declaration's snapshot was restored: the types it parsed are gone.
  for (FnParam& p : f.params) p.type = TypeId{};
  f.result = TypeId{};
  f.body = ExprId{};
  f.recovered = true;
  while (end > begin && (is_blank(text_[end - 1]) || text_[end - 1] == '\n')) --end;
  f.range = range(begin, end);
  f.doc = doc_above(begin);
  tree_.fns.push_back(std::move(f));
  tree_.decls.push_back(Decl{{}, FnId{static_cast<uint32_t>(tree_.fns.size() - 1)}});
}

// ---- Functions ---------------------------------------------------------------

void TreeBuilder::fn_begin(uint32_t begin, bool is_extern) {
  pending_fn_ = FnDecl{};
  pending_fn_.is_extern = is_extern;
  pending_fn_.range = range(begin, begin);
}

void TreeBuilder::fn_name(uint32_t begin, uint32_t end) {
  pending_fn_.name = Ident{slice(begin, end), range(begin, end)};
  ctx_fn_ = pending_fn_.name.text;
}

void TreeBuilder::fn_open(uint32_t at) {
  brackets_.push_back({'(', at, static_cast<uint32_t>(values_.size()), ctx_fn_});
}

void TreeBuilder::fn_param_name(uint32_t begin, uint32_t end) { ctx_name_ = slice(begin, end); }

void TreeBuilder::fn_param(uint32_t begin, uint32_t end) {
  FnParam& p = pending_fn_.params.emplace_back();
  std::string_view name = identifier_at(begin);
  p.name = Ident{name, range(begin, begin + static_cast<uint32_t>(name.size()))};
  p.type = pop_type();
  p.variadic = end - begin >= 3 && slice(end - 3, end) == "...";
  p.range = range(begin, end);
}

void TreeBuilder::fn_close() {
  if (!brackets_.empty()) brackets_.pop_back();
}

void TreeBuilder::fn_result() { pending_fn_.result = pop_type(); }
void TreeBuilder::fn_body() { pending_fn_.body = pop_value(); }

void TreeBuilder::fn(uint32_t begin, uint32_t end) {
  // The grammar makes the body optional for both kinds; only an `extern fn`
  // (implemented by the compiler) may go without one.
  if (!pending_fn_.is_extern && !pending_fn_.body.valid()) {
    report_error(grammar::ErrorPoint{DiagKind::ExpectedSyntax, grammar::ErrorFlavor::Plain,
                                     "expected `=` and the body of `{fn}` after its result type"},
                 end);
  }
  FnDecl f = std::move(pending_fn_);
  f.range = range(begin, end);
  f.doc = doc_above(begin);
  last_member_kind_ = "function `{}`";
  last_member_name_ = f.name.text;
  tree_.fns.push_back(std::move(f));
  tree_.decls.push_back(Decl{{}, FnId{static_cast<uint32_t>(tree_.fns.size() - 1)}});
}

// ---- Snapshots ---------------------------------------------------------------

void TreeBuilder::push_snapshot() {
  Snapshot s{values_.size(),
             brackets_.size(),
             ops_.size(),
             strings_.size(),
             pending_parts_.size(),
             type_stack_.size(),
             open_blocks_.size(),
             tree_.exprs.size(),
             tree_.string_parts.size(),
             tree_.types.size(),
             tree_.members.size(),
             tree_.blocks.size(),
             tree_.fns.size(),
             tree_.decls.size(),
             SIZE_MAX,
             depth,
             Head{}};
  if (!open_blocks_.empty()) s.parent_members = tree_.blocks[open_blocks_.back().index].members.size();
  snapshots_.push_back(s);
  failed_head_ = Head{};
}

void TreeBuilder::pop_snapshot() { snapshots_.pop_back(); }

void TreeBuilder::restore_snapshot() {
  const Snapshot s = snapshots_.back();
  snapshots_.pop_back();
  values_.resize(s.values);
  brackets_.resize(s.brackets);
  ops_.resize(s.ops);
  strings_.resize(s.strings);
  pending_parts_.resize(s.pending_parts);
  type_stack_.resize(s.type_stack);
  open_blocks_.resize(s.open_blocks);
  tree_.exprs.resize(s.exprs);
  tree_.string_parts.resize(s.parts);
  tree_.types.resize(s.types);
  tree_.members.resize(s.members);
  tree_.blocks.resize(s.blocks);
  tree_.fns.resize(s.fns);
  tree_.decls.resize(s.decls);
  if (!open_blocks_.empty() && s.parent_members != SIZE_MAX) {
    tree_.blocks[open_blocks_.back().index].members.resize(s.parent_members);
  }
  depth = s.depth;
  failed_head_ = s.head;
}

}  // namespace flowc::syntax
