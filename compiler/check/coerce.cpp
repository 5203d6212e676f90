// Checking a value against the type its place expects: E0201 naming both
// types (E0202 for a function's argument), E0203 when a secret would flow
// somewhere other than a secret, and the literal the user probably meant.
#include <algorithm>

#include "compiler/check/checker.h"
#include "compiler/check/literals.h"

namespace flowc::check {

using Kind = model::Term::Kind;

namespace {

/// What a place of type `want` takes, for "... expects X": the type in
/// backticks, or in words for a metric of any value type (the element of
/// `compare`), whose open argument has no name a user would know.
std::string expected_text(Type want) {
  if (want.kind == TypeKind::Metric && want.arg == TypeKind::Error)
    return "a metric (`row_count()`, `sum(col)`, ...)";
  return "`" + model::type_name(want) + "`";
}

}  // namespace

bool Checker::coerce(const Scope& s, TermId id, Type want, std::string_view what, DiagKind kind,
                     const FnInfo* fn) {
  Type got = type_of(id);
  if (is_error(got) || is_error(want)) return true;
  const model::Term& t = term(id);
  // A list literal: point at the element that does not fit.
  if (want.kind == TypeKind::List && t.kind == Kind::List && !assignable(got, want)) {
    bool ok = true;
    std::string element = "an element of " + std::string(what);
    for (TermId item : operands(id)) ok = coerce(s, item, scalar(want.arg), element, kind, fn) && ok;
    if (!ok) return false;
  }
  if (carries_secret(got) && !carries_secret(want)) {
    Diagnostic& d =
        sink(s).report(DiagKind::SecretLeak, t.range, "a secret cannot flow into " + std::string(what));
    d.helps.push_back(
        "a secret may flow only into a target's `dsn`, a `webhook(...)` url or a `command`'s "
        "`env = [...]`; it is never written into SQL, messages or output");
    return false;
  }
  if (assignable(got, want)) return true;
  Diagnostic& d = sink(s).report(
      kind, t.range,
      std::string(what) + " expects " + expected_text(want) + ", found `" + model::type_name(got) + "`");
  if (want.kind == TypeKind::Metric && got.kind == TypeKind::Expectation)
    d.helps.push_back("an expectation passes or fails, it has no value to compare: put it in an `expect` line");
  suggest_literal(d, id, want);
  if (fn != nullptr) add_signature_note(d, *fn);
  return false;
}

void Checker::suggest_literal(Diagnostic& d, TermId id, Type want) {
  const model::Term& t = term(id);
  std::string literal;
  TypeKind k = want.kind;
  if (t.kind == Kind::String) {
    std::string_view text = trim(t.text);
    bool fits = false;
    switch (k) {
      case TypeKind::Duration: fits = parse_duration(text).has_value(); break;
      case TypeKind::Time: fits = parse_time_of_day(text).has_value(); break;
      case TypeKind::Date: fits = is_date(text); break;
      case TypeKind::Int: fits = is_int(text); break;
      case TypeKind::Float: fits = is_float(text) || is_int(text); break;
      case TypeKind::Percent: fits = is_percent(text); break;
      case TypeKind::Bool: fits = text == "true" || text == "false"; break;
      case TypeKind::Column: fits = is_identifier(text); break;
      case TypeKind::Task:  // `after = ["load"]`: a task or source is named, not quoted
        fits = std::any_of(model.nodes.begin(), model.nodes.end(),
                           [&](const model::Node& n) { return n.name == text; });
        break;
      case TypeKind::Route:
      case TypeKind::Target:
      case TypeKind::Legacy: fits = is_identifier(text) && globals.count(text); break;
      case TypeKind::Cron: literal = "cron(" + std::string(text_of(t.range)) + ")"; break;
      default: fits = is_enum_kind(k) && find_enum_value(k, text) != nullptr; break;
    }
    if (fits) literal = std::string(text);
  } else if (t.kind == Kind::Int && k == TypeKind::Duration) {
    std::string n = std::to_string(t.int_value);
    d.helps.push_back("a duration needs a unit: `" + n + "s`, `" + n + "m`, `" + n + "h` or `" + n + "d`");
    return;
  } else if (t.kind == Kind::Int && k == TypeKind::Percent) {
    literal = std::to_string(t.int_value) + "%";
  } else if (t.kind == Kind::Float && k == TypeKind::Percent) {
    double percent = t.float_value * 100;
    std::string text = std::to_string(percent);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.') text.pop_back();
    literal = text + "%";
  } else if (t.kind == Kind::Int && k == TypeKind::RetryPolicy) {
    literal = "retry(" + std::to_string(t.int_value) + ")";
  } else if (t.kind == Kind::Ref && t.type.kind == TypeKind::Route && k == TypeKind::Alert) {
    literal = "alert(" + t.text + ")";
  } else if (t.kind == Kind::Ref && k == TypeKind::String) {
    literal = "\"" + t.text + "\"";
  }
  if (literal.empty() || !t.range.valid()) return;
  d.fixits.push_back({t.range, literal, "write `" + literal + "`"});
}

void Checker::add_signature_note(Diagnostic& d, const FnInfo& fn) const {
  if (tree(fn.tree).fn(fn.fn).recovered) return;  // its syntax error says what is wrong with it
  d.notes.push_back({SourceRange{}, "the signature is `" + model.symbol(fn.symbol).signature + "`"});
}

}  // namespace flowc::check
