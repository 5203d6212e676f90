// Functions: `fn` and `extern fn` declarations become symbols with resolved
// signatures; user `fn` bodies are type-checked once against their result
// type, and calls between user functions form a graph in which a cycle (a
// recursive fn) is E0301, reported once with its path.
#include <string>

#include "compiler/check/builtins.h"
#include "compiler/check/checker.h"

namespace flowc::check {

void Checker::declare_fn(uint32_t tree_index, syntax::FnId id) {
  const syntax::SyntaxTree& t = tree(tree_index);
  const syntax::FnDecl& f = t.fn(id);
  if (f.name.text.empty()) return;
  bool in_stdlib = tree_in_stdlib[tree_index];
  Scope scope{tree_index};
  FnInfo info;
  info.tree = tree_index;
  info.fn = id;
  info.is_extern = f.is_extern;
  if (f.is_extern && !in_stdlib) {
    diags
        .report(DiagKind::UnknownName, f.name.range,
                "unknown extern function `" + std::string(f.name.text) + "`")
        .helps.push_back("only the standard library declares `extern fn`; write the body: `fn " +
                         std::string(f.name.text) + "(...) -> type = expression`");
    return;
  }
  llvm::StringMap<SourceRange> seen;
  for (size_t i = 0; i < f.params.size(); ++i) {
    const syntax::FnParam& p = f.params[i];
    if (p.name.text.empty()) {
      info.signature_ok = false;
      continue;
    }
    auto [it, inserted] = seen.try_emplace(p.name.text, p.name.range);
    if (!inserted) {
      diags
          .report(DiagKind::DuplicateName, p.name.range,
                  "the parameter `" + std::string(p.name.text) + "` is already defined")
          .notes.push_back({it->second, "first defined here"});
      info.signature_ok = false;
      continue;
    }
    if (p.variadic && i + 1 != f.params.size()) {
      diags.report(DiagKind::WrongArguments, p.range, "only the last parameter may be variadic (`...`)");
      info.signature_ok = false;
    }
    ParamSig sig;
    sig.name = p.name.text;
    sig.type = resolve_type(scope, p.type).value_or(Type{});
    sig.variadic = p.variadic;
    if (f.is_extern) sig.builtin_default = find_builtin_default(f.name.text, p.name.text);
    model::Symbol sym;
    sym.kind = model::SymbolKind::Param;
    sym.name = std::string(p.name.text);
    sym.qualified_name = std::string(f.name.text) + "." + sym.name;
    sym.name_range = p.name.range;
    sym.decl_range = p.range;
    sym.type = p.variadic ? list_of(sig.type.kind) : sig.type;
    sym.is_secret = carries_secret(sym.type);
    sym.in_stdlib = in_stdlib;
    sig.symbol = add_symbol(std::move(sym));
    info.params.push_back(sig);
  }
  std::optional<Type> result = resolve_type(scope, f.result);
  info.result = result.value_or(Type{});
  if (!result) info.signature_ok = false;

  model::Symbol sym;
  sym.kind = model::SymbolKind::Function;
  sym.name = std::string(f.name.text);
  sym.qualified_name = sym.name;
  sym.name_range = f.name.range;
  sym.decl_range = f.range;
  sym.type = info.result;
  sym.doc = f.doc;
  sym.in_stdlib = in_stdlib;
  sym.is_secret = carries_secret(info.result);
  info.symbol = add_symbol(std::move(sym));
  if (!declare_global(info.symbol, f.name.range)) return;
  // A declaration the parser could not read whole has names but no types:
  // say so rather than show `unknown` ones (hover, notes).
  model.symbols[info.symbol.index].signature =
      f.recovered ? "fn " + std::string(f.name.text) + "(...): its declaration did not parse"
                  : signature_of(info);
  fn_of_symbol[info.symbol.index] = static_cast<uint32_t>(fns.size());
  fns.push_back(std::move(info));
}

void Checker::check_functions() {
  fn_calls.assign(fns.size(), {});
  for (uint32_t i = 0; i < fns.size(); ++i) {
    FnInfo& fn = fns[i];
    if (fn.is_extern) continue;
    const syntax::FnDecl& f = tree(fn.tree).fn(fn.fn);
    if (!f.body.valid()) continue;  // the parser reported the missing body
    llvm::StringMap<TermId> bindings;
    for (const ParamSig& p : fn.params) {
      model::Term placeholder;
      placeholder.kind = model::Term::Kind::Ref;
      placeholder.type = p.variadic ? list_of(p.type.kind) : p.type;
      placeholder.symbol = p.symbol;
      placeholder.text = std::string(p.name);
      bindings[p.name] = add_term(std::move(placeholder));
    }
    Scope scope{fn.tree};
    scope.bindings = &bindings;
    scope.fn_body = true;
    checking_fn = i;
    TermId body = elaborate(scope, f.body, fn.result);
    checking_fn = UINT32_MAX;
    coerce(scope, body, fn.result, "the body of `" + model.symbol(fn.symbol).name + "`");
  }

  // Recursion: an iterative DFS over the user-fn call graph; each cycle is
  // reported once, at its first function, with a note on every call.
  enum : uint8_t { White, Gray, Black };
  std::vector<uint8_t> color(fns.size(), White);
  for (uint32_t root = 0; root < fns.size(); ++root) {
    if (color[root] != White) continue;
    std::vector<std::pair<uint32_t, size_t>> stack{{root, 0}};
    color[root] = Gray;
    while (!stack.empty()) {
      auto& [fn_index, next] = stack.back();
      if (next == fn_calls[fn_index].size()) {
        color[fn_index] = Black;
        stack.pop_back();
        continue;
      }
      uint32_t callee = fn_calls[fn_index][next++].first;
      if (color[callee] == White) {
        color[callee] = Gray;
        stack.push_back({callee, 0});
        continue;
      }
      if (color[callee] != Gray) continue;
      size_t start = 0;
      while (stack[start].first != callee) ++start;
      std::string path;
      for (size_t k = start; k < stack.size(); ++k)
        path += model.symbol(fns[stack[k].first].symbol).name + " -> ";
      path += model.symbol(fns[callee].symbol).name;
      const FnInfo& first = fns[callee];
      Diagnostic& d = diags.report(DiagKind::DependencyCycle, model.symbol(first.symbol).name_range,
                                   "recursive function: `" + path + "`");
      for (size_t k = start; k < stack.size(); ++k) {
        const auto& call = fn_calls[stack[k].first][stack[k].second - 1];
        d.notes.push_back({call.second, "`" + model.symbol(fns[stack[k].first].symbol).name + "` calls `" +
                                            model.symbol(fns[call.first].symbol).name + "` here"});
        fns[stack[k].first].recursive = true;
      }
      d.helps.push_back("a `fn` is expanded where it is called, so it cannot call itself");
    }
  }
}

}  // namespace flowc::check
