// Checker construction and the small helpers every pass uses.
#include "compiler/check/checker.h"

#include <algorithm>

#include "compiler/check/builtins.h"

namespace flowc::check {

Checker::Checker(const CheckInput& input, DiagnosticEngine& diagnostics)
    : sources(*input.sources), diags(diagnostics), unreadable(input.unreadable), project_root(input.root) {
  for (const syntax::SyntaxTree* t : input.stdlib) {
    if (t == nullptr) continue;
    trees.push_back(t);
    tree_in_stdlib.push_back(true);
  }
  for (const syntax::SyntaxTree* t : input.project) {
    if (t == nullptr) continue;
    trees.push_back(t);
    tree_in_stdlib.push_back(false);
  }
  for (const Diagnostic& d : diagnostics.diagnostics()) {
    if (d.severity != Severity::Error || !d.range.valid()) continue;
    syntax_errors[d.range.file.index].push_back(d.range.begin);
    any_syntax_error = true;
  }
  for (auto& entry : syntax_errors) std::sort(entry.second.begin(), entry.second.end());
}

bool Checker::broken(SourceRange range) const {
  auto it = syntax_errors.find(range.file.index);
  if (!range.valid() || it == syntax_errors.end()) return false;
  auto first = std::lower_bound(it->second.begin(), it->second.end(), range.begin);
  return first != it->second.end() && *first < std::max(range.end, range.begin + 1);
}

std::string_view Checker::text_of(FileId file) const {
  if (!file.valid() || file.index >= sources.size()) return {};
  return sources.buffer(file).text();
}

std::string_view Checker::text_of(SourceRange range) const {
  std::string_view text = text_of(range.file);
  if (range.begin > range.end || range.end > text.size()) return {};
  return text.substr(range.begin, range.end - range.begin);
}

SymbolId Checker::add_symbol(model::Symbol symbol) {
  SymbolId id{static_cast<uint32_t>(model.symbols.size())};
  model.symbols.push_back(std::move(symbol));
  return id;
}

void Checker::reference(const Scope& s, SourceRange range, SymbolId symbol) {
  if (s.quiet || !range.valid() || !symbol.valid()) return;
  model.references.push_back({range, symbol});
}

TermId Checker::add_term(model::Term term, std::span<const TermId> operands) {
  term.first_operand = static_cast<uint32_t>(model.term_operands.size());
  term.operand_count = static_cast<uint32_t>(operands.size());
  model.term_operands.insert(model.term_operands.end(), operands.begin(), operands.end());
  TermId id{static_cast<uint32_t>(model.terms.size())};
  model.terms.push_back(std::move(term));
  return id;
}

TermId Checker::error_term(SourceRange range) {
  model::Term t;
  t.kind = model::Term::Kind::Error;
  t.range = range;
  return add_term(std::move(t));
}

FnInfo* Checker::function(SymbolId symbol) {
  auto it = fn_of_symbol.find(symbol.index);
  return it == fn_of_symbol.end() ? nullptr : &fns[it->second];
}

TermId Checker::retarget(TermId id, SourceRange range) {
  if (!id.valid()) return id;
  model::Term copy = model.terms[id.index];  // shares the operands
  copy.range = range;
  TermId out{static_cast<uint32_t>(model.terms.size())};
  model.terms.push_back(std::move(copy));
  return out;
}

std::string Checker::signature_of(const FnInfo& fn) const {
  const model::Symbol& sym = model.symbol(fn.symbol);
  std::string out = fn.is_extern ? "extern fn " : "fn ";
  out += sym.name;
  out += "(";
  for (size_t i = 0; i < fn.params.size(); ++i) {
    const ParamSig& p = fn.params[i];
    if (i > 0) out += ", ";
    out += p.name;
    out += ": ";
    out += model::type_name(p.type);
    if (p.variadic) out += "...";
    if (p.builtin_default != nullptr) {
      out += " = ";
      out += p.builtin_default->text;
    }
  }
  out += ") -> ";
  out += model::type_name(fn.result);
  return out;
}

}  // namespace flowc::check
