// E0303 for the tables a `mode = none` task's statements write. Such a task
// writes by its SQL (`insert into`, `update`, `delete from`, `merge into`,
// `truncate`), not through `writes`; in production, with the legacy job
// that writes the same table still enabled, both would write it, which is
// what E0303 exists to stop.

#include "compiler/check/checker.h"
#include "compiler/sql/sql_words.h"

namespace flowc::check {

using namespace flowc::sql;  // the SQL lexer (sql_words.h)

namespace {

/// Calls `table(begin, end, name, verb)` for each table a statement of `sql`
/// writes: the name after `insert into`, `update` (not `do update` nor
/// `for update`), `delete from`, `merge into` and `truncate [table]`.
template <typename F>
void for_each_written_table(std::string_view sql, F&& table) {
  std::string before, previous;  // the two words before, lower-cased ("" after punctuation)
  for_each_sql_word(sql, [&](const SqlWord& w) {
    if (w.name) {
      const std::string& p = previous;
      std::string verb = p == "into" && (before == "insert" || before == "merge") ? before + " into"
                         : p == "update" && before != "do" && before != "for" && before != "key" ? "update"
                         : p == "from" && before == "delete"                         ? "delete from"
                         : p == "truncate" || (p == "table" && before == "truncate") ? "truncate"
                                                                                     : "";
      // `only` (no inheritance) stands between the verb and the table.
      if (!verb.empty() && w.text == "only" && !w.quoted) return;
      if (!verb.empty() && !(w.text == "table" && p == "truncate")) table(w.begin, w.end, w.text, verb);
      before = previous;
      previous = w.quoted ? std::string("\"") : w.text;
    } else {
      before = previous;
      previous.clear();
    }
  });
}

}  // namespace

void Checker::report_legacy_writer(SourceRange at, std::string message, uint32_t legacy, size_t write,
                                   const std::string& by) {
  model::Legacy& job = model.legacies[legacy];
  if (job.written_in_production_by.empty()) job.written_in_production_by = by;
  Diagnostic& d = diags.report(DiagKind::DuplicateSchedule, at, std::move(message));
  if (write < legacy_sites[legacy].writes.size())
    d.notes.push_back({legacy_sites[legacy].writes[write], "`" + job.name + "` writes it here"});
  d.helps.push_back("disable `" + job.name + "` (`enabled = false`) before this workflow goes to production");
}

void Checker::check_none_writes(const model::Workflow& wf, std::vector<bool>& legacy_reported) {
  for (TaskId id : wf.nodes) {
    const model::Node& node = model.node(id);
    if (node.kind != model::NodeKind::Task || !node.sql || node.mode.kind != model::WriteModeKind::None)
      continue;
    const std::string schema = wf.target.valid() ? model.targets[wf.target.index].schema : "public";
    for (const model::TemplatePart& part : node.sql->parts) {
      if (part.kind != model::TemplatePart::Kind::Text) continue;
      for_each_written_table(
          part.text, [&](size_t begin, size_t end, const std::string& name, const std::string& verb) {
            // The lexer already folded the plain parts and kept the quoted
            // ones as written (`"Web".sessions` is not web.sessions): only
            // the default schema, a flowc name, is folded here.
            const std::string table =
                name.find('.') == std::string::npos ? sql::fold_identifier(schema) + "." + name : name;
            for (uint32_t l = 0; l < model.legacies.size(); ++l) {
              const model::Legacy& legacy = model.legacies[l];
              if (!legacy.enabled || legacy_reported[l]) continue;
              for (size_t k = 0; k < legacy.writes.size(); ++k) {
                if (legacy_table(legacy.writes[k]) != table) continue;
                SourceRange at = map_string_offset(part.range, part.text, static_cast<uint32_t>(begin),
                                                   static_cast<uint32_t>(end));
                report_legacy_writer(at,
                                     "task `" + node.name + "` writes `" + name + "` (`" + verb +
                                         "`), which the enabled legacy job `" + legacy.name +
                                         "` also writes: both would run",
                                     l, k, wf.name);
                legacy_reported[l] = true;
                break;
              }
            }
          });
    }
  }
}

}  // namespace flowc::check
