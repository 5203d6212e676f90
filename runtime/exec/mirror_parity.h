// Private to runtime/exec: the parity step at the end of a mirror-stage run
// (runtime.md "Mirror runs"). Kept out of drive_run() so that the run's
// final-status block only calls it.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/exec/exec.h"
#include "runtime/exec/run_shared.h"
#include "runtime/state/store.h"

namespace flowc::runtime::exec {

/// What the parity step concluded.
struct MirrorParity {
  bool ok = false;
  std::string text;  // runtime/parity's render_human, for the run summary
  std::string mismatch;  // one line: what did not match; "" when ok
};

/// Compares the run's outputs with the legacy tables on the target
/// (runtime/parity), stores the report in runs.parity, and on a mismatch
/// raises one Incident of kind Parity through `run`. Call it once every
/// task instance succeeded, before the run's status is recorded; a mismatch
/// (or a report that could not be stored) fails the run. Never throws.
MirrorParity check_mirror_parity(RunShared& run, state::StateStore& store);

}  // namespace flowc::runtime::exec
