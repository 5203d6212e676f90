// The document outline, from the syntax tree alone (it works while the file
// has errors): top-level blocks with their nested blocks and params
// (workflow -> params, sources, tasks; target -> environments), and fns.
#include <algorithm>

#include "lsp/server/features.h"

namespace flowc::lsp {

namespace {

using Kind = OutlineSymbol::Kind;

Kind kind_of(syntax::BlockKind kind) {
  switch (kind) {
    case syntax::BlockKind::Project: return Kind::Project;
    case syntax::BlockKind::Target: return Kind::Target;
    case syntax::BlockKind::Environment: return Kind::Environment;
    case syntax::BlockKind::Route: return Kind::Route;
    case syntax::BlockKind::Legacy: return Kind::Legacy;
    case syntax::BlockKind::Workflow: return Kind::Workflow;
    case syntax::BlockKind::Source: return Kind::Source;
    case syntax::BlockKind::Task: return Kind::Task;
  }
  return Kind::Task;
}

class Builder {
 public:
  Builder(const syntax::SyntaxTree& tree, const SourceBuffer& buffer, ColumnUnit unit)
      : tree_(tree), buffer_(buffer), unit_(unit) {}

  OutlineSymbol block(const syntax::Block& b) {
    OutlineSymbol out;
    out.kind = kind_of(b.kind);
    out.name = b.name.text.empty() ? "(unnamed " + std::string(syntax::block_kind_name(b.kind)) + ")"
                                   : std::string(b.name.text);
    out.detail = std::string(syntax::block_kind_name(b.kind));
    set_ranges(
        out, b.range,
        b.name.range.valid() && b.name.range.end > b.name.range.begin ? b.name.range : b.keyword_range);
    for (syntax::MemberId id : b.members) {
      const syntax::Member& m = tree_.member(id);
      if (m.kind == syntax::MemberKind::Block && m.block.valid()) {
        out.children.push_back(block(tree_.block(m.block)));
      } else if (m.kind == syntax::MemberKind::Param && !m.name.text.empty()) {
        OutlineSymbol param;
        param.kind = Kind::Param;
        param.name = std::string(m.name.text);
        param.detail = m.type.valid() ? "param: " + text(tree_.type(m.type).range) : "param";
        set_ranges(param, m.range, m.name.range);
        out.children.push_back(std::move(param));
      } else if (m.kind == syntax::MemberKind::Attribute && m.name.text == "writes" && m.value.valid()) {
        const syntax::Expr& e = tree_.expr(m.value);
        if (e.kind == syntax::ExprKind::String) out.detail += " → " + text(e.range);
      }
    }
    return out;
  }

  OutlineSymbol fn(const syntax::FnDecl& f) {
    OutlineSymbol out;
    out.kind = Kind::Function;
    out.name = f.name.text.empty() ? "(unnamed fn)" : std::string(f.name.text);
    uint32_t end = f.result.valid() ? tree_.type(f.result).range.end : f.name.range.end;
    out.detail = (f.is_extern ? "extern fn" : "fn") + (f.name.range.valid() && end > f.name.range.end
                                                           ? text({f.name.range.file, f.name.range.end, end})
                                                           : std::string());
    set_ranges(out, f.range, f.name.range.valid() ? f.name.range : f.range);
    return out;
  }

 private:
  std::string text(SourceRange r) const {
    std::string_view all = buffer_.text();
    if (!r.valid() || r.begin > r.end || r.end > all.size()) return "";
    std::string out(all.substr(r.begin, r.end - r.begin));
    // One line in the outline: collapse line breaks.
    for (char& c : out) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    return out;
  }

  /// LSP requires the selection range inside the full range: clamp it.
  void set_ranges(OutlineSymbol& out, SourceRange whole, SourceRange name) {
    uint32_t begin = whole.begin;
    uint32_t end = std::max(whole.end, whole.begin);
    uint32_t name_begin = std::clamp(name.begin, begin, end);
    uint32_t name_end = std::clamp(name.end, name_begin, end);
    out.range = range_at(buffer_, begin, end, unit_);
    out.selection_range = range_at(buffer_, name_begin, name_end, unit_);
  }

  const syntax::SyntaxTree& tree_;
  const SourceBuffer& buffer_;
  ColumnUnit unit_;
};

}  // namespace

std::vector<OutlineSymbol> outline_of(const FileView& view, ColumnUnit unit) {
  std::vector<OutlineSymbol> out;
  if (!view.file) return out;
  const syntax::SyntaxTree& tree = *view.file->tree;
  Builder builder(tree, *view.buffer, unit);
  for (const syntax::Decl& decl : tree.decls) {
    if (decl.block.valid()) {
      out.push_back(builder.block(tree.block(decl.block)));
    } else if (decl.fn.valid()) {
      out.push_back(builder.fn(tree.fn(decl.fn)));
    }
  }
  return out;
}

}  // namespace flowc::lsp
