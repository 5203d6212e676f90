// Expressions: literals, names (resolved by expected type: enum values and
// columns first, then the workflow's scope, then top-level names and the
// standard library), `workflow.task`, lists, and the logical operators.
// Every expression becomes a model::Term; errors become Error terms, which
// are compatible with everything so nothing cascades.
#include <functional>

#include "compiler/check/checker.h"
#include "compiler/check/literals.h"

namespace flowc::check {

using syntax::ExprKind;
using Kind = model::Term::Kind;

namespace {

syntax::ExprId operand(const syntax::Expr& e, size_t i) {
  return i < e.operands.size() ? e.operands[i] : syntax::ExprId{};
}

std::string_view noun_for(Type expected) {
  TypeKind k = expected.kind == TypeKind::List ? expected.arg : expected.kind;
  switch (k) {
    case TypeKind::Route: return "route";
    case TypeKind::Target: return "target";
    case TypeKind::Legacy: return "legacy job";
    case TypeKind::Workflow: return "workflow";
    case TypeKind::Task:
    case TypeKind::Source:
    case TypeKind::Table: return "task";
    case TypeKind::Severity: return "severity";
    case TypeKind::Stage: return "stage";
    case TypeKind::WriteMode: return "write mode";
    case TypeKind::RetryOn: return "retry kind";
    default: return "name";
  }
}

/// The term kind and type of a literal expression kind.
std::pair<Kind, TypeKind> literal_kind(ExprKind kind) {
  switch (kind) {
    case ExprKind::Int: return {Kind::Int, TypeKind::Int};
    case ExprKind::Float: return {Kind::Float, TypeKind::Float};
    case ExprKind::Percent: return {Kind::Percent, TypeKind::Percent};
    case ExprKind::Duration: return {Kind::Duration, TypeKind::Duration};
    case ExprKind::Date: return {Kind::Date, TypeKind::Date};
    case ExprKind::Time: return {Kind::Time, TypeKind::Time};
    default: return {Kind::Bool, TypeKind::Bool};
  }
}

}  // namespace

TermId Checker::elaborate(const Scope& s, syntax::ExprId id, Type expected) {
  if (!id.valid()) return error_term({});
  const syntax::SyntaxTree& t = tree(s.tree);
  const syntax::Expr& e = t.expr(id);
  model::Term term;
  term.range = e.range;
  switch (e.kind) {
    case ExprKind::Error: return error_term(e.range);
    case ExprKind::Int:
    case ExprKind::Float:
    case ExprKind::Percent:
    case ExprKind::Duration:
    case ExprKind::Date:
    case ExprKind::Time:
    case ExprKind::Bool: {
      // Literals map one to one onto terms of their own type; the parser
      // leaves the value field a literal does not use at zero.
      auto [kind, type] = literal_kind(e.kind);
      term.kind = kind;
      term.type = scalar(type);
      term.int_value = e.int_value;
      term.float_value = e.float_value;
      // A decimal as written too: an expectation compares it exactly with a
      // numeric metric (a double keeps 17 digits).
      if (kind == Kind::Float) term.text = std::string(text_of(e.range));
      break;
    }
    case ExprKind::String: {
      bool interpolated = false;
      for (uint32_t i = 0; i < e.part_count && e.first_part + i < t.string_parts.size(); ++i) {
        interpolated = interpolated || t.string_parts[e.first_part + i].is_interpolation;
      }
      if (interpolated) return elaborate_template(s, e, expected);
      term.kind = Kind::String;
      term.type = scalar(TypeKind::String);
      for (uint32_t i = 0; i < e.part_count && e.first_part + i < t.string_parts.size(); ++i) {
        term.text += t.string_parts[e.first_part + i].text;
      }
      break;
    }
    case ExprKind::Name: return resolve_name(s, e.text, e.range, expected);
    case ExprKind::Self:
      if (!s.node.valid() && !s.fn_body && !s.quiet) {
        sink(s).report(DiagKind::BadSqlReference, e.range,
                       "`self` is the table of the task it is written in, and there is no task here");
        return error_term(e.range);
      }
      term.kind = Kind::Self;
      term.type = scalar(TypeKind::Table);
      break;
    case ExprKind::List: return elaborate_list(s, e, expected);
    case ExprKind::Paren: return elaborate(s, operand(e, 0), expected);
    case ExprKind::Member: return resolve_member(s, e, expected);
    case ExprKind::Call: return elaborate_call(s, e, expected);
    case ExprKind::NamedArg:
      sink(s).report(DiagKind::WrongArguments, e.range,
                     "a named argument `" + std::string(e.text) + " = ...` is only allowed inside a call");
      return error_term(e.range);
    case ExprKind::Not:
    case ExprKind::And:
    case ExprKind::Or: return elaborate_logic(s, e);
    case ExprKind::Compare:
    case ExprKind::In:
    case ExprKind::Change: return elaborate_compare(s, e);
    case ExprKind::Range:
      elaborate(s, operand(e, 0), scalar(TypeKind::Any));
      elaborate(s, operand(e, 1), scalar(TypeKind::Any));
      sink(s).report(DiagKind::TypeMismatch, e.range, "a range `a .. b` is only allowed after `in`");
      return error_term(e.range);
  }
  return add_term(std::move(term));
}

TermId Checker::ref_term(SymbolId symbol, SourceRange range) {
  const model::Symbol& sym = model.symbol(symbol);
  model::Term t;
  t.kind = Kind::Ref;
  t.type = sym.type;
  t.symbol = symbol;
  t.text = sym.name;
  t.range = range;
  return add_term(std::move(t));
}

TermId Checker::resolve_name(const Scope& s, std::string_view name, SourceRange range, Type expected) {
  if (name.empty()) return error_term(range);
  if (s.bindings != nullptr) {
    auto it = s.bindings->find(name);
    if (it != s.bindings->end()) {
      if (s.quiet) return it->second;  // expansion: the argument itself
      reference(s, range, term(it->second).symbol);
      return retarget(it->second, range);
    }
  }
  Type elem = expected.kind == TypeKind::List ? scalar(expected.arg) : expected;
  if (is_enum_kind(elem.kind)) {
    if (const EnumValueSpec* v = find_enum_value(elem.kind, name)) {
      reference(s, range, enum_symbols[static_cast<size_t>(v - enum_values().data())]);
      model::Term t;
      t.kind = Kind::Enum;
      t.type = scalar(v->type);
      t.text = std::string(v->name);
      t.int_value = v->ordinal;
      t.range = range;
      return add_term(std::move(t));
    }
  }
  if (elem.kind == TypeKind::Column) {
    model::Term t;
    t.kind = Kind::Column;
    t.type = scalar(TypeKind::Column);
    t.text = std::string(name);
    t.range = range;
    return add_term(std::move(t));
  }
  auto global = globals.find(name);
  if (s.workflow.valid()) {
    const auto& scope = workflow_scopes[s.workflow.index];
    auto it = scope.find(name);
    // A workflow's names shadow top-level ones, unless only the top-level
    // one has the expected type (`alert(oncall)` beside a task `oncall`).
    bool prefer_global =
        global != globals.end() && !is_error(elem) && elem.kind != TypeKind::Any &&
        !assignable(model.symbol(it == scope.end() ? global->second : it->second).type, elem) &&
        assignable(model.symbol(global->second).type, elem);
    if (it != scope.end() && !prefer_global) {
      reference(s, range, it->second);
      return ref_term(it->second, range);
    }
  }
  if (auto it = global; it != globals.end()) {
    reference(s, range, it->second);
    if (FnInfo* fn = function(it->second)) return bare_call(s, *fn, range);
    return ref_term(it->second, range);
  }
  if (!is_enum_kind(elem.kind) && (elem.kind == TypeKind::Any || elem.kind == TypeKind::Error)) {
    if (const EnumValueSpec* v = find_any_enum_value(name)) {
      reference(s, range, enum_symbols[static_cast<size_t>(v - enum_values().data())]);
      model::Term t;
      t.kind = Kind::Enum;
      t.type = scalar(v->type);
      t.text = std::string(v->name);
      t.int_value = v->ordinal;
      t.range = range;
      return add_term(std::move(t));
    }
  }
  report_unknown_name(s, name, range, expected);
  return error_term(range);
}

std::vector<std::string_view> Checker::visible_names(const Scope& s, Type expected) const {
  std::vector<std::string_view> names;
  Type elem = expected.kind == TypeKind::List ? scalar(expected.arg) : expected;
  if (is_enum_kind(elem.kind)) {
    for (const EnumValueSpec& v : enum_values()) {
      if (v.type == elem.kind) names.push_back(v.name);
    }
    return names;
  }
  auto wanted = [&](const model::Symbol& sym) {
    switch (elem.kind) {
      case TypeKind::Route: return sym.kind == model::SymbolKind::Route;
      case TypeKind::Target: return sym.kind == model::SymbolKind::Target;
      case TypeKind::Legacy: return sym.kind == model::SymbolKind::Legacy;
      case TypeKind::Workflow: return sym.kind == model::SymbolKind::Workflow;
      case TypeKind::Task:
      case TypeKind::Source:
      case TypeKind::Table:
        return sym.kind == model::SymbolKind::Task || sym.kind == model::SymbolKind::Source;
      default: return true;
    }
  };
  if (s.bindings != nullptr) {
    for (const auto& entry : *s.bindings) names.push_back(entry.getKey());
  }
  if (s.workflow.valid()) {
    for (const auto& entry : workflow_scopes[s.workflow.index]) {
      const model::Symbol& sym = model.symbol(entry.getValue());
      // Not the task being checked: it cannot depend on itself.
      const bool itself = (sym.kind == model::SymbolKind::Task || sym.kind == model::SymbolKind::Source) &&
                          s.node.valid() && sym.entity == s.node.index;
      if (wanted(sym) && !itself) names.push_back(entry.getKey());
    }
  }
  if (!s.in_sql) {
    for (const auto& entry : globals) {
      if (wanted(model.symbol(entry.getValue()))) names.push_back(entry.getKey());
    }
  }
  return names;
}

void Checker::report_unknown_name(const Scope& s, std::string_view name, SourceRange range, Type expected,
                                  DiagKind kind) {
  std::string quoted = "`" + std::string(name) + "`";
  Diagnostic& d = s.in_sql
                      ? sink(s).report(DiagKind::BadSqlReference, range,
                                       "`${" + std::string(name) + "}` refers to no task, source or param")
                      : sink(s).report(kind, range, "unknown " + std::string(noun_for(expected)) + " " + quoted);
  std::vector<std::string_view> candidates = visible_names(s, expected);
  // `true` and `false` are literals, not names, but misspelt like one.
  if (expected.kind == TypeKind::Bool) candidates.insert(candidates.end(), {"true", "false"});
  // A task or source of another workflow is named with its workflow: that
  // exact name comes before a close one here (`ot` is `other.ot`, not `t`).
  const TypeKind wanted = expected.kind == TypeKind::List ? expected.arg : expected.kind;
  const bool names_a_node = s.in_sql || wanted == TypeKind::Task || wanted == TypeKind::Source ||
                            wanted == TypeKind::Table || wanted == TypeKind::Any;
  for (const model::Node& node : model.nodes) {
    if (!names_a_node || node.name != name || (s.workflow.valid() && node.workflow == s.workflow)) continue;
    std::string qualified = model.workflow(node.workflow).name + "." + node.name;
    d.fixits.push_back({range, qualified,
                        "`" + std::string(name) + "` is a " +
                            (node.kind == model::NodeKind::Task ? "task" : "source") + " of workflow `" +
                            model.workflow(node.workflow).name + "`: write `" + qualified + "`"});
    return;
  }
  std::string_view near = closest_name(name, candidates);
  if (!near.empty()) {
    d.fixits.push_back({range, std::string(near), "did you mean `" + std::string(near) + "`?"});
    return;
  }
  // `${HOME}` in a command's argument is most often the shell's.
  if (s.in_text)
    d.helps.push_back("a literal `${" + std::string(name) + "}` (the shell's, say) is written `$${" +
                      std::string(name) + "}`");
  Type elem = expected.kind == TypeKind::List ? scalar(expected.arg) : expected;
  if (elem.kind == TypeKind::String) {
    d.fixits.push_back(
        {range, "\"" + std::string(name) + "\"", "write `\"" + std::string(name) + "\"` for a string"});
  } else if (is_enum_kind(elem.kind)) {
    std::string list;
    for (std::string_view v : candidates) list += (list.empty() ? "`" : ", `") + std::string(v) + "`";
    // The functions that make one too (`overwrite_partition(col)`, `merge(key)`).
    std::string calls;
    for (const FnInfo& fn : fns) {
      if (!(fn.result == elem) || !fn.signature_ok) continue;
      std::string call = model.symbol(fn.symbol).name + "(";
      for (size_t i = 0; i < fn.params.size(); ++i) call += (i ? ", " : "") + std::string(fn.params[i].name);
      calls += (calls.empty() ? "`" : ", `") + call + ")`";
    }
    std::string type = model::type_name(elem);
    d.helps.push_back(std::string(article(type)) + " `" + type + "` is one of " + list +
                      (calls.empty() ? std::string() : ", or " + calls));
  }
}

TermId Checker::resolve_member(const Scope& s, const syntax::Expr& e, Type expected) {
  syntax::ExprId object_id = operand(e, 0);
  if (!object_id.valid()) return error_term(e.range);
  const syntax::Expr& object = tree(s.tree).expr(object_id);
  if (object.kind == ExprKind::Error) return error_term(e.range);
  if (object.kind != ExprKind::Name) {
    sink(s).report(DiagKind::TypeMismatch, e.range, "only `workflow.task` may be written with a `.`");
    return error_term(e.range);
  }
  return qualified_node(s, object.text, object.range, e.text, e.name_range, e.range);
}

TermId Checker::qualified_node(const Scope& s, std::string_view workflow, SourceRange workflow_range,
                               std::string_view name, SourceRange name_range, SourceRange whole) {
  auto it = globals.find(workflow);
  if (it == globals.end() || model.symbol(it->second).kind != model::SymbolKind::Workflow) {
    if (it != globals.end() || (s.workflow.valid() && workflow_scopes[s.workflow.index].count(workflow))) {
      SymbolId what = it != globals.end() ? it->second : workflow_scopes[s.workflow.index].lookup(workflow);
      reference(s, workflow_range, what);
      sink(s).report(s.in_sql ? DiagKind::BadSqlReference : DiagKind::TypeMismatch, whole,
                     "`" + std::string(workflow) +
                         "` is not a workflow: only `workflow.task` may be written with a `.`");
      return error_term(whole);
    }
    // Named among the workflows, reported as what it is in SQL: E0306.
    Scope outer = s;
    outer.workflow = WorkflowId{};
    outer.in_sql = false;
    report_unknown_name(outer, workflow, workflow_range, scalar(TypeKind::Workflow),
                        s.in_sql ? DiagKind::BadSqlReference : DiagKind::UnknownName);
    return error_term(whole);
  }
  reference(s, workflow_range, it->second);
  uint32_t wf = model.symbol(it->second).entity;
  const auto& scope = workflow_scopes[wf];
  auto member = scope.find(name);
  if (member == scope.end() || model.symbol(member->second).kind == model::SymbolKind::Param) {
    std::string message =
        "workflow `" + std::string(workflow) + "` has no task or source `" + std::string(name) + "`";
    Diagnostic& d =
        sink(s).report(s.in_sql ? DiagKind::BadSqlReference : DiagKind::UnknownName, name_range, message);
    std::vector<std::string_view> candidates;
    for (const auto& entry : scope) {
      if (model.symbol(entry.getValue()).kind != model::SymbolKind::Param)
        candidates.push_back(entry.getKey());
    }
    std::string_view near = closest_name(name, candidates);
    if (!near.empty())
      d.fixits.push_back({name_range, std::string(near), "did you mean `" + std::string(near) + "`?"});
    return error_term(whole);
  }
  reference(s, name_range, member->second);
  return ref_term(member->second, whole);
}

TermId Checker::elaborate_list(const Scope& s, const syntax::Expr& e, Type expected) {
  Type elem_expected = expected.kind == TypeKind::List ? scalar(expected.arg) : scalar(TypeKind::Any);
  llvm::SmallVector<TermId, 8> items;
  Type elem;  // Error: nothing known yet
  // Where the element type is known (`after` takes tasks), each element of
  // another type is reported against it (coerce.cpp): the elements' mutual
  // disagreement would only say the same thing again.
  bool reported =
      expected.kind == TypeKind::List && expected.arg != TypeKind::Any && expected.arg != TypeKind::Error;
  for (syntax::ExprId op : e.operands) {
    TermId item = elaborate(s, op, elem_expected);
    items.push_back(item);
    Type ty = type_of(item);
    if (is_error(ty)) continue;
    std::optional<Type> both = unify(elem, ty);
    if (!both && !reported) {
      sink(s).report(DiagKind::TypeMismatch, term(item).range,
                     "list elements must have one type: found `" + model::type_name(elem) + "` and `" +
                         model::type_name(ty) + "`");
      reported = true;
    }
    if (both) elem = *both;
  }
  model::Term t;
  t.kind = Kind::List;
  t.type = list_of(elem.kind);
  t.range = e.range;
  return add_term(std::move(t), items);
}

TermId Checker::elaborate_logic(const Scope& s, const syntax::Expr& e) {
  std::string_view op = e.kind == ExprKind::Not ? "not" : e.kind == ExprKind::And ? "and" : "or";
  llvm::SmallVector<TermId, 2> items;
  bool expectation = false;
  bool failed = false;
  for (syntax::ExprId id : e.operands) {
    TermId item = elaborate(s, id, scalar(TypeKind::Expectation));
    items.push_back(item);
    Type ty = type_of(item);
    if (ty.kind == TypeKind::Expectation) {
      expectation = true;
    } else if (ty.kind != TypeKind::Bool && !is_error(ty)) {
      Diagnostic& d =
          sink(s).report(DiagKind::TypeMismatch, term(item).range,
                         "`" + std::string(op) + "` combines `bool` or `expectation` values, found `" +
                             model::type_name(ty) + "`");
      if (ty.kind == TypeKind::Metric)
        d.helps.push_back("a metric is a number, not a condition: compare it, as in `row_count() > 0`");
      failed = true;
    }
  }
  // An expectation is decided by the data when it runs: a `bool` beside a
  // condition on a metric would be decided by the plan (a param, values
  // compared), which lowering does not evaluate. Only `true` and `false`
  // stand for a fixed condition there.
  // `true`, `false`, and `not`/`and`/`or` of them alone, are fixed.
  std::function<bool(TermId)> fixed = [&](TermId id) {
    const Kind kind = term(id).kind;
    if (kind == Kind::Bool) return true;
    if (kind != Kind::Not && kind != Kind::And && kind != Kind::Or) return false;
    for (TermId op : operands(id))
      if (!fixed(op)) return false;
    return true;
  };
  for (TermId item : items)
    if (expectation && type_of(item).kind == TypeKind::Bool && !fixed(item)) {
      Diagnostic& d =
          sink(s).report(DiagKind::TypeMismatch, term(item).range,
                         "`" + std::string(op) +
                             "` here combines conditions on the data, found a `bool` known before the run");
      d.helps.push_back(
          "compare a metric, as in `row_count() > 0`; a condition that is fixed is `true` or `false`");
      failed = true;
    }
  if (failed || items.empty()) return error_term(e.range);
  model::Term t;
  t.kind = e.kind == ExprKind::Not ? Kind::Not : e.kind == ExprKind::And ? Kind::And : Kind::Or;
  t.type = scalar(expectation ? TypeKind::Expectation : TypeKind::Bool);
  t.range = e.range;
  return add_term(std::move(t), items);
}

}  // namespace flowc::check
