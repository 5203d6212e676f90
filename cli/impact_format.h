// Rendering an ImpactReport: aligned sections for people, one JSON object
// for programs. No I/O: every function returns text.
#pragma once

#include <string>

#include "compiler/impact/report.h"

namespace flowc::cli {

/// `flowc impact` for people: the subject, then downstream tasks, tables,
/// published outputs, legacy jobs, legacy consumers and owners to tell; with
/// a run, its failed tasks and a STALE mark on what they reach.
std::string impact_human(const impact::ImpactReport& report);

/// `flowc impact --format json`: `{"subject", "run", "tasks", "tables",
/// "published", "legacy_jobs", "legacy_consumers", "owners"}`; every item
/// has `stale` only when a run was given.
std::string impact_json(const impact::ImpactReport& report);

}  // namespace flowc::cli
