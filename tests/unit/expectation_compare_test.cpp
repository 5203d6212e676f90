// compare_value(): how a metric's value, fetched as text, is ordered against
// a condition's literal, as PostgreSQL would order the two (docs/tasks.md).
#include <doctest/doctest.h>

#include <cmath>

#include "runtime/connect/pg_numbers.h"
#include "runtime/materialize/expectations.h"

using flowc::plan::Literal;
using flowc::plan::ValueKind;
using flowc::runtime::compare_value;

namespace {

Literal literal(ValueKind kind, std::string text, double number = 0) {
  return Literal{kind, number, std::move(text)};
}

}  // namespace

TEST_CASE("a timestamp is ordered against a timestamp param or a date as an instant, not as text") {
  // `max(ts)` comes back as text in the session's zone; a timestamp param as written.
  const Literal at = literal(ValueKind::Text, "2026-12-02T08:00");
  CHECK(compare_value("2026-12-02 08:59:00+00", ValueKind::Any, at) == 1);
  CHECK(compare_value("2026-12-02 07:59:59.5+00", ValueKind::Any, at) == -1);
  CHECK(compare_value("2026-12-02 08:00:00+00", ValueKind::Any, at) == 0);
  // Another zone: 10:30+02:00 is 08:30 UTC.
  CHECK(compare_value("2026-12-02 10:30:00+02", ValueKind::Any,
                      literal(ValueKind::Text, "2026-12-02T08:31Z")) == -1);
  CHECK(compare_value("2026-12-02 10:30:00+05:30", ValueKind::Any,
                      literal(ValueKind::Text, "2026-12-02T05:00Z")) == 0);
  // Against a date: its midnight (the time part used to be dropped).
  const Literal day = literal(ValueKind::Date, "2026-12-02", 20789);
  CHECK(compare_value("2026-12-02 08:59:00+00", ValueKind::Any, day) == 1);
  CHECK(compare_value("2026-12-02 00:00:00", ValueKind::Any, day) == 0);
  CHECK(compare_value("2026-12-01 23:59:59", ValueKind::Any, day) == -1);
  // Dates against dates stay dates.
  CHECK(compare_value("2026-12-02", ValueKind::Any, day) == 0);
}

TEST_CASE("integers are compared exactly, beyond a double's 53 bits") {
  const Literal id = literal(ValueKind::Int, "1234567890123456789", 1234567890123456789.0);
  CHECK(compare_value("1234567890123456790", ValueKind::Any, id) == 1);
  CHECK(compare_value("1234567890123456789", ValueKind::Any, id) == 0);
  CHECK(compare_value("9007199254740993", ValueKind::Int, literal(ValueKind::Int, "9007199254740992")) == 1);
  CHECK(compare_value("-5", ValueKind::Int, literal(ValueKind::Int, "-4")) == -1);
  CHECK(compare_value("0", ValueKind::Int, literal(ValueKind::Int, "-0")) == 0);
  CHECK(compare_value("1000", ValueKind::Int, literal(ValueKind::Int, "1_000", 1000)) == 0);
  CHECK(compare_value("123456789012345678901234567890", ValueKind::Any,
                      literal(ValueKind::Int, "123456789012345678901234567889")) == 1);
}

TEST_CASE("NaN is ordered as PostgreSQL orders it: above every number, equal to itself") {
  CHECK(compare_value("NaN", ValueKind::Float, literal(ValueKind::Int, "1000", 1000)) == 1);
  CHECK(compare_value("NaN", ValueKind::Any, literal(ValueKind::Int, "5", 5)) == 1);
  CHECK(compare_value("NaN", ValueKind::Float, literal(ValueKind::Float, "NaN", std::nan(""))) == 0);
  CHECK(compare_value("Infinity", ValueKind::Float, literal(ValueKind::Float, "1e308", 1e308)) == 1);
  CHECK(compare_value("1.5", ValueKind::Float, literal(ValueKind::Float, "1.5", 1.5)) == 0);
}

TEST_CASE("a numeric metric against a decimal literal compares exactly, beyond a double's 53 bits") {
  CHECK(compare_value("12345678901234567.89", ValueKind::Float,
                      literal(ValueKind::Float, "12345678901234567.88", 12345678901234567.88)) == 1);
  CHECK(compare_value("12345678901234567.89", ValueKind::Float,
                      literal(ValueKind::Int, "12345678901234568", 12345678901234568.0)) == -1);
  CHECK(compare_value("2.50", ValueKind::Float, literal(ValueKind::Float, "2.5", 2.5)) == 0);
}

TEST_CASE("infinity and -infinity dates and timestamps are after and before every other, as in PostgreSQL") {
  const auto day = literal(ValueKind::Date, "2026-01-01", 20454);
  CHECK(compare_value("infinity", ValueKind::Any, day) == 1);
  CHECK(compare_value("-infinity", ValueKind::Any, day) == -1);
  CHECK(compare_value("infinity", ValueKind::Date, literal(ValueKind::Text, "infinity")) == 0);
  CHECK(compare_value("2026-01-01 00:00:00+00", ValueKind::Date, literal(ValueKind::Text, "infinity")) == -1);
}

TEST_CASE("text stays text") {
  CHECK(compare_value("emea", ValueKind::Text, literal(ValueKind::Text, "amer")) == 1);
  CHECK(compare_value("007", ValueKind::Text, literal(ValueKind::Text, "7")) == -1);
}

TEST_CASE(
    "numbers as PostgreSQL prints them: integers, decimals and exact order, one reader for expectations and "
    "parity") {
  using namespace flowc::runtime;
  CHECK(integer_text("-42"));
  CHECK_FALSE(integer_text("1_000"));  // a literal's spelling, not PostgreSQL's
  CHECK_FALSE(integer_text(" 7"));
  CHECK(order_decimals("1_000", "1000") == 0);
  CHECK_FALSE(integer_text("2.00"));
  CHECK_FALSE(integer_text("007a"));
  CHECK(decimal_text("2.00"));
  CHECK(decimal_text("-1.5e3"));
  CHECK_FALSE(decimal_text("2"));
  CHECK_FALSE(decimal_text("1.2.3"));
  CHECK(parse_number(" 1.5e-07 ") == 1.5e-07);
  CHECK(std::isnan(*parse_number("NaN")));
  CHECK_FALSE(parse_number("12abc"));
  CHECK(order_decimals("1234567890123456790", "1234567890123456789") == 1);
  CHECK(order_decimals("-0", "0") == 0);
  CHECK(order_decimals("-10", "-9") == -1);
  // Decimals exactly too: a numeric beyond a double's 53 bits.
  CHECK(order_decimals("1.0", "1") == 0);
  CHECK(order_decimals("12345678901234567.89", "12345678901234567.88") == 1);
  CHECK(order_decimals("-0.5", "-0.49") == -1);
  CHECK(order_decimals("0.10", ".1") == 0);
  CHECK(order_decimals("-0.00", "0") == 0);
  CHECK(order_decimals("2", "10.5") == -1);
  CHECK_FALSE(order_decimals("1e3", "1000"));  // an exponent: compared as doubles
  CHECK_FALSE(order_decimals("NaN", "1"));
  CHECK_FALSE(order_decimals("1.2.3", "1"));
}

TEST_CASE("a duration metric's value is shown as .flow writes a duration, a negative one as read") {
  flowc::plan::Condition compare;
  compare.kind = flowc::plan::Condition::Kind::Compare;
  compare.op = flowc::plan::CompareOp::Lt;
  compare.metric = 0;
  compare.literals.push_back(literal(ValueKind::Duration, "2h", 7200));
  std::vector<flowc::plan::Condition> conditions{compare};
  std::vector<flowc::plan::Metric> metrics(1);
  metrics[0].label = "freshness(loaded_at)";
  metrics[0].kind = ValueKind::Duration;
  using flowc::runtime::describe_values;
  CHECK(describe_values(conditions, 0, metrics, {std::string("8421.3")}) ==
        "freshness(loaded_at) = 2h20m21.3s");
  CHECK(describe_values(conditions, 0, metrics, {std::string("7200.4")}) == "freshness(loaded_at) = 2h0.4s");
  CHECK(describe_values(conditions, 0, metrics, {std::string("7200")}) == "freshness(loaded_at) = 2h");
  CHECK(describe_values(conditions, 0, metrics, {std::string("Infinity")}) ==
        "freshness(loaded_at) = Infinity");
  CHECK(describe_values(conditions, 0, metrics, {std::string("-3.5")}) == "freshness(loaded_at) = -3.5");
  CHECK(describe_values(conditions, 0, metrics, {std::nullopt}) == "freshness(loaded_at) = NULL");
}
