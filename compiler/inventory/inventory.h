// The migration inventory (`flowc inventory`): every legacy job of a project
// with what is known about it, the workflow that replaces it and its stage,
// and what is still missing before it can be migrated.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "compiler/model/model.h"

namespace flowc::inventory {

struct Entry {
  const model::Legacy* legacy = nullptr;
  std::string replaced_by;           // workflow name, or "" when none yet
  std::string stage;                 // "model" | "mirror" | "production" | "" (not replaced)
  std::vector<std::string> missing;  // missing_fields()
  std::string next_step;             // one sentence: what to do next with this job
};

/// The fields `legacy` still lacks before it can be migrated, in a fixed
/// order: schedule, command, owner, reads, writes, runtime, consumers,
/// symptoms, rollback, and `enabled` when the block does not write it (the
/// cutover switches the job off by setting it to false). The one rule of
/// "documented" that the inventory and `flowc cutover` both apply.
std::vector<std::string> missing_fields(const model::Legacy& legacy);

/// What follows the job's cron text where people read it: its time zone
/// when that is not UTC (" (Europe/Paris)"), else "".
std::string zone_suffix(const model::Legacy& legacy);

/// The inventory of `model`, legacy jobs in declaration order.
std::vector<Entry> build(const model::Model& model);

void render_human(const std::vector<Entry>& entries, std::ostream& out);
void render_json(const std::vector<Entry>& entries, std::ostream& out);
void render_markdown(const std::vector<Entry>& entries, std::ostream& out);

}  // namespace flowc::inventory
