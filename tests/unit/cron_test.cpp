#include "compiler/cron/cron.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace flowc::cron;
using namespace std::chrono;

namespace {

CronSpec must_parse(std::string_view text) {
  CronError error;
  std::optional<CronSpec> spec = parse(text, error);
  INFO("expression: ", std::string(text), " error: ", error.message);
  REQUIRE(spec.has_value());
  return *spec;
}

struct ExpectedError {
  std::string_view text;
  std::string_view message;
  uint32_t begin;
  uint32_t end;
};

template <size_t N>
std::vector<int> set_bits(const std::bitset<N>& bits) {
  std::vector<int> out;
  for (size_t i = 0; i < N; ++i) {
    if (bits[i]) out.push_back(static_cast<int>(i));
  }
  return out;
}

/// A UTC instant from calendar fields.
sys_seconds utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

/// "2025-03-30 01:00" (UTC), or "none": readable failures.
std::string show(std::optional<sys_seconds> t) {
  if (!t) return "none";
  sys_days d = floor<days>(*t);
  year_month_day ymd{d};
  auto rest = *t - d;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02ld:%02ld", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(floor<hours>(rest).count()), static_cast<long>(floor<minutes>(rest).count() % 60));
  return buf;
}

std::string next(std::string_view expr, std::string_view tz, sys_seconds after) {
  return show(next_fire(must_parse(expr), tz, after));
}

/// The first `n` fire times after `after`.
std::vector<std::string> series(std::string_view expr, std::string_view tz, sys_seconds after, int n) {
  CronSpec spec = must_parse(expr);
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::optional<sys_seconds> t = next_fire(spec, tz, after);
    out.push_back(show(t));
    if (!t) break;
    after = *t;
  }
  return out;
}

}  // namespace

TEST_CASE("every field of `* * * * *` is full and unrestricted") {
  CronSpec s = must_parse("* * * * *");
  CHECK(s.minutes.count() == 60);
  CHECK(s.hours.count() == 24);
  CHECK(set_bits(s.days_of_month).size() == 31);
  CHECK(!s.days_of_month[0]);
  CHECK(set_bits(s.months).size() == 12);
  CHECK(s.days_of_week.count() == 7);
  CHECK(!s.dom_restricted);
  CHECK(!s.dow_restricted);
}

TEST_CASE("numbers, lists, ranges and steps") {
  CHECK(set_bits(must_parse("5 4 * * *").minutes) == std::vector<int>{5});
  CHECK(set_bits(must_parse("5 4 * * *").hours) == std::vector<int>{4});
  CHECK(set_bits(must_parse("1,5,9 * * * *").minutes) == std::vector<int>{1, 5, 9});
  CHECK(set_bits(must_parse("0 1-5 * * *").hours) == std::vector<int>{1, 2, 3, 4, 5});
  CHECK(set_bits(must_parse("*/15 * * * *").minutes) == std::vector<int>{0, 15, 30, 45});
  CHECK(set_bits(must_parse("10-50/5 * * * *").minutes) ==
        std::vector<int>{10, 15, 20, 25, 30, 35, 40, 45, 50});
  CHECK(set_bits(must_parse("5/20 * * * *").minutes) == std::vector<int>{5, 25, 45});
  CHECK(set_bits(must_parse("0 0 1-10/3,20 * *").days_of_month) == std::vector<int>{1, 4, 7, 10, 20});
  CHECK(set_bits(must_parse("0 0 * */4 *").months) == std::vector<int>{1, 5, 9});
}

TEST_CASE("month and day names are case-insensitive and work in ranges and lists") {
  CronSpec s = must_parse("0 0 * JAN,jul Mon-fri");
  CHECK(set_bits(s.months) == std::vector<int>{1, 7});
  CHECK(set_bits(s.days_of_week) == std::vector<int>{1, 2, 3, 4, 5});
  CHECK(set_bits(must_parse("0 0 * nov-Dec sun,SAT").months) == std::vector<int>{11, 12});
  CHECK(set_bits(must_parse("0 0 * nov-Dec sun,SAT").days_of_week) == std::vector<int>{0, 6});
}

TEST_CASE("7 is Sunday as well as 0") {
  CHECK(set_bits(must_parse("0 0 * * 7").days_of_week) == std::vector<int>{0});
  CHECK(set_bits(must_parse("0 0 * * 5-7").days_of_week) == std::vector<int>{0, 5, 6});
  CHECK(must_parse("0 0 * * 0-7").days_of_week.count() == 7);
}

TEST_CASE("a field is restricted unless it starts with `*` (Vixie cron)") {
  CHECK(must_parse("0 0 1 * *").dom_restricted);
  CHECK(!must_parse("0 0 1 * *").dow_restricted);
  CHECK(must_parse("0 0 * * 1").dow_restricted);
  CHECK(must_parse("0 0 1-31 * *").dom_restricted);
  CHECK(!must_parse("0 0 */2 * *").dom_restricted);
}

TEST_CASE("blanks around and between fields") {
  CronSpec s = must_parse("  0\t7   * *  1 \n");
  CHECK(set_bits(s.hours) == std::vector<int>{7});
  CHECK(set_bits(s.days_of_week) == std::vector<int>{1});
}

TEST_CASE("macros expand to their 5-field meaning") {
  auto same = [](std::string_view macro, std::string_view fields) {
    CronSpec a = must_parse(macro), b = must_parse(fields);
    CHECK(a.minutes == b.minutes);
    CHECK(a.hours == b.hours);
    CHECK(a.days_of_month == b.days_of_month);
    CHECK(a.months == b.months);
    CHECK(a.days_of_week == b.days_of_week);
    CHECK(a.dom_restricted == b.dom_restricted);
    CHECK(a.dow_restricted == b.dow_restricted);
  };
  same("@yearly", "0 0 1 1 *");
  same("@annually", "0 0 1 1 *");
  same("@monthly", "0 0 1 * *");
  same("@weekly", "0 0 * * 0");
  same("@daily", "0 0 * * *");
  same("@midnight", "0 0 * * *");
  same("@hourly", "0 * * * *");
  same(" @DAILY ", "0 0 * * *");
}

TEST_CASE("every error has a precise message and range") {
  const ExpectedError cases[] = {
      {"61 * * * *", "minute 61 is out of range 0-59", 0, 2},
      {"  61 * * * *", "minute 61 is out of range 0-59", 2, 4},
      {"99999999999 * * * *", "minute 99999999999 is out of range 0-59", 0, 11},
      {"0 24 * * *", "hour 24 is out of range 0-23", 2, 4},
      {"0 0 0 * *", "day of month 0 is out of range 1-31", 4, 5},
      {"0 0 32 * *", "day of month 32 is out of range 1-31", 4, 6},
      {"0 0 * 13 *", "month 13 is out of range 1-12", 6, 8},
      {"0 0 * 0 *", "month 0 is out of range 1-12", 6, 7},
      {"0 0 * * 8", "day of week 8 is out of range 0-7", 8, 9},
      {"0 0 * 1-13 *", "month 13 is out of range 1-12", 8, 10},
      {"* * * *", "expected 5 fields, found 4", 0, 7},
      {"* * * * * *", "expected 5 fields, found 6", 10, 11},
      {"0 7 * * * /bin/true", "expected 5 fields, found 6", 10, 19},
      {"", "expected 5 fields, found 0", 0, 0},
      {"0 0 * jna *", "unknown month name `jna`", 6, 9},
      {"0 0 * * mnu", "unknown day name `mnu`", 8, 11},
      {"0 0 * * monday", "unknown day name `monday`", 8, 14},
      {"0 0 * * 5L", "day of week `5L` is not a number or a name", 8, 10},
      {"ab * * * *", "minute `ab` is not a number", 0, 2},
      {"0 0 jan * *", "day of month `jan` is not a number", 4, 7},
      {"*/0 * * * *", "step must be at least 1", 2, 3},
      {"0 10-20/0 * * *", "step must be at least 1", 8, 9},
      {"*/x * * * *", "step `x` is not a number", 2, 3},
      {"*/ * * * *", "expected a step after `/`", 1, 2},
      {"0 5-1 * * *", "range 5-1 is backwards", 2, 5},
      {"0 0 * * fri-mon", "range fri-mon is backwards", 8, 15},
      {"5- * * * *", "incomplete range `5-`", 0, 2},
      {"1,,2 * * * *", "empty item in the minute list", 2, 3},
      {"0 1, * * *", "empty item in the hour list", 3, 4},
      {"? * * * *", "unexpected `?` in the minute field", 0, 1},
      {"*-5 * * * *", "unexpected `-` in the minute field", 1, 2},
      {"0 0 L * *", "day of month `L` is not a number", 4, 5},
      {"0 0 * * \xc3\xbc", "unexpected `\xc3\xbc` in the day of week field", 8, 10},
      {"@reboot", "`@reboot` has no schedule: it runs once when cron starts", 0, 7},
      {"@dayly", "unknown macro `@dayly`, expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly",
       0, 6},
      {"@daily 5", "unexpected `5` after `@daily`", 7, 8},
  };
  for (const ExpectedError& c : cases) {
    CAPTURE(c.text);
    CronError error;
    CHECK(!parse(c.text, error).has_value());
    CHECK(error.message == c.message);
    CHECK(error.begin == c.begin);
    CHECK(error.end == c.end);
  }
}

TEST_CASE("time zones are checked against the system tzdata") {
  CHECK(is_valid_time_zone("UTC"));
  CHECK(is_valid_time_zone("Etc/UTC"));
  CHECK(is_valid_time_zone("Europe/Berlin"));
  CHECK(is_valid_time_zone("America/New_York"));
  CHECK(!is_valid_time_zone("Europe/Berln"));
  CHECK(!is_valid_time_zone("europe/berlin"));
  CHECK(!is_valid_time_zone(""));
  CHECK(!is_valid_time_zone("localtime"));  // a Debian file, not an IANA name
  CHECK(!is_valid_time_zone("../../etc/passwd"));
  CHECK(!is_valid_time_zone("Mars/Olympus_Mons"));
}

TEST_CASE("the closest time zone to a misspelt name") {
  CHECK(closest_time_zone("Europe/Berln") == "Europe/Berlin");
  CHECK(closest_time_zone("europe/berlin") == "Europe/Berlin");
  CHECK(closest_time_zone("America/New York") == "America/New_York");
  CHECK(closest_time_zone("Berlin") == "Europe/Berlin");
  CHECK(closest_time_zone("utc") == "UTC");
  CHECK(closest_time_zone("Xyzzy/Nowhere_At_All") == "");
  CHECK(closest_time_zone("") == "");
}

TEST_CASE("next fire is strictly after the given instant") {
  CHECK(next("0 7 * * *", "UTC", utc(2025, 1, 1, 6, 59, 59)) == "2025-01-01 07:00");
  CHECK(next("0 7 * * *", "UTC", utc(2025, 1, 1, 7, 0, 0)) == "2025-01-02 07:00");
  CHECK(next("* * * * *", "UTC", utc(2025, 1, 1, 7, 0, 30)) == "2025-01-01 07:01");
  CHECK(next("0 0 1 1 *", "UTC", utc(2025, 12, 31, 23, 59)) == "2026-01-01 00:00");
  CHECK(next("0 12 15 6 *", "UTC", utc(2025, 7, 1)) == "2026-06-15 12:00");
  CHECK(next("@hourly", "UTC", utc(2025, 5, 5, 10, 0)) == "2025-05-05 11:00");
}

TEST_CASE("a time zone shifts the fire time") {
  // 07:00 in Berlin is 06:00 UTC in winter and 05:00 UTC in summer.
  CHECK(next("0 7 * * *", "Europe/Berlin", utc(2025, 1, 10)) == "2025-01-10 06:00");
  CHECK(next("0 7 * * *", "Europe/Berlin", utc(2025, 7, 10)) == "2025-07-10 05:00");
  CHECK(next("0 7 * * *", "America/New_York", utc(2025, 1, 10)) == "2025-01-10 12:00");
}

TEST_CASE("day of month and day of week: OR when both are restricted, AND otherwise") {
  // Fridays or the 13th, from Sunday 2025-06-01.
  CHECK(series("0 0 13 * 5", "UTC", utc(2025, 6, 1), 8) ==
        std::vector<std::string>{"2025-06-06 00:00", "2025-06-13 00:00", "2025-06-20 00:00", "2025-06-27 00:00",
                                 "2025-07-04 00:00", "2025-07-11 00:00", "2025-07-13 00:00", "2025-07-18 00:00"});
  // `*/2` starts with `*`, so it is unrestricted: odd days that are Mondays.
  CHECK(next("0 0 */2 * 1", "UTC", utc(2025, 6, 1)) == "2025-06-09 00:00");
  // Only the weekday restricted: Mondays.
  CHECK(next("0 0 * * mon", "UTC", utc(2025, 6, 1)) == "2025-06-02 00:00");
  // Only the day of month restricted.
  CHECK(next("0 0 15 * *", "UTC", utc(2025, 6, 1)) == "2025-06-15 00:00");
}

TEST_CASE("spring forward in Europe/Berlin: a skipped time fires at the end of the gap") {
  // 2025-03-30: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
  CHECK(series("30 2 * * *", "Europe/Berlin", utc(2025, 3, 29, 12), 3) ==
        std::vector<std::string>{"2025-03-30 01:00", "2025-03-31 00:30", "2025-04-01 00:30"});
  // Every quarter of the missing hour collapses into one run.
  CHECK(series("*/15 2 * * *", "Europe/Berlin", utc(2025, 3, 30, 0, 0), 2) ==
        std::vector<std::string>{"2025-03-30 01:00", "2025-03-31 00:00"});
  // 03:00 exists and is the same instant as the end of the gap.
  CHECK(next("0 3 * * *", "Europe/Berlin", utc(2025, 3, 29, 12)) == "2025-03-30 01:00");
  // An hourly job just has one hour fewer.
  CHECK(series("0 * * * *", "Europe/Berlin", utc(2025, 3, 29, 23, 30), 3) ==
        std::vector<std::string>{"2025-03-30 00:00", "2025-03-30 01:00", "2025-03-30 02:00"});
}

TEST_CASE("fall back in Europe/Berlin: a repeated time fires once, at its first occurrence") {
  // 2025-10-26: 03:00 CEST goes back to 02:00 CET (01:00 UTC); 02:xx happens twice.
  CHECK(series("30 2 * * *", "Europe/Berlin", utc(2025, 10, 25, 12), 2) ==
        std::vector<std::string>{"2025-10-26 00:30", "2025-10-27 01:30"});
  // Hourly: 02:00 CEST, then (02:00 CET skipped) 03:00 CET.
  CHECK(series("0 * * * *", "Europe/Berlin", utc(2025, 10, 25, 23, 30), 3) ==
        std::vector<std::string>{"2025-10-26 00:00", "2025-10-26 02:00", "2025-10-26 03:00"});
  // Starting inside the second 02:xx hour: the repeats are not fired.
  CHECK(next("*/15 * * * *", "Europe/Berlin", utc(2025, 10, 26, 1, 10)) == "2025-10-26 02:00");
}

TEST_CASE("spring forward and fall back in America/New_York") {
  // 2025-03-09: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
  CHECK(series("30 2 * * *", "America/New_York", utc(2025, 3, 8, 12), 2) ==
        std::vector<std::string>{"2025-03-09 07:00", "2025-03-10 06:30"});
  // 2025-11-02: 02:00 EDT goes back to 01:00 EST (06:00 UTC); 01:xx happens twice.
  CHECK(series("30 1 * * *", "America/New_York", utc(2025, 11, 1, 12), 2) ==
        std::vector<std::string>{"2025-11-02 05:30", "2025-11-03 06:30"});
}

TEST_CASE("leap days") {
  CHECK(next("0 0 29 2 *", "UTC", utc(2025, 1, 1)) == "2028-02-29 00:00");
  CHECK(next("0 0 29 2 *", "UTC", utc(2024, 2, 29)) == "2028-02-29 00:00");
  CHECK(next("0 0 29 2 *", "UTC", utc(2024, 2, 28, 23, 59)) == "2024-02-29 00:00");
  // 2100 is not a leap year: the next 29 February after 2096 is in 2104,
  // beyond the 5-year search.
  CHECK(next("0 0 29 2 *", "UTC", utc(2096, 3, 1)) == "none");
}

TEST_CASE("impossible specs end the search quickly instead of looping") {
  auto start = steady_clock::now();
  for (int i = 0; i < 50; ++i) {
    CHECK(!next_fire(must_parse("0 0 30 2 *"), "Europe/Berlin", utc(2025, 1, 1)).has_value());
    CHECK(!next_fire(must_parse("0 0 31 4 *"), "UTC", utc(2025, 1, 1)).has_value());
    CHECK(!next_fire(must_parse("* * 31 2,4,6,9,11 *"), "UTC", utc(2025, 1, 1)).has_value());
  }
  // 150 five-year searches: day by day this is milliseconds; minute by minute
  // it would be hundreds of millions of steps.
  CHECK(steady_clock::now() - start < seconds{2});
}

TEST_CASE("an unknown time zone has no next fire") {
  CHECK(!next_fire(must_parse("0 7 * * *"), "Europe/Berln", utc(2025, 1, 1)).has_value());
  CHECK(!next_fire(must_parse("0 7 * * *"), "", utc(2025, 1, 1)).has_value());
}

TEST_CASE("latest fire is at or before the given instant") {
  auto latest = [](std::string_view expr, std::string_view tz, sys_seconds at, seconds within = days{366}) {
    return show(latest_fire(must_parse(expr), tz, at, within));
  };
  CHECK(latest("0 7 * * *", "UTC", utc(2025, 1, 1, 7, 0, 0)) == "2025-01-01 07:00");
  CHECK(latest("0 7 * * *", "UTC", utc(2025, 1, 1, 6, 59, 59)) == "2024-12-31 07:00");
  CHECK(latest("* * * * *", "UTC", utc(2025, 1, 1, 7, 0, 30)) == "2025-01-01 07:00");
  CHECK(latest("*/15 * * * *", "UTC", utc(2025, 1, 1, 7, 44)) == "2025-01-01 07:30");
  CHECK(latest("0 0 1 * *", "UTC", utc(2025, 3, 31, 23, 0)) == "2025-03-01 00:00");
  CHECK(latest("0 12 15 6 *", "UTC", utc(2025, 6, 1)) == "2024-06-15 12:00");
  // 07:00 in Berlin is 06:00 UTC in winter.
  CHECK(latest("0 7 * * *", "Europe/Berlin", utc(2025, 1, 10, 6, 30)) == "2025-01-10 06:00");
  // Nothing inside the window, an impossible spec, an unknown zone.
  CHECK(latest("0 7 * * *", "UTC", utc(2025, 1, 1, 6, 0), hours{12}) == "none");
  CHECK(latest("0 0 30 2 *", "UTC", utc(2025, 6, 1)) == "none");
  CHECK(latest("0 7 * * *", "Mars/Olympus", utc(2025, 6, 1)) == "none");
}

TEST_CASE("the local day of an instant depends on the zone") {
  auto day_of = [](std::string_view tz, sys_seconds at) {
    std::optional<sys_days> d = local_day(tz, at);
    return d ? show(sys_seconds{*d}).substr(0, 10) : std::string("none");
  };
  CHECK(day_of("UTC", utc(2025, 1, 10, 23, 30)) == "2025-01-10");
  CHECK(day_of("Europe/Berlin", utc(2025, 1, 10, 23, 30)) == "2025-01-11");
  CHECK(day_of("America/New_York", utc(2025, 1, 11, 3, 0)) == "2025-01-10");
  CHECK(day_of("Mars/Olympus", utc(2025, 1, 10)) == "none");
}

TEST_CASE("a local day begins at its midnight, or where a DST gap that skips midnight ends") {
  auto begins = [](std::string_view tz, sys_days day) { return show(local_midnight(tz, day)); };
  CHECK(begins("UTC", sys_days{2025y / 1 / 11}) == show(utc(2025, 1, 11)));
  CHECK(begins("Europe/Berlin", sys_days{2025y / 1 / 11}) == show(utc(2025, 1, 10, 23, 0)));
  // Santiago springs forward at midnight: 8 September 2024 begins at 01:00 -03.
  CHECK(begins("America/Santiago", sys_days{2024y / 9 / 8}) == show(utc(2024, 9, 8, 4, 0)));
  CHECK(begins("America/Santiago", sys_days{2024y / 9 / 9}) == show(utc(2024, 9, 9, 3, 0)));
  CHECK(begins("Mars/Olympus", sys_days{2025y / 1 / 11}) == "none");
}
