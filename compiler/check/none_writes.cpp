// The tables a `mode = none` task's statements write. Such a task writes by
// its SQL (`insert into`, `update`, `delete from`, `merge into`,
// `truncate`), not through `writes`. E0303: in production, with the legacy
// job that writes the same table still enabled, both would write it. E0302:
// another task writes that table too (a table has one writer).

#include <algorithm>

#include "compiler/check/checker.h"
#include "compiler/sql/sql_words.h"

namespace flowc::check {

using namespace flowc::sql;  // the SQL lexer (sql_words.h)

namespace {

/// The write a name after the words `before` and `p` would be the table of:
/// `insert into`, `update` (not `do update` nor `for update`), `delete
/// from`, `merge into`, `truncate [table]`; "" for none.
std::string verb_before(const std::string& before, const std::string& p) {
  return p == "into" && (before == "insert" || before == "merge")                ? before + " into"
         : p == "update" && before != "do" && before != "for" && before != "key" ? "update"
         : p == "from" && before == "delete"                                     ? "delete from"
         : p == "truncate" || (p == "table" && before == "truncate")             ? "truncate"
                                                                                 : "";
}

/// Calls `table(begin, end, name, verb)` for each table a statement of `sql`
/// names after a write verb (verb_before). Returns the verb the text ends
/// with, when no name follows it there (`insert into ` before a `${a}`).
template <typename F>
std::string for_each_written_table(std::string_view sql, F&& table) {
  std::string before, previous;  // the two words before, lower-cased ("" after punctuation)
  for_each_sql_word(sql, [&](const SqlWord& w) {
    if (w.name) {
      const std::string& p = previous;
      std::string verb = verb_before(before, p);
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
  return verb_before(before, previous);
}

}  // namespace

void Checker::report_legacy_writers(const std::string& table, SourceRange at,
                                    llvm::function_ref<std::string(const model::Legacy&)> message,
                                    const std::string& by, std::vector<bool>& legacy_reported) {
  for (uint32_t l = 0; l < model.legacies.size(); ++l) {
    model::Legacy& job = model.legacies[l];
    if (!job.enabled || legacy_reported[l]) continue;
    auto write = std::find_if(job.writes.begin(), job.writes.end(),
                              [&](const std::string& w) { return legacy_table(w) == table; });
    if (write == job.writes.end()) continue;
    const size_t k = static_cast<size_t>(write - job.writes.begin());
    if (job.written_in_production_by.empty()) job.written_in_production_by = by;
    Diagnostic& d = diags.report(DiagKind::DuplicateSchedule, at, message(job));
    if (k < legacy_sites[l].writes.size())
      d.notes.push_back({legacy_sites[l].writes[k], "`" + job.name + "` writes it here"});
    d.helps.push_back("disable `" + job.name +
                      "` (`enabled = false`) before this workflow goes to production");
    legacy_reported[l] = true;
  }
}

void Checker::find_none_writes() {
  none_writes.assign(model.nodes.size(), {});
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    const model::Node& node = model.nodes[i];
    if (node.kind != model::NodeKind::Task || !node.sql || node.mode.kind != model::WriteModeKind::None)
      continue;
    const model::Workflow& wf = model.workflow(node.workflow);
    // The lexer folded the plain parts of a name and kept the quoted ones as
    // written (`analytics."Foo"` is not analytics.foo): only the default
    // schema, a flowc name, is folded here.
    const std::string schema =
        fold_identifier(wf.target.valid() ? model.targets[wf.target.index].schema : "public");
    std::vector<SqlWrite>& out = none_writes[i];
    std::string pending;  // a verb a text part ended with, waiting for its table
    for (const model::TemplatePart& part : node.sql->parts) {
      if (part.kind == model::TemplatePart::Kind::Text) {
        pending = for_each_written_table(
            part.text, [&](size_t begin, size_t end, const std::string& name, const std::string& verb) {
              out.push_back({name,
                             name.find('.') == std::string::npos ? schema + "." + name : name,
                             {},
                             verb,
                             map_string_offset(part.range, part.text, static_cast<uint32_t>(begin),
                                               static_cast<uint32_t>(end))});
            });
      } else {
        if (part.kind == model::TemplatePart::Kind::Table && !pending.empty())
          out.push_back({"", "", part.node, pending, part.range});
        pending.clear();
      }
    }
  }
}

void Checker::check_none_writes(const model::Workflow& wf, std::vector<bool>& legacy_reported) {
  for (TaskId id : wf.nodes) {
    const model::Node& node = model.node(id);
    for (const SqlWrite& write : none_writes[id.index]) {
      if (write.table.empty()) continue;  // `${a}`: task `a`'s table, checked with `a`
      report_legacy_writers(
          write.qualified, write.range,
          [&](const model::Legacy& legacy) {
            return "task `" + node.name + "` writes `" + write.table + "` (`" + write.verb +
                   "`), which the enabled legacy job `" + legacy.name + "` also writes: both would run";
          },
          wf.name, legacy_reported);
    }
  }
}

}  // namespace flowc::check
