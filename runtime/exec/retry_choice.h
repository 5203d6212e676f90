// Private to runtime/exec: which task instances of a run `flowc retry` runs
// again, decided once from the run as recorded. retry_run() acts on the
// choice; preview_retry() (retry_preview.h) reports it, so a dry run and the
// retry can never disagree about what runs.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "compiler/plan/plan.h"
#include "runtime/exec/exec.h"
#include "runtime/state/store.h"

namespace flowc::runtime::exec {

/// The instance rows of `rows` by task index (null: the plan's task has no row).
std::vector<const state::TaskRow*> rows_by_task(const plan::Plan& plan, const state::TaskRows& rows);

struct RetryChoice {
  /// Non-empty: the retry is refused (RunResult::Outcome::Refused), and this says why.
  std::string refusal;
  /// The task indexes that run again; empty with no refusal: a run whose
  /// every task succeeded while the run did not, driven to its end again.
  std::set<uint32_t> again;
  /// With --task: a downstream task kept as it is because it also waits on
  /// an upstream outside the selection that did not succeed (by task: that
  /// upstream). It could never run: run again, it would wait forever.
  std::map<uint32_t, uint32_t> blocked_by;
};

/// What `selection` runs again in the run `stored`, whose instances are
/// `by_task` (rows_by_task()): without a task, every instance that did not
/// succeed; with one, that task and its downstream, refused when an upstream
/// of it did not succeed or an instance outside them never ended. Also
/// refused: a run that never started, and a succeeded run with no task.
RetryChoice choose_retry(const plan::Plan& plan, const state::StoredRun& stored,
                         const std::vector<const state::TaskRow*>& by_task, const RetrySelection& selection);

}  // namespace flowc::runtime::exec
