// The tables a `mode = none` task's statements write. Such a task writes by
// its SQL (`insert into`, `update`, `truncate`, `create table`, ...: see
// WrittenTables), not through `writes`. E0303: in production, with the legacy
// job that writes the same table still enabled, both would write it. E0302:
// another task writes that table too (a table has one writer).

#include <algorithm>
#include <optional>
#include <utility>

#include "compiler/check/checker.h"
#include "compiler/sql/sql_words.h"

namespace flowc::check {

using namespace flowc::sql;  // the SQL lexer (sql_words.h)

namespace {

/// The tables a task's statements write, found word by word: after `insert
/// into`, `update` (not `do update`, `then update`, `for [no key] update`
/// nor `on update`), `delete from`, `merge into` (each `[only]`), `truncate [table] [only]`
/// and `drop table [if exists]` (each with a list: `truncate a, b`), `alter
/// table [if exists] [only]`, `create [unlogged] table [if not exists]` (a
/// temporary table is the session's own), and `copy NAME [(columns)] from`
/// (`copy ... to` reads). Its state carries from one text part of a
/// template to the next, so that `truncate ${a}, ${b}` names both.
class WrittenTables {
 public:
  /// Reads the words of one text part: `table(begin, end, name, verb)` for
  /// each table it names after a write verb.
  template <typename F>
  void read_text(std::string_view sql, F&& table) {
    copy_wait_ = false;
    copy_table_.reset();  // `copy` and its `from` are read within one part
    for_each_sql_word(sql, [&](const SqlWord& w) {
      if (!w.name) return punctuation(w.text);
      const std::string word = w.quoted ? std::string("\"") : w.text;  // a quoted name is never a keyword
      if (copy_table_ && (word == "from" || word == "to")) {
        if (word == "from") table(copy_table_->begin, copy_table_->end, copy_table_->text, "copy from");
        copy_table_.reset();
      }
      if (copy_wait_) {
        copy_wait_ = false;
        copy_table_ = w;
      }
      if (std::string verb = table_verb(word); !verb.empty()) {
        table(w.begin, w.end, w.text, verb);
      } else {
        start_verb(word);
      }
      before_ = previous_;
      previous_ = word;
    });
  }

  /// A `${}` part naming a task or source: the verb it is the table of, or "".
  std::string read_table_part() {
    copy_wait_ = false;
    std::string verb = table_verb("\"");
    before_ = previous_;
    previous_ = "\"";
    return verb;
  }

  /// Any other part (`${ds}`): a value, never a table.
  void read_value_part() { punctuation("$"); }

 private:
  /// The verb whose table `word` is, when one waits for it; "" otherwise.
  std::string table_verb(const std::string& word) {
    if (!verb_.empty()) {
      if (skipped(word)) return "";
      std::string verb = std::exchange(verb_, "");
      if (verb == "truncate" || verb == "drop table") listed_ = verb;
      return verb;
    }
    if (!list_.empty()) {
      listed_ = std::exchange(list_, "");
      return listed_;
    }
    listed_.clear();
    return "";
  }

  /// The words between a verb and its table.
  bool skipped(const std::string& word) const {
    if (word == "only")
      return verb_ == "truncate" || verb_ == "alter table" || verb_ == "update" || verb_ == "delete from" ||
             verb_ == "merge into";
    if (word == "table") return verb_ == "truncate";
    if (word == "if" || word == "exists")
      return verb_ == "drop table" || verb_ == "alter table" || verb_ == "create table";
    if (word == "not") return verb_ == "create table";
    return false;
  }

  void start_verb(const std::string& word) {
    const std::string& p = previous_;
    if (word == "into" && (p == "insert" || p == "merge")) verb_ = p + " into";
    if (word == "update" && p != "do" && p != "then" && p != "for" && p != "key" && p != "on")
      verb_ = "update";
    if (word == "from" && p == "delete") verb_ = "delete from";
    if (word == "truncate") verb_ = "truncate";
    if (word == "table" && (p == "drop" || p == "alter")) verb_ = p + " table";
    if (word == "table" && (p == "create" || (p == "unlogged" && before_ == "create")))
      verb_ = "create table";
    if (word == "copy") copy_wait_ = true;
  }

  void punctuation(const std::string& mark) {
    if (mark == "," && !listed_.empty()) {
      list_ = std::exchange(listed_, "");
    } else {
      list_.clear();
      listed_.clear();
    }
    verb_.clear();
    copy_wait_ = false;
    if (mark == ";") copy_table_.reset();
    before_ = previous_;
    previous_.clear();
  }

  std::string before_, previous_;      // the two words before, lower-cased ("" after punctuation)
  std::string verb_;                   // a write verb waiting for its table
  std::string listed_;                 // the verb of the table just named, when `,` may add another
  std::string list_;                   // after that `,`: the verb the next name is the table of
  bool copy_wait_ = false;             // after `copy`: the next name may be its table
  std::optional<SqlWord> copy_table_;  // `copy NAME`, written if a `from` follows
};

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
    WrittenTables written;
    for (const model::TemplatePart& part : node.sql->parts) {
      if (part.kind == model::TemplatePart::Kind::Text) {
        written.read_text(
            part.text, [&](size_t begin, size_t end, const std::string& name, const std::string& verb) {
              out.push_back({name,
                             name.find('.') == std::string::npos ? schema + "." + name : name,
                             {},
                             verb,
                             map_string_offset(part.range, part.text, static_cast<uint32_t>(begin),
                                               static_cast<uint32_t>(end))});
            });
      } else if (part.kind == model::TemplatePart::Kind::Table) {
        if (std::string verb = written.read_table_part(); !verb.empty())
          out.push_back({"", "", part.node, verb, part.range});
      } else {
        written.read_value_part();
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
