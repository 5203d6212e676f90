// Turns a syntax tree into a Doc (doc.h): the canonical layout of every
// construct, with each comment placed in the slot it was written in.
// builder_decls.cpp holds declarations, blocks and members; builder_exprs.cpp
// holds expressions, lists, calls and types.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "compiler/format/comments.h"
#include "compiler/format/doc.h"
#include "compiler/syntax/tree.h"

namespace flowc::format {

/// Lines are at most this wide where a list or call may break.
inline constexpr int kLineWidth = 100;
/// "No doc" marker returned by builders that may decline.
inline constexpr DocId kNoDoc = UINT32_MAX;

class Builder {
 public:
  Builder(const syntax::SyntaxTree& tree, const SourceView& source, CommentIndex& comments, Docs& docs)
      : tree_(tree), source_(source), comments_(comments), docs_(docs) {}

  /// The doc of the whole file, every comment included.
  DocId file();

 private:
  /// Where the previous line of a body ended, for blank lines and comment
  /// continuations.
  struct LineState {
    uint32_t prev_line = 0;
    uint32_t trailing_group = 0;  // comment group of a trailing comment on prev_line, or 0
    bool first = true;            // nothing printed in this body yet
  };

  /// Alignment facts of one member of a block body, decided from the source
  /// structure only (so a second formatting decides the same).
  struct MemberLayout {
    size_t name_width = 0;   // attribute: width its name is padded to
    size_t head_width = 0;   // one-line block: width of `kind name` padded to
    uint32_t comment_group = 0;
  };

  // builder_decls.cpp
  DocId decl(const syntax::Decl& d);
  DocId block(const syntax::Block& b, size_t head_width);
  DocId block_body(const syntax::Block& b, DocId header);
  [[nodiscard]] bool one_line_block(const syntax::Block& b) const;
  std::vector<MemberLayout> member_layouts(const syntax::Block& b);
  DocId member(const syntax::Member& m, const MemberLayout& layout);
  DocId fn(const syntax::FnDecl& f);
  void own_line_comment(uint32_t c, LineState& st, std::vector<DocId>& out, bool force_blank);
  void leftover_comments(SourceRange range, std::vector<DocId>& out);

  // builder_exprs.cpp
  DocId expr(syntax::ExprId id);
  DocId expr_kind(const syntax::Expr& e);
  DocId string_literal(const syntax::Expr& e);
  DocId call(const syntax::Expr& e);
  /// The arguments of a call whose only argument is a list, hugging it; or
  /// kNoDoc when the call is not of that shape.
  DocId hugged_list_argument(const syntax::Expr& e, uint32_t open, uint32_t close);
  DocId type(syntax::TypeId id);
  /// A bracketed, comma-separated sequence (list, call arguments, fn
  /// parameters): flat on one line, or one item per line with a trailing comma.
  DocId sequence(std::string_view open, std::string_view close, uint32_t open_at, uint32_t close_at,
                 const std::vector<SourceRange>& ranges, const std::function<DocId(size_t)>& item);
  /// Comments left before `offset` in the current member, each ending its line.
  DocId flush_comments(uint32_t offset);

  [[nodiscard]] bool valid(syntax::ExprId id) const { return id.valid() && id.index < tree_.exprs.size(); }
  [[nodiscard]] std::string spelling(SourceRange r) const { return std::string(source_.spelling(r)); }

  const syntax::SyntaxTree& tree_;
  const SourceView& source_;
  CommentIndex& comments_;
  Docs& docs_;
  uint32_t floor_ = 0;  // comments before this offset belong to earlier members
};

}  // namespace flowc::format
