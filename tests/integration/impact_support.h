// The fixtures of the `flowc impact` tests (impact_test.cpp, and
// impact_run_test.cpp for `--run`): the examples, the built flowc run in a
// clean scratch directory, and a state database seeded by SQL.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/process/process.h"
#include "tests/integration/run_support.h"

namespace flowc::testing::impact_support {

using nlohmann::json;

inline const std::string kDailyKpi = std::string(FLOWC_SOURCE_DIR) + "/examples/daily_kpi";
inline const std::string kPlatform = std::string(FLOWC_SOURCE_DIR) + "/examples/platform";

/// The built flowc in an empty scratch directory with a clean environment
/// (no FLOW_STATE_DSN or WAREHOUSE_DSN leaks in).
inline flowc::runtime::ProcessResult run_flowc(std::vector<std::string> args) {
  return flowc::testing::run_flowc(flowc::testing::scratch_dir("cwd"), std::move(args));
}

inline std::string seeded(const std::string& seed) {
  return flowc::testing::seeded_state_database("impact", seed);
}

inline std::vector<std::string> names(const json& items, const char* key = "name") {
  std::vector<std::string> out;
  for (const json& item : items) out.push_back(item[key].get<std::string>());
  return out;
}

// Last night's ingest_events run: load_events succeeded, raw_events failed
// its expectations. Everything reading raw_events, in every workflow, is
// stale; audit_snapshot (after load_events only) and landing.events_json
// are not.
inline constexpr const char* kIngestRun = R"sql(
insert into flow.runs (id, workflow, ds, env, stage, trigger, status, created_at, started_at, finished_at, plan_hash, plan) values
 (7, 'ingest_events', '2026-11-24', '', 'production', 'schedule', 'failed', '2026-11-25 01:15:00Z', '2026-11-25 01:15:01Z', '2026-11-25 01:40:00Z', 'h', '{}');
insert into flow.task_runs (run_id, task, task_index, state, attempts, max_attempts) values
 (7, 'collector_batches', 0, 'succeeded', 1, 1),
 (7, 'load_events',       1, 'succeeded', 1, 4),
 (7, 'raw_events',        2, 'failed',    1, 4);
)sql";

}  // namespace flowc::testing::impact_support
