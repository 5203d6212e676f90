// The one reading and writing of a logical date (compiler/plan/ds.h), used by
// the flags, lowering, the scheduler, deadlines and backfill.
#include "compiler/plan/ds.h"

#include <doctest/doctest.h>

using flowc::plan::ds_text;
using flowc::plan::parse_ds;

TEST_CASE("parse_ds takes exactly YYYY-MM-DD of a real day of the years 0001 to 9999") {
  CHECK(parse_ds("2000-02-29"));
  CHECK(parse_ds("0001-01-01"));
  CHECK(parse_ds("9999-12-31"));
  CHECK_FALSE(parse_ds("1900-02-29"));  // not a leap year
  CHECK_FALSE(parse_ds("2026-04-31"));
  CHECK_FALSE(parse_ds("0000-01-01"));  // there is no year 0
  CHECK_FALSE(parse_ds("2026-13-01"));
  CHECK_FALSE(parse_ds("2026-1-01"));
  CHECK_FALSE(parse_ds("2026-11-24x"));
  CHECK_FALSE(parse_ds("2026-11-2x"));
  CHECK_FALSE(parse_ds("+026-11-24"));
  CHECK_FALSE(parse_ds(""));
}

TEST_CASE("ds_text writes back what parse_ds read, and the days between") {
  CHECK(ds_text(*parse_ds("2026-11-24")) == "2026-11-24");
  CHECK(ds_text(*parse_ds("0001-01-01")) == "0001-01-01");
  CHECK(ds_text(*parse_ds("2028-02-28") + std::chrono::days{1}) == "2028-02-29");
  CHECK(ds_text(std::chrono::sys_days{}) == "1970-01-01");
}
