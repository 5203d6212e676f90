// What `flowc backfill` prints: the summary at the end.
#include <doctest/doctest.h>

#include <sstream>

#include "cli/backfill_progress.h"

using flowc::cli::BackfillDay;
using flowc::cli::BackfillProgress;

TEST_CASE("the backfill summary counts one day as a day") {
  std::ostringstream out;
  BackfillProgress progress(out, false, "w", {BackfillDay{.ds = "2026-11-01"}});
  progress.started(0);
  progress.finished(0, true, 7, "");
  CHECK(progress.print_summary(out, "2026-11-01", "2026-11-01", false));
  CHECK(out.str().find("from 2026-11-01 to 2026-11-01: 1 day, 1 succeeded") != std::string::npos);
}

TEST_CASE("the backfill summary counts several days as days") {
  std::ostringstream out;
  BackfillProgress progress(out, false, "w", {BackfillDay{.ds = "2026-11-01"}, BackfillDay{.ds = "2026-11-02"}});
  progress.print_summary(out, "2026-11-01", "2026-11-02", false);
  CHECK(out.str().find(": 2 days, 0 succeeded") != std::string::npos);
}
