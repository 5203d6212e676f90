// Internal to compiler/check: the schemas a task's output lands in, one per
// way a run can name it (production, each environment's suffix, a mirror
// run's `__mirror`). E0312 asks whether each fits PostgreSQL's 63 bytes,
// E0313 whether one is the state schema, run_writers.cpp whether another
// writer already writes the table a run names.
#pragma once

#include <string>
#include <vector>

#include "compiler/model/model.h"
#include "compiler/spelling/table_names.h"

namespace flowc::check {

/// The schema a workflow's output is written to, and why it has that name:
/// each environment's suffix, then `__mirror` for a mirror-stage workflow.
struct SchemaVariant {
  std::string schema;
  std::string when;     // "" = production; "in environment `dev`", "in a mirror run", ...
  bool mirror = false;  // `__mirror` added: a mirror run's (alone or in an environment)
};

/// The target `wf` writes to; nullptr when it names none.
inline const model::Target* target_of(const model::Model& model, const model::Workflow& wf) {
  return wf.target.valid() ? &model.targets[wf.target.index] : nullptr;
}

inline std::vector<SchemaVariant> schema_variants(const std::string& schema, const model::Target* target,
                                                  bool mirror) {
  std::vector<SchemaVariant> out = {{schema, ""}};
  if (target != nullptr)
    for (const model::Environment& e : target->environments)
      out.push_back({schema + e.schema_suffix, "in environment `" + e.name + "`"});
  if (mirror) {
    size_t n = out.size();
    for (size_t i = 0; i < n; ++i)
      out.push_back({out[i].schema + std::string(spelling::kMirrorSuffix),
                     out[i].when.empty() ? "in a mirror run" : "in a mirror run " + out[i].when, true});
  }
  return out;
}

/// The schemas a run of a workflow in `stage` writes an output of schema
/// `schema` in today: production and each environment (production), the
/// mirror ones (mirror: a mirror run, alone or in an environment), each
/// environment's (model: it runs only with `--env`).
inline std::vector<SchemaVariant> run_schema_variants(const std::string& schema, const model::Target* target,
                                                      model::Stage stage) {
  std::vector<SchemaVariant> out = schema_variants(schema, target, stage == model::Stage::Mirror);
  std::erase_if(out, [&](const SchemaVariant& v) {
    return v.mirror != (stage == model::Stage::Mirror) || (stage == model::Stage::Model && v.when.empty());
  });
  return out;
}

/// The schema `node`'s table is in as written: its own, else its workflow's
/// target's, else `public`. `target` is that target (nullptr: none).
inline std::string written_schema(const model::Node& node, const model::Target* target) {
  size_t dot = node.table.find('.');
  return dot == std::string::npos ? (target ? target->schema : "public") : node.table.substr(0, dot);
}

}  // namespace flowc::check
