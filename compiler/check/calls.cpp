// Calls: arguments are bound to parameters (positional, then named; a
// variadic parameter takes the remaining positional arguments or one list),
// checked against their types (E0202, naming the signature), and then either
// kept as a call of an `extern fn` or replaced by the body of a user `fn`.
#include "compiler/check/checker.h"

namespace flowc::check {

using syntax::ExprKind;
using Kind = model::Term::Kind;

TermId Checker::elaborate_call(const Scope& s, const syntax::Expr& call, Type expected) {
  if (call.operands.empty() || !call.operands[0].valid()) return error_term(call.range);
  const syntax::SyntaxTree& t = tree(s.tree);
  const syntax::Expr& callee = t.expr(call.operands[0]);
  if (callee.kind == ExprKind::Error) return error_term(call.range);
  if (callee.kind != ExprKind::Name) {
    sink(s).report(DiagKind::WrongArguments, callee.range, "only a function can be called");
    return error_term(call.range);
  }
  auto it = globals.find(callee.text);
  FnInfo* fn = it == globals.end() ? nullptr : function(it->second);
  if (fn == nullptr) {
    if (it != globals.end()) {
      reference(s, callee.range, it->second);
      std::string type = model::type_name(model.symbol(it->second).type);
      sink(s).report(DiagKind::WrongArguments, callee.range,
                     "`" + std::string(callee.text) + "` is " + std::string(article(type)) + " " + type +
                         ", not a function");
      return error_term(call.range);
    }
    Diagnostic& d = sink(s).report(DiagKind::UnknownName, callee.range,
                                   "unknown function `" + std::string(callee.text) + "`");
    std::vector<std::string_view> names;
    for (const FnInfo& f : fns) names.push_back(model.symbol(f.symbol).name);
    std::string_view near = closest_name(callee.text, names);
    if (!near.empty())
      d.fixits.push_back({callee.range, std::string(near), "did you mean `" + std::string(near) + "`?"});
    return error_term(call.range);
  }
  reference(s, callee.range, fn->symbol);
  // A `fn` the parser could not read whole: its syntax error is the one
  // diagnostic; what its call would need is unknown.
  if (tree(fn->tree).fn(fn->fn).recovered) return error_term(call.range);
  const std::string& name = model.symbol(fn->symbol).name;
  size_t count = fn->params.size();
  llvm::SmallVector<llvm::SmallVector<syntax::ExprId, 2>, 4> slots(count);
  llvm::SmallVector<bool, 4> given(count, false);
  size_t next = 0;
  size_t positional_total = 0;
  bool named_seen = false;
  bool ok = fn->signature_ok;
  bool too_many = false;
  for (size_t i = 1; i < call.operands.size(); ++i) {
    if (!call.operands[i].valid()) {
      ok = false;
      continue;
    }
    const syntax::Expr& arg = t.expr(call.operands[i]);
    if (arg.kind == ExprKind::NamedArg) {
      named_seen = true;
      size_t index = count;
      for (size_t p = 0; p < count; ++p) {
        if (fn->params[p].name == arg.text) index = p;
      }
      if (index == count) {
        Diagnostic& d = sink(s).report(DiagKind::WrongArguments, arg.name_range,
                                       "`" + name + "` has no parameter `" + std::string(arg.text) + "`");
        std::vector<std::string_view> names;
        for (const ParamSig& p : fn->params) names.push_back(p.name);
        std::string_view near = closest_name(arg.text, names);
        if (!near.empty())
          d.fixits.push_back(
              {arg.name_range, std::string(near), "did you mean `" + std::string(near) + "`?"});
        add_signature_note(d, *fn);
        ok = false;
        continue;
      }
      reference(s, arg.name_range, fn->params[index].symbol);
      if (given[index]) {
        Diagnostic& d =
            sink(s).report(DiagKind::WrongArguments, arg.name_range,
                           "the argument `" + std::string(arg.text) + "` of `" + name + "` is given twice");
        add_signature_note(d, *fn);
        ok = false;
        continue;
      }
      given[index] = true;
      if (!arg.operands.empty()) slots[index].push_back(arg.operands[0]);
      continue;
    }
    ++positional_total;
    if (named_seen) {
      sink(s).report(DiagKind::WrongArguments, arg.range, "a positional argument cannot follow a named one");
      ok = false;
      continue;
    }
    if (next >= count) {
      too_many = true;
      continue;
    }
    slots[next].push_back(call.operands[i]);
    given[next] = true;
    if (!fn->params[next].variadic) ++next;
  }
  if (too_many) {
    size_t fixed = count;
    std::string most = std::to_string(fixed) + (fixed == 1 ? " argument" : " arguments");
    Diagnostic& d = sink(s).report(
        DiagKind::WrongArguments, call.range,
        "`" + name + "` takes " + (fixed == 0 ? "no arguments" : "at most " + most) + " but " +
            std::to_string(positional_total) + (positional_total == 1 ? " was given" : " were given"));
    add_signature_note(d, *fn);
    ok = false;
  }
  for (size_t p = 0; p < count; ++p) {
    const ParamSig& param = fn->params[p];
    if (given[p] || param.variadic || param.builtin_default != nullptr) continue;
    Diagnostic& d =
        sink(s).report(DiagKind::WrongArguments, call.range,
                       "`" + name + "` is missing the argument `" + std::string(param.name) + "`");
    add_signature_note(d, *fn);
    ok = false;
  }

  llvm::SmallVector<TermId, 4> args;
  for (size_t p = 0; p < count; ++p) {
    const ParamSig& param = fn->params[p];
    std::string what = "the argument `" + std::string(param.name) + "` of `" + name + "`";
    if (param.variadic) {
      Type list = list_of(param.type.kind);
      // `unique()` would check nothing (and lower to `count(distinct row())`).
      auto at_least_one = [&](SourceRange where) {
        Diagnostic& d = sink(s).report(DiagKind::WrongArguments, where,
                                       "`" + name + "` needs at least one `" + std::string(param.name) + "`");
        add_signature_note(d, *fn);
        ok = false;
      };
      if (slots[p].empty()) at_least_one(call.range);
      if (slots[p].size() == 1) {
        TermId only = elaborate(s, slots[p][0], param.type);
        if (type_of(only).kind == TypeKind::List) {
          if (!coerce(s, only, list, what, DiagKind::WrongArguments, fn)) ok = false;
          if (term(only).kind == Kind::List && operands(only).empty()) at_least_one(term(only).range);
          args.push_back(only);
          continue;
        }
        if (!coerce(s, only, param.type, what, DiagKind::WrongArguments, fn)) ok = false;
        model::Term items;
        items.kind = Kind::List;
        items.type = list;
        items.range = term(only).range;
        args.push_back(add_term(std::move(items), std::span<const TermId>(&only, 1)));
        continue;
      }
      llvm::SmallVector<TermId, 4> elements;
      for (syntax::ExprId id : slots[p]) {
        TermId element = elaborate(s, id, param.type);
        if (!coerce(s, element, param.type, what, DiagKind::WrongArguments, fn)) ok = false;
        elements.push_back(element);
      }
      model::Term items;
      items.kind = Kind::List;
      items.type = list;
      if (!elements.empty()) {
        items.range = term(elements.front()).range;
        items.range.end = term(elements.back()).range.end;
      }
      args.push_back(add_term(std::move(items), elements));
      continue;
    }
    if (!slots[p].empty()) {
      TermId value = elaborate(s, slots[p][0], param.type);
      if (!coerce(s, value, param.type, what, DiagKind::WrongArguments, fn)) ok = false;
      args.push_back(value);
    } else if (param.builtin_default != nullptr) {
      args.push_back(default_argument(s, *fn, p));
    } else {
      args.push_back(error_term(call.range));
    }
  }
  if (!ok) return error_term(call.range);
  return call_function(s, *fn, call.range, args);
}

TermId Checker::call_function(const Scope& s, FnInfo& fn, SourceRange range, std::span<const TermId> args) {
  if (fn.is_extern || s.fn_body) {
    if (!fn.is_extern && checking_fn != UINT32_MAX) {
      fn_calls[checking_fn].push_back({fn_of_symbol[fn.symbol.index], range});
    }
    model::Term t;
    t.kind = Kind::Call;
    t.type = fn.result;
    t.text = model.symbol(fn.symbol).name;
    t.symbol = fn.symbol;
    t.range = range;
    TermId call = add_term(std::move(t), args);
    return fn.is_extern ? apply_builtin(s, fn, call) : call;
  }
  return expand(s, fn, range, args);
}

TermId Checker::expand(const Scope& s, const FnInfo& fn, SourceRange range, std::span<const TermId> args) {
  if (fn.recursive) return error_term(range);
  // Non-recursive functions can still call each other so often that the
  // expansion explodes (each calling the next twice): bound the work per call
  // written in the source.
  if (s.depth == 0) {
    expansion_budget = kExpansionBudget;
    expansion_too_deep = false;
  }
  // ... and how deep they nest (each level is a level of the checker's stack).
  if (s.depth > kMaxExpansionDepth) expansion_too_deep = true;
  if (expansion_budget == 0 || expansion_too_deep) {
    expansion_budget = 0;
    return error_term(range);
  }
  --expansion_budget;
  const syntax::FnDecl& decl = tree(fn.tree).fn(fn.fn);
  if (!decl.body.valid() || args.size() != fn.params.size()) return error_term(range);
  llvm::StringMap<TermId> bindings;
  for (size_t i = 0; i < args.size(); ++i) bindings[fn.params[i].name] = args[i];
  Scope inner;
  inner.tree = fn.tree;
  inner.node = s.node;
  inner.bindings = &bindings;
  inner.quiet = true;
  inner.depth = s.depth + 1;
  TermId body = elaborate(inner, decl.body, fn.result);
  if (s.depth == 0) {
    scratch.clear();  // diagnostics of the quiet expansion were reported at the declaration
    if (expansion_budget == 0) {
      sink(s).report(DiagKind::WrongArguments, range,
                     "expanding `" + model.symbol(fn.symbol).name + "` here " +
                         (expansion_too_deep ? "nests function calls more than " +
                                                   std::to_string(kMaxExpansionDepth) + " deep"
                                             : "calls functions more than " + std::to_string(kExpansionBudget) +
                                                   " times"));
      return error_term(range);
    }
  }
  // The expansion stands where the call was written, for later messages.
  return retarget(body, range);
}

}  // namespace flowc::check
