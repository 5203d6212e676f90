// The mirror-stage runs of a workflow, from the state database
// (runtime/state/schema.cpp), for `flowc cutover`: plain structs out, SQL
// inside mirror_runs.cpp only; the checklist that judges them is
// cli/cutover_checklist.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/parity/parity.h"
#include "runtime/report/state_database.h"

namespace flowc::runtime::report {

/// One mirror-stage run of the workflow as recorded (the latest of its ds).
struct MirrorRun {
  int64_t id = 0;
  std::string ds;
  std::string status;  // succeeded | failed | running | pending
  /// runs.parity, read once; nullopt when the run compared nothing (or
  /// its report cannot be read).
  std::optional<runtime::parity::ParityReport> parity;
  std::optional<std::string> plan;  // runs.plan (JSON): read for the runs the item judges
  /// Why the run ran something other than the workflow now runs for its ds
  /// (cli/cutover_checklist.h: changed_since); "" = the same, or not
  /// compared. Not read: `flowc cutover` sets it.
  std::string changed;
  /// The legacy tables the workflow compares now that the run's parity
  /// report does not have (the legacy job's `writes` grew since), joined
  /// with ", "; "" = none, or not compared. Not read: `flowc cutover` sets it.
  std::string not_compared;
};

/// The mirror-stage runs of `workflow` in production (env ""), the latest
/// one of each ds (finished or not: a day run again is judged by the new
/// run), newest ds first, with the plans of the newest `with_plan`; `by_ds`
/// false (a workflow without a `ds` param, whose runs are not of a day):
/// every run, newest first. Sets `error` when
/// the database cannot be read or its schema is newer than this flowc or
/// damaged; a state schema that does not exist yet has no runs.
std::vector<MirrorRun> read_mirror_runs(const StateDatabase& db, const std::string& workflow,
                                        uint32_t with_plan, bool by_ds, std::string& error);

}  // namespace flowc::runtime::report
