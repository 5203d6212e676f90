// E0302 and E0303 for the names runs give a table. A mirror run writes
// `s.t`'s rows into `s__mirror.t`, a run in environment `dev` into `s_dev.t`
// (output_schemas.h). A task or an enabled legacy job that writes one of
// those names itself shares that table with the run: a mirror run, meant
// never to touch what production reads, would overwrite another workflow's
// published table, or a legacy job's. check_writers and E0303 compare the
// names as written; this pass adds the names runs make.
#include <fmt/format.h>
#include <llvm/ADT/StringMap.h>

#include "compiler/check/checker.h"
#include "compiler/check/output_schemas.h"
#include "compiler/sql/sql_words.h"

namespace flowc::check {

namespace {

/// One table one writer writes in some run.
struct RunWrite {
  uint32_t writer;    // a node's index, or nodes.size() + a legacy job's index
  std::string key;    // "<target>:<schema>.<table>", lower-case
  std::string table;  // as the run writes it: `dash__mirror.kpi`, or as written
  std::string when;   // "" as written; "in a mirror run", "in environment `dev`", ...
  SourceRange at;     // the `writes` that names it
};

std::string table_part(const std::string& table) {
  size_t dot = table.find('.');
  return dot == std::string::npos ? table : table.substr(dot + 1);
}

}  // namespace

void Checker::check_run_writers() {
  const auto legacy_writer = [&](uint32_t l) { return static_cast<uint32_t>(model.nodes.size()) + l; };
  std::vector<RunWrite> writes;
  // First the names runs make, then the names as written, so that a clash
  // is reported at the `writes` that took a run's name for its own.
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    const model::Node& node = model.nodes[i];
    if (node.kind != model::NodeKind::Task || node.table.empty() || !node.table_range.valid()) continue;
    const model::Workflow& wf = model.workflow(node.workflow);
    const model::Target* target = target_of(model, wf);
    for (const SchemaVariant& v : run_schema_variants(written_schema(node, target), target, wf.stage)) {
      if (v.when.empty()) continue;
      std::string table = v.schema + "." + table_part(node.table);
      writes.push_back({i, std::to_string(wf.target.index) + ":" + sql::fold_identifier(table), table, v.when,
                        node.table_range});
    }
  }
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    const model::Node& node = model.nodes[i];
    if (node.kind != model::NodeKind::Task || node.table.empty() || !node.table_range.valid() ||
        model.workflow(node.workflow).stage != model::Stage::Production)
      continue;
    writes.push_back({i, table_key(node), node.table, "", node.table_range});
  }
  for (uint32_t l = 0; l < model.legacies.size(); ++l) {
    const model::Legacy& job = model.legacies[l];
    if (!job.enabled) continue;
    for (size_t k = 0; k < job.writes.size() && k < legacy_sites[l].writes.size(); ++k)
      writes.push_back(
          {legacy_writer(l),
           std::to_string(model.project.default_target.index) + ":" + legacy_table(job.writes[k]),
           job.writes[k], "", legacy_sites[l].writes[k]});
  }

  const auto legacy = [&](uint32_t writer) -> const model::Legacy* {
    return writer >= model.nodes.size() ? &model.legacies[writer - model.nodes.size()] : nullptr;
  };
  // Task names are qualified when the two are in different workflows.
  const auto name = [&](uint32_t writer, uint32_t other) {
    if (const model::Legacy* job = legacy(writer)) return job->name;
    const model::Node& node = model.node(TaskId{writer});
    return node_label(TaskId{writer},
                      legacy(other) || !(model.node(TaskId{other}).workflow == node.workflow));
  };
  const auto writer_text = [&](uint32_t writer, uint32_t other) {
    return (legacy(writer) ? "the enabled legacy job `" : "task `") + name(writer, other) + "`";
  };
  llvm::StringMap<size_t> first;  // key -> index into `writes`
  std::vector<bool> reported(model.nodes.size() + model.legacies.size(), false);
  for (size_t k = 0; k < writes.size(); ++k) {
    const RunWrite& w = writes[k];
    auto [it, inserted] = first.try_emplace(w.key, k);
    if (inserted) continue;
    const RunWrite& other = writes[it->second];
    // Two names as written are check_writers', E0303's and W0408's business.
    if (other.writer == w.writer || (other.when.empty() && w.when.empty()) || reported[w.writer]) continue;
    reported[w.writer] = true;
    const bool with_legacy = legacy(w.writer) != nullptr || legacy(other.writer) != nullptr;
    const std::string what = w.when.empty() ? " writes `" + w.table + "`"
                                            : " writes `" + model.node(TaskId{w.writer}).table + "` as `" +
                                                  w.table + "` " + w.when;
    const std::string by_other = other.when.empty() ? ""
                                                    : " " + other.when + " (its `writes` is `" +
                                                          model.node(TaskId{other.writer}).table + "`)";
    Diagnostic& d = diags.report(with_legacy ? DiagKind::DuplicateSchedule : DiagKind::DuplicateWriter, w.at,
                                 writer_text(w.writer, other.writer) + what + ", which " +
                                     writer_text(other.writer, w.writer) + " writes" + by_other +
                                     (with_legacy ? ": both would run" : ""));
    d.notes.push_back({other.at, "`" + name(other.writer, w.writer) + "` writes it here"});
    const RunWrite& renamed = other.when.empty() ? w : other;
    const model::Node& renamed_node = model.node(TaskId{renamed.writer});
    d.helps.push_back(fmt::format(
        "a table has one writer: write another table (`{}` is the schema `{}` has {})",
        renamed.table.substr(0, renamed.table.rfind('.')),
        written_schema(renamed_node, target_of(model, model.workflow(renamed_node.workflow))), renamed.when));
  }
}

}  // namespace flowc::check
