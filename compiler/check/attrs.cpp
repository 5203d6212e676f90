// Attribute sets: every attribute of a block must be in its kind's schema
// (E0103, with the closest name), appear once (E0102) and have its type
// (E0201); required attributes must be present (E0103 at the block's name).
// Params, expectations and nested blocks are only allowed where §3 puts them.
#include <algorithm>

#include "compiler/check/checker.h"
#include "compiler/check/literals.h"

namespace flowc::check {

using syntax::BlockKind;

namespace {

std::string a_or_an(std::string_view word) {
  return std::string(article(word)) + " `" + std::string(word) + "`";
}

}  // namespace

Attrs Checker::collect_attributes(const Scope& s, const syntax::Block& block) {
  Attrs attrs;
  attrs.kind = block.kind;
  std::span<const AttributeSpec> specs = attributes_of(block.kind);
  const syntax::SyntaxTree& t = tree(s.tree);
  std::string_view kind_name = syntax::block_kind_name(block.kind);
  for (syntax::MemberId mid : block.members) {
    const syntax::Member& m = t.member(mid);
    if (m.kind != syntax::MemberKind::Attribute || m.name.text.empty()) continue;
    size_t index = specs.size();
    for (size_t i = 0; i < specs.size(); ++i) {
      if (specs[i].name == m.name.text) index = i;
    }
    if (index == specs.size()) {
      // A member that did not parse has its syntax error (with the keyword
      // it misspells: `tsk out {`); it is not also an unknown attribute.
      if (m.recovered) continue;
      Diagnostic& d =
          diags.report(DiagKind::BadAttribute, m.name.range,
                       "`" + std::string(m.name.text) + "` is not an attribute of " + a_or_an(kind_name));
      std::vector<std::string_view> names;
      std::string all;
      for (const AttributeSpec& spec : specs) {
        names.push_back(spec.name);
        all += (all.empty() ? "`" : ", `") + std::string(spec.name) + "`";
      }
      std::string_view near = closest_name(m.name.text, names);
      if (!near.empty()) {
        d.fixits.push_back({m.name.range, std::string(near), "did you mean `" + std::string(near) + "`?"});
      } else {
        d.helps.push_back(a_or_an(kind_name) + " has " + (all.empty() ? std::string("no attributes") : all));
      }
      continue;
    }
    if (attrs.members[index].valid()) {
      const syntax::Member& first = t.member(attrs.members[index]);
      diags.report(DiagKind::DuplicateName, m.name.range, "`" + std::string(m.name.text) + "` is already set")
          .notes.push_back({first.name.range, "first set here"});
      continue;
    }
    attrs.members[index] = mid;
    reference(s, m.name.range, attribute_symbols[static_cast<size_t>(block.kind)][index]);
  }
  for (size_t i = 0; i < specs.size(); ++i) {
    if (!specs[i].required || attrs.members[i].valid() || broken(block.range)) continue;
    SourceRange at = block.name.range.valid() ? block.name.range : block.keyword_range;
    Diagnostic& d =
        diags.report(DiagKind::BadAttribute, at,
                     std::string(kind_name) + " `" + std::string(block.name.text) +
                         "` is missing the required attribute `" + std::string(specs[i].name) + "`");
    d.helps.push_back("add `" + std::string(specs[i].name) + " = ...` (" + model::type_name(specs[i].type) +
                      ")");
  }
  return attrs;
}

const syntax::Member* Checker::attr(const Scope& s, const Attrs& attrs, std::string_view name) const {
  std::span<const AttributeSpec> specs = attributes_of(attrs.kind);
  for (size_t i = 0; i < specs.size(); ++i) {
    if (specs[i].name == name)
      return attrs.members[i].valid() ? &tree(s.tree).member(attrs.members[i]) : nullptr;
  }
  return nullptr;
}

TermId Checker::attr_term(const Scope& s, const Attrs& attrs, std::string_view name) {
  const syntax::Member* m = attr(s, attrs, name);
  if (m == nullptr) return TermId{};
  const AttributeSpec* spec = find_attribute(attrs.kind, name);
  TermId value = elaborate(s, m->value, spec->type);
  if (!coerce(s, value, spec->type, "`" + std::string(name) + "`")) return error_term(term(value).range);
  if (!spec->takes_params && !names_no_param(value, "`" + std::string(name) + "`", false))
    return error_term(term(value).range);
  return value;
}

bool Checker::names_no_param(TermId value, const std::string& what, bool in_default) {
  const model::Term& t = term(value);
  // A secret param is named, never valued: `command(..., env = [token])`
  // passes its variable by name.
  if (t.kind == model::Term::Kind::Ref && t.symbol.valid() &&
      model.symbol(t.symbol).kind == model::SymbolKind::Param && !model.symbol(t.symbol).is_secret) {
    Diagnostic& d = diags.report(
        DiagKind::TypeMismatch, t.range,
        what + " names param `" + t.text +
            (in_default ? "`: a default is a literal, worked out before any param has a value"
                        : "`: a param is a run's value, and this one is fixed when the workflow is checked"));
    d.helps.push_back(in_default
                          ? "write the value; a `string` default may interpolate the params before it: \"${" +
                                t.text + "}\""
                          : "write the value; a param reaches SQL and commands as `${" + t.text +
                                "}` inside their text");
    return false;
  }
  bool clean = true;
  for (TermId operand : operands(value)) clean = names_no_param(operand, what, in_default) && clean;
  return clean;
}

std::optional<int64_t> Checker::within(TermId id, int64_t low, int64_t high, const std::string& rule) {
  const int64_t value = term(id).int_value;
  if (value >= low && value <= high) return value;
  diags.report(DiagKind::TypeMismatch, term(id).range, rule);
  return std::nullopt;
}

bool Checker::table_name(TermId id, std::string_view attribute) {
  const std::string& text = term(id).text;
  if (is_blank(text)) return true;  // "names no table", said by the caller
  // flowc quotes the parts itself where PostgreSQL needs it; quotes, blanks
  // at the ends of a part or a third part would become part of a name.
  auto part_ok = [](std::string_view part) {
    return !part.empty() && !is_blank(part.substr(0, 1)) && !is_blank(part.substr(part.size() - 1));
  };
  const std::string_view name = text;
  const size_t dot = name.find('.');
  const bool quoted = name.find('"') != std::string_view::npos;
  const bool parts_ok = dot == std::string_view::npos
                            ? part_ok(name)
                            : part_ok(name.substr(0, dot)) && part_ok(name.substr(dot + 1)) &&
                                  name.find('.', dot + 1) == std::string_view::npos;
  // A line break or a tab inside a name (`"raw.o\nrders"`) is a slip, never
  // a table anyone meant, though PostgreSQL would quote one.
  const bool control = std::any_of(name.begin(), name.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  if (!quoted && parts_ok && !control) return true;
  Diagnostic& d = diags.report(DiagKind::TypeMismatch, term(id).range,
                               "`" + std::string(attribute) + "` expects a table name, `table` or `schema.table`");
  if (quoted) d.helps.push_back("write it without quotes: flowc quotes a name where PostgreSQL needs it");
  if (control) d.helps.push_back("a table name holds no control character (a line break, a tab)");
  return false;
}

bool Checker::fixed_name(TermId id, std::string_view attribute) {
  if (!id.valid() || term(id).kind != model::Term::Kind::Template) return true;
  Diagnostic& d =
      diags.report(DiagKind::TypeMismatch, term(id).range,
                   "`" + std::string(attribute) +
                       "` is a name fixed when the workflow is checked: it cannot interpolate `${...}`");
  d.helps.push_back("write the name itself: what a task reads and writes is known before any run");
  return false;
}

void Checker::check_members(const Scope& s, const syntax::Block& block) {
  const syntax::SyntaxTree& t = tree(s.tree);
  std::string_view kind_name = syntax::block_kind_name(block.kind);
  for (syntax::MemberId mid : block.members) {
    const syntax::Member& m = t.member(mid);
    if (m.kind == syntax::MemberKind::Param && !allows_params(block.kind)) {
      diags.report(DiagKind::BadAttribute, m.range,
                   "`param` is only allowed in a `workflow`, not in " + a_or_an(kind_name));
    } else if (m.kind == syntax::MemberKind::Expect && !allows_expect(block.kind)) {
      diags.report(DiagKind::BadAttribute, m.range,
                   "`expect` is only allowed in a `source` or a `task`, not in " + a_or_an(kind_name));
    } else if (m.kind == syntax::MemberKind::Block && m.block.valid()) {
      const syntax::Block& inner = t.block(m.block);
      if (may_contain(block.kind, inner.kind)) continue;
      // A block left unclosed (E0007) swallows the blocks after it: they
      // were meant beside it, not inside.
      if (broken(block.range)) continue;
      std::string inner_name(syntax::block_kind_name(inner.kind));
      std::string message = is_top_level(inner.kind)
                                ? a_or_an(inner_name) + " block must be at the top level of a file"
                                : a_or_an(inner_name) + " block must be inside a `" +
                                      std::string(expected_parent(inner.kind)) + "`";
      diags.report(DiagKind::BadAttribute, inner.keyword_range, message);
    }
  }
}

}  // namespace flowc::check
