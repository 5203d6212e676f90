// Comparisons: `==` `!=` `<` `<=` `>` `>=`, `in a .. b` (or a list) and
// `change < P%`. A comparison involving a metric is an expectation (checked
// against data); between plain values it is a bool.
#include "compiler/check/checker.h"

#include <optional>

namespace flowc::check {

using syntax::ExprKind;
using Kind = model::Term::Kind;

namespace {

// The value type a metric<T> compares with; other types compare as themselves.
Type value_type(Type t) {
  if (t.kind != TypeKind::Metric) return t;
  return t.arg == TypeKind::Error ? scalar(TypeKind::Any) : scalar(t.arg);
}

/// A literal's value on one scale, for ordering the ends of a range; nullopt
/// for anything else (a param, a call: known only when it runs).
std::optional<double> literal_value(const model::Term& t) {
  switch (t.kind) {
    case Kind::Int:
    case Kind::Duration:
    case Kind::Date:
    case Kind::Time: return static_cast<double>(t.int_value);
    case Kind::Float:
    case Kind::Percent: return t.float_value;
    default: return std::nullopt;
  }
}

}  // namespace

void Checker::warn_if_empty(const Scope& s, TermId lo, TermId hi, SourceRange range) {
  const model::Term& low = term(lo);
  const model::Term& high = term(hi);
  // Ends of one kind (an int end may meet a float end: both are numbers).
  const bool numbers = (low.kind == Kind::Int || low.kind == Kind::Float) &&
                       (high.kind == Kind::Int || high.kind == Kind::Float);
  if (low.kind != high.kind && !numbers) return;
  const std::optional<double> a = literal_value(low), b = literal_value(high);
  if (!a || !b || *a <= *b) return;
  Diagnostic& d = sink(s).report(DiagKind::EmptyRange, range,
                                 "the range `" + std::string(text_of(range)) +
                                     "` holds for nothing: its lower end is above its upper end");
  const std::string swapped = std::string(text_of(high.range)) + " .. " + std::string(text_of(low.range));
  d.fixits.push_back({range, swapped, "write `" + swapped + "`"});
}

bool Checker::compared_value(const Scope& s, const syntax::Expr& e, TermId value, TermId metric) {
  Type type = type_of(value);
  if (carries_secret(type)) {
    sink(s).report(DiagKind::SecretLeak, e.range, "a secret cannot be compared: its value must not decide anything");
    return false;
  }
  // Checks compare one metric with values: the metrics are computed in one
  // query, but a check reads one of them.
  if (type.kind == TypeKind::Metric && metric.valid() && metric != value) {
    Diagnostic& d = sink(s).report(DiagKind::TypeMismatch, term(value).range,
                                   "a metric is compared with a value, not with another metric");
    d.helps.push_back("compute both in one metric: `sql(\"select ... from ${self}\") > 0`");
    return false;
  }
  return true;
}

TermId Checker::elaborate_compare(const Scope& s, const syntax::Expr& e) {
  if (e.operands.size() < 2) return error_term(e.range);
  TermId lhs = elaborate(s, e.operands[0], scalar(TypeKind::Any));
  Type left = type_of(lhs);
  bool metric = left.kind == TypeKind::Metric;
  Type want = value_type(left);
  TermId rhs;
  if (!compared_value(s, e, lhs, TermId{})) return error_term(e.range);

  if (e.kind == ExprKind::Change) {
    if (!metric && !is_error(left)) {
      sink(s).report(DiagKind::TypeMismatch, term(lhs).range,
                     "`change` compares a metric with its value in the previous successful run, found `" +
                         model::type_name(left) + "`");
    }
    rhs = elaborate(s, e.operands[1], scalar(TypeKind::Percent));
    coerce(s, rhs, scalar(TypeKind::Percent), "`change`");
    metric = true;
  } else if (e.kind == ExprKind::In) {
    // `in (1 .. 500)`: brackets around the range change nothing.
    const syntax::Expr* bracketed = &tree(s.tree).expr(e.operands[1]);
    while (bracketed->kind == ExprKind::Paren && bracketed->operands.size() == 1 &&
           bracketed->operands[0].valid())
      bracketed = &tree(s.tree).expr(bracketed->operands[0]);
    const syntax::Expr& right = *bracketed;
    if (right.kind == ExprKind::Range && right.operands.size() == 2) {
      TermId lo = elaborate(s, right.operands[0], want);
      TermId hi = elaborate(s, right.operands[1], want);
      TermId metric_side = metric ? lhs : TermId{};
      if (!compared_value(s, e, lo, metric_side) || !compared_value(s, e, hi, metric_side))
        return error_term(e.range);
      std::optional<Type> bounds = unify(type_of(lo), type_of(hi));
      for (TermId bound : {lo, hi}) {
        if (!comparable(want, type_of(bound))) {
          Diagnostic& d = sink(s).report(DiagKind::TypeMismatch, term(bound).range,
                                         "cannot compare `" + model::type_name(left) + "` with `" +
                                             model::type_name(type_of(bound)) + "`");
          suggest_literal(d, bound, want);
          bounds = Type{};
        }
      }
      warn_if_empty(s, lo, hi, right.range);
      model::Term range;
      range.kind = Kind::Range;
      range.type = bounds.value_or(Type{});
      range.range = right.range;
      TermId pair[] = {lo, hi};
      rhs = add_term(std::move(range), pair);
    } else if (right.kind == ExprKind::List) {
      rhs = elaborate(s, e.operands[1], list_of(want.kind));
      for (TermId item : operands(rhs))
        if (!compared_value(s, e, item, metric ? lhs : TermId{})) return error_term(e.range);
      for (TermId item : operands(rhs)) {
        if (!comparable(want, type_of(item))) {
          sink(s).report(DiagKind::TypeMismatch, term(item).range,
                         "cannot compare `" + model::type_name(left) + "` with `" +
                             model::type_name(type_of(item)) + "`");
        }
      }
    } else {
      rhs = elaborate(s, e.operands[1], want);
      if (!is_error(type_of(rhs))) {
        sink(s).report(DiagKind::TypeMismatch, term(rhs).range,
                       "`in` takes a range `a .. b` or a list `[a, b]`");
      }
      return error_term(e.range);
    }
  } else {
    rhs = elaborate(s, e.operands[1], want);
    if (!compared_value(s, e, rhs, metric ? lhs : TermId{})) return error_term(e.range);
    Type right = type_of(rhs);
    if (right.kind == TypeKind::Metric) {
      metric = true;
      want = value_type(right), right = left;
    }
    if (!comparable(want, right)) {
      TermId culprit = left.kind == TypeKind::Metric || !metric ? rhs : lhs;
      Diagnostic& d = sink(s).report(DiagKind::TypeMismatch, e.range,
                                     "cannot compare `" + model::type_name(type_of(lhs)) + "` with `" +
                                         model::type_name(type_of(rhs)) + "`");
      suggest_literal(d, culprit, want);
      return error_term(e.range);
    }
  }
  // An operand already reported makes the comparison an error too: typed
  // `bool`, it would be reported again where an expectation is expected.
  if (is_error(type_of(lhs)) || is_error(type_of(rhs))) return error_term(e.range);
  model::Term t;
  t.kind = e.kind == ExprKind::Change ? Kind::Change : e.kind == ExprKind::In ? Kind::In : Kind::Compare;
  t.op = e.op;
  t.type = scalar(metric ? TypeKind::Expectation : TypeKind::Bool);
  t.range = e.range;
  TermId pair[] = {lhs, rhs};
  return add_term(std::move(t), pair);
}

}  // namespace flowc::check
