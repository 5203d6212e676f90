#include "runtime/exec/mirror_parity.h"

#include <fmt/format.h>

#include "runtime/parity/parity.h"

namespace flowc::runtime::exec {

MirrorParity check_mirror_parity(RunShared& run, state::StateStore& store) {
  const RunRequest& request = run.request;
  const plan::Plan& plan = run.plan;
  const int64_t run_id = run.run_id;
  const Clock::time_point run_started = run.started;
  parity::ParityReport report = parity::compare_with_legacy(request.target_dsn, plan);
  MirrorParity out;
  out.ok = report.ok;
  out.text = parity::render_human(report);
  out.mismatch = report.mismatch_summary();
  // Cutover counts clean mirror runs by this record: a report that is not
  // stored cannot count, so the run does not pass either.
  if (state::Status stored = store.record_parity(run_id, parity::to_json(report)); !stored) {
    out.ok = false;
    out.text += "the parity report could not be stored: " + stored.error + "\n";
    out.mismatch = out.mismatch.empty() ? "the parity report could not be stored: " + stored.error : out.mismatch;
  }
  if (!report.ok) {
    Incident incident;
    incident.kind = Incident::Kind::Parity;
    incident.run_id = run_id;
    incident.started = run_started;
    incident.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - run_started);
    incident.message = fmt::format("mirror parity failed: {}", report.mismatch_summary());
    run.raise(incident);
  }
  return out;
}

}  // namespace flowc::runtime::exec
