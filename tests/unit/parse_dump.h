// Test helper: parses text and prints syntax trees as compact S-expressions,
// so parser tests can state a whole tree shape in one line.
#pragma once

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/syntax/parse.h"

namespace flowc::test {

/// A parsed buffer with everything the tree refers to kept alive.
struct Parsed {
  SourceManager sources;
  FileId file;
  DiagnosticEngine diagnostics;
  syntax::SyntaxTree tree;

  [[nodiscard]] std::string_view text() const { return sources.buffer(file).text(); }
  /// The source text of `range`.
  [[nodiscard]] std::string_view at(SourceRange range) const {
    return text().substr(range.begin, range.end - range.begin);
  }
  /// Codes of all diagnostics, in order.
  [[nodiscard]] std::vector<std::string> codes() const {
    std::vector<std::string> out;
    for (const Diagnostic& d : diagnostics.diagnostics()) out.emplace_back(d.code());
    return out;
  }
};

inline std::unique_ptr<Parsed> parse_text(std::string text) {
  auto p = std::make_unique<Parsed>();
  p->file = p->sources.add("test.flow", std::move(text));
  p->tree = syntax::parse(p->sources.buffer(p->file), p->file, p->diagnostics);
  return p;
}

namespace detail {

inline const char* expr_kind_name(syntax::ExprKind k) {
  static const char* const kNames[] = {"error", "int",    "float", "percent", "duration", "date",
                                       "time",  "bool",   "str",   "name",    "self",     "list",
                                       "paren", "member", "call",  "arg",     "not",      "and",
                                       "or",    "cmp",    "in",    "change",  "range"};
  return kNames[static_cast<int>(k)];
}

inline void expr(const syntax::SyntaxTree& t, syntax::ExprId id, std::string& o) {
  using syntax::ExprKind;
  if (!id.valid()) {
    o += "_";
    return;
  }
  const syntax::Expr& e = t.expr(id);
  switch (e.kind) {
    case ExprKind::Int:
    case ExprKind::Duration:
    case ExprKind::Date:
    case ExprKind::Time:
    case ExprKind::Bool: o += std::string(expr_kind_name(e.kind)) + ":" + std::to_string(e.int_value); return;
    case ExprKind::Float:
    case ExprKind::Percent: {
      std::ostringstream s;
      s << expr_kind_name(e.kind) << ":" << e.float_value;
      o += s.str();
      return;
    }
    case ExprKind::Name: o += std::string(e.text); return;
    case ExprKind::Self: o += "self"; return;
    case ExprKind::Error: o += "<error>"; return;
    case ExprKind::String:
      o += e.text_block ? "(text" : "(str";
      for (uint32_t i = 0; i < e.part_count; ++i) {
        const syntax::StringPart& p = t.string_parts[e.first_part + i];
        o += " ";
        if (p.is_interpolation) {
          o += "${";
          expr(t, p.expr, o);
          o += "}";
        } else {
          o += "'" + p.text + "'";
        }
      }
      o += ")";
      return;
    default: break;
  }
  o += "(";
  o += expr_kind_name(e.kind);
  if (e.kind == ExprKind::Compare || e.kind == ExprKind::Change) {
    static const char* const kOps[] = {"==", "!=", "<", "<=", ">", ">="};
    o += " ";
    o += kOps[static_cast<int>(e.op)];
  }
  if (e.kind == ExprKind::Member || e.kind == ExprKind::NamedArg) o += " " + std::string(e.text);
  for (syntax::ExprId c : e.operands) {
    o += " ";
    expr(t, c, o);
  }
  o += ")";
}

inline void type(const syntax::SyntaxTree& t, syntax::TypeId id, std::string& o) {
  if (!id.valid()) {
    o += "_";
    return;
  }
  const syntax::TypeRef& r = t.type(id);
  o += std::string(r.name.text);
  if (r.arg.valid()) {
    o += "<";
    type(t, r.arg, o);
    o += ">";
  }
}

inline void block(const syntax::SyntaxTree& t, syntax::BlockId id, std::string& o);

inline void member(const syntax::SyntaxTree& t, syntax::MemberId id, std::string& o) {
  using syntax::MemberKind;
  const syntax::Member& m = t.member(id);
  switch (m.kind) {
    case MemberKind::Attribute:
      o += std::string(m.name.text) + "=";
      expr(t, m.value, o);
      break;
    case MemberKind::Block: block(t, m.block, o); break;
    case MemberKind::Param:
      o += "param " + std::string(m.name.text) + ":";
      type(t, m.type, o);
      if (m.value.valid()) {
        o += "=";
        expr(t, m.value, o);
      }
      break;
    case MemberKind::Expect:
      o += "expect ";
      expr(t, m.value, o);
      if (m.severity == syntax::ExpectSeverity::Warn) o += " warn";
      if (m.severity == syntax::ExpectSeverity::Fail) o += " fail";
      if (m.label.valid()) {
        o += " as ";
        expr(t, m.label, o);
      }
      break;
  }
}

inline void block(const syntax::SyntaxTree& t, syntax::BlockId id, std::string& o) {
  const syntax::Block& b = t.block(id);
  o += std::string(syntax::block_kind_name(b.kind)) + " " + std::string(b.name.text) +
       (b.closed ? " {" : " {!");
  for (size_t i = 0; i < b.members.size(); ++i) {
    o += i == 0 ? "" : "; ";
    member(t, b.members[i], o);
  }
  o += "}";
}

}  // namespace detail

/// One line per declaration: `workflow w {a=int:1; task t {...}}`,
/// `fn f(x:int)->bool=(cmp == x int:1)`; `{!` marks an unclosed block.
inline std::string dump(const syntax::SyntaxTree& t) {
  std::string o;
  for (const syntax::Decl& d : t.decls) {
    if (!o.empty()) o += "\n";
    if (d.block.valid()) {
      detail::block(t, d.block, o);
      continue;
    }
    const syntax::FnDecl& f = t.fn(d.fn);
    o += (f.is_extern ? "extern fn " : "fn ") + std::string(f.name.text) + "(";
    for (size_t i = 0; i < f.params.size(); ++i) {
      if (i != 0) o += ", ";
      o += std::string(f.params[i].name.text) + ":";
      detail::type(t, f.params[i].type, o);
      if (f.params[i].variadic) o += "...";
    }
    o += ")->";
    detail::type(t, f.result, o);
    if (f.body.valid()) {
      o += "=";
      detail::expr(t, f.body, o);
    }
  }
  return o;
}

/// The value of the first attribute of the first block, printed.
inline std::string first_value(const syntax::SyntaxTree& t) {
  if (t.decls.empty() || !t.decls[0].block.valid()) return "<no block>";
  const syntax::Block& b = t.block(t.decls[0].block);
  if (b.members.empty()) return "<no member>";
  std::string o;
  detail::expr(t, t.member(b.members[0]).value, o);
  return o;
}

}  // namespace flowc::test
