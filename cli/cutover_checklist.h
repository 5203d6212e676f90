// The cutover checklist of `flowc cutover W` (cli.md): what must hold before
// a mirror-stage workflow replaces its legacy job in production. Pure
// functions: the static items read the checked model and the lowered plan,
// the runs item reads the mirror runs fetched from the state database
// (runtime/report/mirror_runs.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/model/model.h"
#include "compiler/plan/plan.h"
#include "runtime/report/mirror_runs.h"

namespace flowc::cli {

/// One item of the checklist: ✓ or ✗ and why.
struct CutoverItem {
  std::string name;  // "legacy job documented and disableable"
  bool ok = false;
  std::string reason;  // one line: what holds, or what is missing and what to do
};

/// The items read from the project: the legacy job documented (nothing
/// missing in the inventory) and disableable, every table it writes written
/// by the workflow, error-level expectations on every published output, a
/// failure route with an owner, every retrying task idempotent, a rollback
/// written.
std::vector<CutoverItem> static_items(const model::Model& model, model::WorkflowId workflow,
                                      const plan::Plan& plan);

/// The runs item: the latest `needed` mirror runs by ds (`runs`, newest ds
/// first, one per ds) all succeeded with parity passing on at least one
/// table, and each ran what the workflow runs now (`MirrorRun::changed`
/// empty): a run of an earlier version proves nothing about this one. With
/// `legacy_writes_nothing` (the job says `writes = []`) there is nothing to
/// compare: a run is clean when it succeeded.
CutoverItem runs_item(const std::vector<runtime::report::MirrorRun>& runs, uint32_t needed,
                      bool legacy_writes_nothing = false);

/// The columns item: each production table the workflow will write in place
/// (`append`, `merge`, `overwrite_partition`: not `replace`, which makes the
/// table again) has every column the workflow writes, as the newest mirror
/// run that compared the tables found (`runs`, as runs_item takes them). A
/// column only the mirror has is noted by parity, not a mismatch; but the
/// first production run would fail on it, with the legacy job already off.
CutoverItem columns_item(const std::vector<runtime::report::MirrorRun>& runs, const plan::Plan& plan);

/// "" when `ran` runs what `now` runs; else why not: the first param whose
/// value differs ("it ran with `region` = amer, where a run of its day now
/// has emea": a --param value, or a default changed since), else the first
/// task that differs ("it ran an earlier version of the workflow: task `t`
/// changed since (its SQL)", "... task `t` is new since", "... task `t` was
/// removed since"). Both plans are of one ds; source positions are not
/// compared (a comment or a moved line changes nothing that runs).
std::string changed_since(const plan::Plan& ran, const plan::Plan& now);

}  // namespace flowc::cli
