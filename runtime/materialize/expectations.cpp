#include "runtime/materialize/expectations.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "compiler/spelling/spelling.h"
#include "runtime/connect/pg_numbers.h"

namespace flowc::runtime {

namespace {

using plan::CompareOp;
using plan::Condition;
using plan::ValueKind;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// "HH:MM[:SS[.fff]]" as seconds.
std::optional<double> parse_clock(std::string_view s) {
  s = trim(s);
  bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  double total = 0;
  int parts = 0;
  while (!s.empty()) {
    size_t colon = s.find(':');
    std::optional<double> part = parse_number(s.substr(0, colon));
    if (!part) return std::nullopt;
    total = total * 60 + *part;
    ++parts;
    if (colon == std::string_view::npos) break;
    s.remove_prefix(colon + 1);
  }
  if (parts < 2 || parts > 3) return std::nullopt;
  if (parts == 2) total *= 60;  // HH:MM
  return negative ? -total : total;
}

/// A duration in seconds: a plain number (what the metric SQL returns), or
/// PostgreSQL's interval output `[N day[s] ][HH:MM:SS]` as a fallback.
std::optional<double> parse_duration(std::string_view s) {
  if (auto n = parse_number(s)) return n;
  s = trim(s);
  double days = 0;
  size_t day = s.find(" day");
  if (day != std::string_view::npos) {
    auto d = parse_number(s.substr(0, day));
    if (!d) return std::nullopt;
    days = *d;
    size_t rest = s.find(' ', day + 1);
    s = rest == std::string_view::npos ? std::string_view() : trim(s.substr(rest));
  }
  double clock = 0;
  if (!s.empty()) {
    auto c = parse_clock(s);
    if (!c) return std::nullopt;
    clock = *c;
  }
  return days * 86400 + clock;
}

/// Days since 1970-01-01 of the leading `YYYY-MM-DD` (a timestamp's date part too).
std::optional<double> parse_date(std::string_view s) {
  s = trim(s);
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto field = [&](size_t at, size_t len) -> std::optional<int> {
    int v = 0;
    auto [end, ec] = std::from_chars(s.data() + at, s.data() + at + len, v);
    if (ec != std::errc() || end != s.data() + at + len) return std::nullopt;
    return v;
  };
  auto y = field(0, 4), m = field(5, 2), d = field(8, 2);
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1 || *d > 31) return std::nullopt;
  // Howard Hinnant's days_from_civil.
  int year = *y - (*m <= 2 ? 1 : 0);
  int era = (year >= 0 ? year : year - 399) / 400;
  unsigned yoe = static_cast<unsigned>(year - era * 400);
  unsigned doy = (153 * static_cast<unsigned>(*m + (*m > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(*d) - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<double>(era * 146097 + static_cast<int>(doe) - 719468);
}

std::optional<bool> parse_bool(std::string_view s) {
  s = trim(s);
  if (s == "t" || s == "true" || s == "1" || s == "TRUE") return true;
  if (s == "f" || s == "false" || s == "0" || s == "FALSE") return false;
  return std::nullopt;
}

template <class T>
int order(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

/// Numbers as PostgreSQL orders them: NaN equals NaN and is above every
/// other value (a `<` of IEEE doubles would call NaN neither).
int order_numbers(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) == std::isnan(b) ? 0 : (std::isnan(a) ? 1 : -1);
  return order(a, b);
}

/// A date or a timestamp as PostgreSQL prints or reads it: `2026-12-02`,
/// `2026-12-02 08:59:00+00`, `2026-12-02T08:00`, `...Z`, `...+05:30`.
struct Instant {
  double seconds = 0;         // since 1970-01-01 00:00 of its own clock
  std::optional<int> offset;  // seconds east of UTC, when written
  bool has_time = false;
};

std::optional<Instant> parse_instant(std::string_view s) {
  s = trim(s);
  if (s.size() < 10) return std::nullopt;
  std::optional<double> day = parse_date(s.substr(0, 10));
  if (!day) return std::nullopt;
  Instant out;
  out.seconds = *day * 86400;
  std::string_view rest = s.substr(10);
  if (rest.empty()) return out;
  if (rest.front() != ' ' && rest.front() != 'T') return std::nullopt;
  rest.remove_prefix(1);
  size_t zone = rest.find_first_of("Z+-");
  std::optional<double> clock = parse_clock(rest.substr(0, zone));
  if (!clock) return std::nullopt;
  out.seconds += *clock;
  out.has_time = true;
  if (zone == std::string_view::npos) return out;
  std::string_view z = rest.substr(zone);
  if (z == "Z") {
    out.offset = 0;
    return out;
  }
  const int sign = z.front() == '-' ? -1 : 1;
  z.remove_prefix(1);
  int hours = 0, minutes = 0;
  auto number = [](std::string_view t, int& v) {
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    return ec == std::errc() && end == t.data() + t.size();
  };
  if (z.size() == 2) {
    if (!number(z, hours)) return std::nullopt;
  } else if (z.size() == 5 && z[2] == ':') {
    if (!number(z.substr(0, 2), hours) || !number(z.substr(3), minutes)) return std::nullopt;
  } else if (z.size() == 4) {
    if (!number(z.substr(0, 2), hours) || !number(z.substr(2), minutes)) return std::nullopt;
  } else {
    return std::nullopt;
  }
  out.offset = sign * (hours * 3600 + minutes * 60);
  return out;
}

/// PostgreSQL's `infinity` and `-infinity` dates and timestamps against
/// another date or instant: after, and before, every other (an open
/// `valid_to`); nullopt when neither is one.
std::optional<int> order_infinities(std::string_view a, std::string_view b) {
  auto rank = [](std::string_view t) { return t == "infinity" ? 1 : t == "-infinity" ? -1 : 0; };
  if (rank(a) == 0 && rank(b) == 0) return std::nullopt;
  return order(rank(a), rank(b));
}

/// Two instants in time order, when either has a time of day. One without
/// a zone is read in the other's (as PostgreSQL reads it in the session's,
/// the zone it printed the other in); nullopt when either is not one.
std::optional<int> order_instants(std::string_view a, std::string_view b) {
  std::optional<Instant> x = parse_instant(a), y = parse_instant(b);
  if (!x || !y || (!x->has_time && !y->has_time)) return std::nullopt;
  const int zone = x->offset.value_or(y->offset.value_or(0));
  return order(x->seconds - x->offset.value_or(zone), y->seconds - y->offset.value_or(zone));
}

bool is_numeric(ValueKind kind) {
  return kind == ValueKind::Int || kind == ValueKind::Float || kind == ValueKind::Percent ||
         kind == ValueKind::Duration;
}

/// The literal as a number in the metric's units: `number` when the literal
/// is numeric, else its text parsed.
std::optional<double> literal_number(const plan::Literal& literal, ValueKind kind) {
  if (is_numeric(literal.kind) || literal.kind == ValueKind::Bool) return literal.number;
  if (literal.kind == ValueKind::Date && kind == ValueKind::Date) return literal.number;
  if (kind == ValueKind::Duration) return parse_duration(literal.text);
  return parse_number(literal.text);
}

bool apply(CompareOp op, int order) {
  switch (op) {
    case CompareOp::Eq: return order == 0;
    case CompareOp::Ne: return order != 0;
    case CompareOp::Lt: return order < 0;
    case CompareOp::Le: return order <= 0;
    case CompareOp::Gt: return order > 0;
    case CompareOp::Ge: return order >= 0;
  }
  return false;
}

Truth truth(bool b) { return b ? Truth::True : Truth::False; }

/// The value `change` compares, in the metric's units; nullopt when it is
/// not a number (a text, a date written as text). A `sql(...)` metric (of
/// any type) may return an interval (`now() - max(ts)`): as a duration.
std::optional<double> change_number(const std::string& value, ValueKind kind) {
  return kind == ValueKind::Duration || kind == ValueKind::Any ? parse_duration(value)
         : kind == ValueKind::Date                             ? parse_date(value)
                                                               : parse_number(value);
}

struct Evaluator {
  const std::vector<Condition>& conditions;
  const std::vector<plan::Metric>& metrics;
  const MetricRow& row;
  std::string_view check;
  const PreviousValue& previous;

  /// The metric's value, or nullptr for NULL / out of range (Unknown).
  const std::string* value(uint32_t metric) const {
    if (metric >= row.size() || metric >= metrics.size() || !row[metric]) return nullptr;
    return &*row[metric];
  }

  Truth compare(uint32_t metric, CompareOp op, const plan::Literal& literal) const {
    const std::string* v = value(metric);
    if (!v) return Truth::Unknown;
    std::optional<int> o = compare_value(*v, metrics[metric].kind, literal);
    return o ? truth(apply(op, *o)) : Truth::Unknown;
  }

  Truth change(const Condition& c) const {
    const std::string* v = value(c.metric);
    if (!v || c.literals.empty()) return Truth::Unknown;
    ValueKind kind = metrics[c.metric].kind;
    std::optional<double> now = change_number(*v, kind);
    if (!now) return Truth::Unknown;
    std::optional<std::string> recorded = previous ? previous(check, metrics[c.metric].label) : std::nullopt;
    if (!recorded) return Truth::True;  // no history: nothing to compare with
    // A recorded value that does not read as one (a metric that was a text)
    // is no baseline either.
    std::optional<double> before = change_number(*recorded, kind);
    if (!before) return Truth::True;
    double percent = 0;
    if (*before == 0) percent = *now == 0 ? 0 : INFINITY;  // from zero, any change is unbounded
    else percent = std::fabs(*now - *before) / std::fabs(*before) * 100;
    return truth(apply(c.op, order(percent, c.literals[0].number)));
  }

  Truth eval(uint32_t index, int depth) const {
    if (index >= conditions.size() || depth > 64) return Truth::Unknown;
    const Condition& c = conditions[index];
    switch (c.kind) {
      case Condition::Kind::Compare:
        return c.literals.empty() ? Truth::Unknown : compare(c.metric, c.op, c.literals[0]);
      case Condition::Kind::InRange: {
        if (c.literals.size() < 2) return Truth::Unknown;
        Truth low = compare(c.metric, CompareOp::Ge, c.literals[0]);
        Truth high = compare(c.metric, CompareOp::Le, c.literals[1]);
        if (low == Truth::False || high == Truth::False) return Truth::False;
        return low == Truth::True && high == Truth::True ? Truth::True : Truth::Unknown;
      }
      case Condition::Kind::InList: {
        Truth result = Truth::False;
        for (const plan::Literal& l : c.literals) {
          Truth t = compare(c.metric, CompareOp::Eq, l);
          if (t == Truth::True) return Truth::True;
          if (t == Truth::Unknown) result = Truth::Unknown;
        }
        return result;
      }
      case Condition::Kind::Change: return change(c);
      case Condition::Kind::And: {
        Truth result = Truth::True;
        for (uint32_t o : c.operands) {
          Truth t = eval(o, depth + 1);
          if (t == Truth::False) return Truth::False;
          if (t == Truth::Unknown) result = Truth::Unknown;
        }
        return result;
      }
      case Condition::Kind::Or: {
        Truth result = Truth::False;
        for (uint32_t o : c.operands) {
          Truth t = eval(o, depth + 1);
          if (t == Truth::True) return Truth::True;
          if (t == Truth::Unknown) result = Truth::Unknown;
        }
        return result;
      }
      case Condition::Kind::Not: {
        if (c.operands.empty()) return Truth::Unknown;
        Truth t = eval(c.operands[0], depth + 1);
        return t == Truth::Unknown ? t : truth(t == Truth::False);
      }
      case Condition::Kind::Const: return truth(!c.literals.empty() && c.literals[0].number != 0);
    }
    return Truth::Unknown;
  }
};

/// Metrics a `change` condition of the tree reads.
void collect_change_metrics(const std::vector<Condition>& conditions, uint32_t index, int depth,
                            std::vector<uint32_t>& out) {
  if (index >= conditions.size() || depth > 64) return;
  const Condition& c = conditions[index];
  if (c.kind == Condition::Kind::Change) out.push_back(c.metric);
  for (uint32_t o : c.operands) collect_change_metrics(conditions, o, depth + 1, out);
}

/// Metrics read by a condition tree, in reading order, without repeats.
void collect_metrics(const std::vector<Condition>& conditions, uint32_t index, int depth,
                     std::vector<uint32_t>& out) {
  if (index >= conditions.size() || depth > 64) return;
  const Condition& c = conditions[index];
  switch (c.kind) {
    case Condition::Kind::And:
    case Condition::Kind::Or:
    case Condition::Kind::Not:
      for (uint32_t o : c.operands) collect_metrics(conditions, o, depth + 1, out);
      return;
    case Condition::Kind::Const: return;
    default:
      for (uint32_t m : out)
        if (m == c.metric) return;
      out.push_back(c.metric);
  }
}

}  // namespace

std::optional<int> compare_value(std::string_view value, ValueKind metric_kind, const plan::Literal& literal) {
  ValueKind kind = metric_kind == ValueKind::Any ? literal.kind : metric_kind;
  switch (kind) {
    case ValueKind::Int:
    case ValueKind::Float:
    case ValueKind::Percent: {
      // Two plain decimals exactly (a bigint, a numeric); else as doubles.
      if (literal.kind == ValueKind::Int || literal.kind == ValueKind::Float)
        if (std::optional<int> exact = order_decimals(value, literal.text)) return exact;
      auto v = parse_number(value);
      auto l = literal_number(literal, kind);
      if (!v || !l) return std::nullopt;
      return order_numbers(*v, *l);
    }
    case ValueKind::Duration: {
      auto v = parse_duration(value);
      auto l = literal_number(literal, kind);
      if (!v || !l) return std::nullopt;
      return order(*v, *l);
    }
    case ValueKind::Date: {
      if (std::optional<int> infinite = order_infinities(value, literal.text)) return infinite;
      // `max(loaded_at) > 2026-12-02`: a timestamp against a date is against
      // its midnight, as in PostgreSQL, not against the timestamp's day.
      if (std::optional<int> instants = order_instants(value, literal.text)) return instants;
      auto v = parse_date(value);
      auto l = literal.kind == ValueKind::Date ? std::optional<double>(literal.number) : parse_date(literal.text);
      if (!v || !l) return std::nullopt;
      return order(*v, *l);
    }
    case ValueKind::Time: {
      auto v = parse_clock(value);
      auto l = parse_clock(literal.text);
      if (!v || !l) return std::nullopt;
      return order(*v, *l);
    }
    case ValueKind::Bool: {
      auto v = parse_bool(value);
      std::optional<bool> l = literal.kind == ValueKind::Bool ? std::optional<bool>(literal.number != 0)
                                                              : parse_bool(literal.text);
      if (!v || !l) return std::nullopt;
      return order(*v, *l);
    }
    case ValueKind::Text:
      // A timestamp param against `max(ts)`: instants, not `T` against ` `.
      if (std::optional<int> instants = order_instants(value, literal.text)) return instants;
      return order(std::string_view(value), std::string_view(literal.text));
    case ValueKind::Any: {
      // Neither side says: plain decimals exactly, numbers, instants, else text.
      if (std::optional<int> exact = order_decimals(value, literal.text)) return exact;
      auto v = parse_number(value);
      auto l = parse_number(literal.text);
      if (v && l) return order_numbers(*v, *l);
      if (std::optional<int> instants = order_instants(value, literal.text)) return instants;
      return order(std::string_view(value), std::string_view(literal.text));
    }
  }
  return std::nullopt;
}

Truth evaluate_condition(const std::vector<plan::Condition>& conditions, uint32_t root,
                         const std::vector<plan::Metric>& metrics, const MetricRow& row,
                         std::string_view check, const PreviousValue& previous) {
  Evaluator e{conditions, metrics, row, check, previous};
  return e.eval(root, 0);
}

std::vector<ExpectationResult> evaluate_checks(const std::vector<plan::Check>& checks,
                                               const std::vector<plan::Condition>& conditions,
                                               const std::vector<plan::Metric>& metrics, const MetricRow& row,
                                               const PreviousValue& previous) {
  std::vector<ExpectationResult> results;
  results.reserve(checks.size());
  for (const plan::Check& check : checks) {
    ExpectationResult r;
    r.check = check.name;
    r.warn = check.warn;
    std::vector<uint32_t> read;
    collect_metrics(conditions, check.condition, 0, read);
    for (uint32_t m : read)
      if (m < metrics.size())
        r.readings.push_back({metrics[m].label, m < row.size() ? row[m] : std::nullopt});
    r.passed = evaluate_condition(conditions, check.condition, metrics, row, check.name, previous) == Truth::True;
    results.push_back(std::move(r));
  }
  return results;
}

std::vector<uint32_t> metrics_read(const std::vector<plan::Condition>& conditions, uint32_t root) {
  std::vector<uint32_t> read;
  collect_metrics(conditions, root, 0, read);
  return read;
}

std::string describe_values(const std::vector<plan::Condition>& conditions, uint32_t root,
                            const std::vector<plan::Metric>& metrics, const MetricRow& row) {
  std::vector<uint32_t> read;
  collect_metrics(conditions, root, 0, read);
  std::vector<uint32_t> changing;
  collect_change_metrics(conditions, root, 0, changing);
  std::string out;
  for (uint32_t m : read) {
    if (m >= metrics.size()) continue;
    if (!out.empty()) out += ", ";
    const bool present = m < row.size() && row[m];
    std::string shown = present ? *row[m] : std::string("NULL");
    // A duration as `.flow` writes it, for people (`2h20m21.3s`, not
    // `8421.3`): to a tenth of a second, so that 7200.4 never reads `2h`
    // beside a failed `< 2h`.
    if (present && metrics[m].kind == ValueKind::Duration)
      if (std::optional<double> seconds = parse_duration(*row[m]);
          seconds && std::isfinite(*seconds) && *seconds >= 0 && *seconds < 1e15) {
        const int64_t tenths = std::llround(*seconds * 10);
        shown = spelling::duration_text(tenths / 10);
        if (tenths % 10 != 0) {
          if (shown.back() == 's')
            shown.pop_back();
          else
            shown += "0";
          shown += "." + std::to_string(tenths % 10) + "s";
        }
      }
    out += metrics[m].label + " = " + shown;
    // A date or a text has no relative change: say why it can never pass.
    if (present && std::find(changing.begin(), changing.end(), m) != changing.end() &&
        !change_number(*row[m], metrics[m].kind))
      out += " (not a number: `change` compares numbers and durations)";
  }
  return out;
}

}  // namespace flowc::runtime
