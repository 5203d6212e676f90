#include "cli/missed_days.h"

#include <fmt/format.h>
#include <algorithm>

#include "compiler/plan/ds.h"
#include "runtime/exec/schedule.h"

namespace flowc::cli {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

/// Owed days that are not one stretch of calendar days (a weekly schedule's)
/// are listed one by one, a backfill each, up to this many; the rest are
/// counted.
constexpr size_t kListedDays = 5;

bool consecutive(const std::vector<sys_days>& owed) {
  for (size_t i = 1; i < owed.size(); ++i)
    if (owed[i] != owed[i - 1] + days{1}) return false;
  return true;
}

}  // namespace

std::string missed_days_warning(const ScheduleGap& gap) {
  // The gap begins after the latest day with a run: a run by hand inside a
  // gap ends it (an operator was looking), and a day a changed schedule
  // never owed before it is not called missed.
  std::optional<sys_days> latest;
  for (const runtime::state::DayRun& run : gap.earlier_runs)
    if (std::optional<sys_days> day = plan::parse_ds(run.ds);
        day && *day < gap.due && (!latest || *day > *latest))
      latest = day;
  if (!latest) return "";
  std::vector<sys_days> owed =
      runtime::exec::owed_days(gap.schedule, gap.time_zone, *latest + days{1}, gap.due - days{1});
  if (owed.empty()) return "";

  const std::string env = gap.env.empty() ? "" : " --env " + gap.env;
  auto backfill = [&](sys_days from, sys_days to) {
    return fmt::format("  flowc backfill --workflow {} --from {} --to {}{}\n", gap.workflow,
                       plan::ds_text(from), plan::ds_text(to), env);
  };
  std::string days_text;
  std::string commands;
  if (consecutive(owed)) {
    days_text = owed.size() == 1 ? plan::ds_text(owed.front())
                                 : plan::ds_text(owed.front()) + " to " + plan::ds_text(owed.back());
    commands = backfill(owed.front(), owed.back());
  } else {
    // A backfill runs every calendar day of its range: one per owed day.
    const size_t listed = std::min(owed.size(), kListedDays);
    for (size_t i = 0; i < listed; ++i) {
      days_text += (i == 0 ? "" : ", ") + plan::ds_text(owed[i]);
      commands += backfill(owed[i], owed[i]);
    }
    if (owed.size() > listed) days_text += fmt::format(" and {} more", owed.size() - listed);
  }
  return fmt::format(
      "flowc: warning: {}: {} {} its schedule owed before {} {} no run (no scheduler ran them; a scheduler "
      "starts only the latest day's run): {}\n{}",
      gap.workflow, owed.size(), owed.size() == 1 ? "day" : "days", plan::ds_text(gap.due),
      owed.size() == 1 ? "has" : "have", days_text, commands);
}

}  // namespace flowc::cli
