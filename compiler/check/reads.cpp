// Who reads what: W0402 (SQL names another task's table literally, so the
// dependency is hidden from the graph) and W0404 (an output nobody reads and
// nobody declared published).
#include <algorithm>
#include <cctype>
#include <set>

#include "compiler/check/checker.h"
#include "compiler/sql/sql_words.h"

namespace flowc::check {

using namespace flowc::sql;  // the SQL lexer (sql_words.h)

namespace {

bool ends_from_list(std::string_view word) {
  for (std::string_view keyword : {"where", "group", "order", "having", "limit", "offset", "on", "using", "union",
                                   "except", "intersect", "window", "returning", "set", "values", "select", "fetch",
                                   "for"})
    if (word == keyword) return true;
  return false;
}

/// The common table expressions' names of each statement of `sql` (by the
/// statement's index: `;` separates them): `with orders as (...)`, `,
/// totals as materialized (...)`; `from orders` then reads no table in that
/// statement. Unqualified, lower-cased as PostgreSQL folds them.
std::vector<std::set<std::string>> cte_names(std::string_view sql) {
  std::vector<std::set<std::string>> names(1);
  std::vector<SqlWord> words;
  for_each_sql_word(sql, [&](const SqlWord& w) { words.push_back(w); });
  for (size_t i = 0; i < words.size(); ++i) {
    if (!words[i].name && words[i].text == ";") names.emplace_back();
    if (i + 2 >= words.size()) continue;
    if (!words[i].name || words[i].text.find('.') != std::string::npos || !words[i + 1].name ||
        words[i + 1].quoted || words[i + 1].text != "as")
      continue;
    size_t next = i + 2;
    if (words[next].name && !words[next].quoted && words[next].text == "not") ++next;
    if (next < words.size() && words[next].name && !words[next].quoted && words[next].text == "materialized")
      ++next;
    if (next < words.size() && !words[next].name && words[next].text == "(")
      names.back().insert(words[i].text);
  }
  return names;
}

/// Where for_each_table_name() is in one SQL, carried from each of the
/// texts `${}` splits it into to the next.
struct TableNameScan {
  size_t statement = 0;            // counted from the SQL's start (`;`)
  std::string previous;            // the last word, lower-cased; "," after a comma in a from list
  bool in_from_list = false;       // between `from` and what ends its list
  bool in_join_condition = false;  // after a join's `on`, in a from list
  struct Bracket {
    bool statement = false;                  // a statement stands in it
    bool in_from_list_outside = false;       // in_from_list where it opened
    bool in_join_condition_outside = false;  // in_join_condition where it opened
  };
  std::vector<Bracket> brackets = {{true, false, false}};  // the outermost level, then one per open bracket
  bool started = false;                                    // a text was read: the next follows a `${}`
};

// Calls `table(begin, end, name)` for every table name in SQL text: the name
// after `from`, `join` or `using` (and their `only`), and each after a comma
// in such a list (`from a, b x`); not one of `ctes[statement]` (the common
// table expressions of the statement the name is in, counted in `scan`,
// which goes on across the texts `${}` splits one SQL into), nor
// what follows the `from` of a function's own syntax (`substring(x from 2)`,
// `trim(both ' ' from s)`, `extract(year from d)`): a `from` inside brackets
// reads tables only where a `select` (or `delete`, `update`) stands in the
// same brackets. A from list goes on after a bracketed item (`from (values
// (1)) v(x), orders`, `from f(x), orders`) and after a join's condition
// (`from a join b on a.k = b.k, orders`: a condition has no comma outside
// brackets).
template <typename F>
void for_each_table_name(std::string_view sql, const std::vector<std::set<std::string>>& ctes,
                         TableNameScan& scan, F&& table) {
  // The `${}` before this text named a table (or gave a value): a name.
  if (scan.started) scan.previous = "\"";
  scan.started = true;
  std::string& previous = scan.previous;
  bool& in_from_list = scan.in_from_list;
  bool& in_join_condition = scan.in_join_condition;
  std::vector<TableNameScan::Bracket>& brackets = scan.brackets;
  size_t& statement = scan.statement;
  for_each_sql_word(sql, [&](const SqlWord& w) {
    if (w.name) {
      const bool table_next = previous == "from" || previous == "join" || previous == "using" ||
                              (in_from_list && previous == ",");
      // `from only t`: the table follows `only` (its inheritance children left out).
      if (table_next && !w.quoted && w.text == "only") return;
      // `delete from t using a, b` and `merge into t using a`: `using`
      // opens a list of tables as `from` does (`join ... using (c)` opens
      // a column list: a `(` follows).
      const bool cte = statement < ctes.size() && ctes[statement].count(w.text) > 0;
      if (table_next && !cte) table(w.begin, w.end, w.text);
      if (!w.quoted && (w.text == "select" || w.text == "delete" || w.text == "update"))
        brackets.back().statement = true;
      const bool clause = !w.quoted && brackets.back().statement;
      // `a is distinct from b` compares: its `from` names no table.
      const bool reads_from = clause && w.text == "from" && previous != "distinct";
      if (reads_from) in_from_list = true;
      const bool join_on = !w.quoted && w.text == "on" && (in_from_list || in_join_condition);
      if (!w.quoted && ends_from_list(w.text)) in_from_list = in_join_condition = false;
      if (join_on) in_join_condition = true;
      if (clause && w.text == "using") in_from_list = true;
      previous = w.quoted ? std::string("\"") : w.text == "from" && !reads_from ? std::string() : w.text;
    } else if (w.text == ",") {
      if (in_join_condition) {
        in_from_list = true;
        in_join_condition = false;
      }
      previous = ",";
    } else {
      previous.clear();
      if (w.text == "(") {
        brackets.push_back({false, in_from_list, in_join_condition});
        in_from_list = in_join_condition = false;
      } else if (w.text == ")") {
        in_from_list = brackets.size() > 1 && brackets.back().in_from_list_outside;
        in_join_condition = brackets.size() > 1 && brackets.back().in_join_condition_outside;
        if (brackets.size() > 1) brackets.pop_back();
      } else if (w.text == ";") {
        ++statement;
        in_from_list = in_join_condition = false;
      }
    }
  });
}

/// A stretch of SQL text as written: a literal part of a template, or a
/// whole string without `${}`.
struct SqlText {
  std::string_view text;
  SourceRange range;
  size_t sql = 0;  // which SQL of the node it is part of: `${}` splits one into several texts
};

/// The SQL text a node runs: its `sql`, and the query of each `sql(...)`
/// metric of its expectations and its `ready` condition.
std::vector<SqlText> sql_texts(const model::Model& model, const model::Node& node) {
  std::vector<SqlText> out;
  size_t sqls = 0;
  auto add = [&](const model::SqlTemplate& sql) {
    for (const model::TemplatePart& part : sql.parts)
      if (part.kind == model::TemplatePart::Kind::Text) out.push_back({part.text, part.range, sqls});
    ++sqls;
  };
  if (node.sql) add(*node.sql);
  std::vector<TermId> pending;
  for (const model::Expectation& e : node.expectations) pending.push_back(e.term);
  pending.push_back(node.ready_term);
  while (!pending.empty()) {
    TermId id = pending.back();
    pending.pop_back();
    if (!id.valid()) continue;
    const model::Term& t = model.term(id);
    auto ops = model.operands(id);
    if (t.kind == model::Term::Kind::Call && t.text == "sql" && !ops.empty()) {
      const model::Term& query = model.term(ops[0]);
      if (query.kind == model::Term::Kind::String) out.push_back({query.text, query.range, sqls++});
      if (query.kind == model::Term::Kind::Template &&
          static_cast<size_t>(query.int_value) < model.templates.size())
        add(model.templates[static_cast<size_t>(query.int_value)]);
      continue;
    }
    for (TermId operand : ops) pending.push_back(operand);
  }
  return out;
}

/// cte_names() of each SQL of `texts`, whole: its texts joined where `${}`
/// stood (a statement's `with` may be before a `${}`, its `from` after).
std::vector<std::vector<std::set<std::string>>> cte_names_of(const std::vector<SqlText>& texts) {
  std::vector<std::string> joined;
  for (const SqlText& part : texts) {
    if (joined.size() <= part.sql) joined.resize(part.sql + 1);
    joined[part.sql] += std::string(part.text) + " x ";
  }
  std::vector<std::vector<std::set<std::string>>> ctes;
  for (const std::string& sql : joined) ctes.push_back(cte_names(sql));
  return ctes;
}

}  // namespace

void Checker::check_hidden_dependencies() {
  // Every spelling under which a task's table may be named: as written, and
  // with or without the target's schema.
  llvm::StringMap<uint32_t> written;
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    const model::Node& node = model.nodes[i];
    if (node.kind != model::NodeKind::Task || node.table.empty()) continue;
    const model::Workflow& wf = model.workflow(node.workflow);
    std::string prefix = std::to_string(wf.target.index) + ":";
    std::string schema =
        fold_identifier(wf.target.valid() ? model.targets[wf.target.index].schema : "public");
    std::string table = fold_identifier(node.table);
    written.try_emplace(prefix + table, i);
    if (table.find('.') == std::string::npos) {
      written.try_emplace(prefix + schema + "." + table, i);
    } else if (table.starts_with(schema + ".")) {
      written.try_emplace(prefix + table.substr(schema.size() + 1), i);
    }
  }
  // A `fn` body's SQL is expanded into every caller: said once, where written.
  std::set<std::pair<uint32_t, uint32_t>> reported;
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    const model::Node& node = model.nodes[i];
    std::string prefix = std::to_string(model.workflow(node.workflow).target.index) + ":";
    // A table a `mode = none` task writes by its SQL is E0302's business.
    for (const SqlWrite& write : none_writes[i]) reported.insert({write.range.file.index, write.range.begin});
    const SourceRange block = model.symbol(node.symbol).decl_range;
    const std::vector<SqlText> texts = sql_texts(model, node);
    const std::vector<std::vector<std::set<std::string>>> ctes = cte_names_of(texts);
    // One table name `part` reads, at [begin, end) of its text.
    auto read = [&](const SqlText& part, size_t begin, size_t end, const std::string& table) {
      const SourceRange at =
          map_string_offset(part.range, part.text, static_cast<uint32_t>(begin), static_cast<uint32_t>(end));
      auto it = written.find(prefix + fold_identifier(table));
      if (it == written.end()) {
        if (node.kind == model::NodeKind::Task && !reported.count({at.file.index, at.begin}) &&
            report_legacy_read(node, std::string(part.text.substr(begin, end - begin)), at))
          reported.insert({at.file.index, at.begin});
        return;
      }
      if (it->second == i) return;
      const model::Node& writer = model.nodes[it->second];
      node_read[it->second] = true;
      if (!reported.insert({at.file.index, at.begin}).second) return;
      // Written in this node's block or its .sql file, the node's scope
      // resolves the short name; in a `fn` body only the qualified one.
      const bool in_node =
          (at.file.index == block.file.index && at.begin >= block.begin && at.end <= block.end) ||
          (node.sql && at.file.index == node.sql->file.index && at.file.index != block.file.index);
      std::string name(part.text.substr(begin, end - begin));
      std::string reference =
          "${" + node_label(TaskId{it->second}, !in_node || !(writer.workflow == node.workflow)) + "}";
      Diagnostic& d = diags.report(DiagKind::HiddenDependency, at,
                                   "`" + name + "` is written by task `" + writer.name +
                                       "`: naming it literally hides the dependency");
      if (in_node && text_of(at) == name) {
        d.fixits.push_back({at, reference, "write `" + reference + "`"});
      } else {
        d.helps.push_back("write `" + reference + "`");
      }
    };
    std::vector<TableNameScan> scans(ctes.size());  // per SQL: where its next text starts
    for (const SqlText& part : texts)
      for_each_table_name(
          part.text, ctes[part.sql], scans[part.sql],
          [&](size_t begin, size_t end, const std::string& table) { read(part, begin, end, table); });
  }
  // A source on a table a task writes: `${source}` reads it with no edge to
  // the writer, so the reader may run first and read yesterday's rows.
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    const model::Node& source = model.nodes[i];
    if (source.kind != model::NodeKind::Source || source.table.empty() || !source.table_range.valid())
      continue;
    std::string prefix = std::to_string(model.workflow(source.workflow).target.index) + ":";
    auto it = written.find(prefix + fold_identifier(source.table));
    if (it == written.end()) continue;
    const model::Node& writer = model.nodes[it->second];
    node_read[it->second] = true;
    std::string reference =
        "${" + node_label(TaskId{it->second}, !(writer.workflow == source.workflow)) + "}";
    Diagnostic& d =
        diags.report(DiagKind::HiddenDependency, source.table_range,
                     "source `" + source.name + "` reads `" + source.table + "`, which task `" + writer.name +
                         "` writes: reading it through a source hides the dependency");
    d.helps.push_back("read `" + reference + "` where `${" + source.name +
                      "}` stands, and remove the source");
  }
}

bool Checker::report_legacy_read(const model::Node& node, const std::string& name, SourceRange at) {
  const model::Workflow& wf = model.workflow(node.workflow);
  const std::string key =
      model::table_key(name, wf.target.valid() ? model.targets[wf.target.index].schema : "public");
  for (const model::Legacy& legacy : model.legacies) {
    if (!legacy.enabled || std::none_of(legacy.writes.begin(), legacy.writes.end(),
                                        [&](const std::string& w) { return legacy_table(w) == key; }))
      continue;
    const std::string when = legacy.schedule.empty() ? "" : " on `" + legacy.schedule + "`";
    Diagnostic& d = diags.report(DiagKind::HiddenDependency, at,
                                 "`" + name + "` is written by the enabled legacy job `" + legacy.name + "`" +
                                     when + ": naming it literally hides a dependency on its schedule");
    d.helps.push_back(
        "declare it as a `source` with a `ready` condition (such as `partition_exists(ds)`) and "
        "read `${source}`: the task then waits for the data, not for the clock");
    return true;
  }
  return false;
}

void Checker::check_unused_outputs() {
  // A reader the parser could not read whole, or whose SQL file could not
  // be read, may be the missing reader.
  if (any_syntax_error || any_sql_file_unread) return;
  llvm::StringMap<bool> read_tables;  // tables that sources and legacy jobs read
  for (const model::Node& node : model.nodes) {
    if (node.kind == model::NodeKind::Source && !node.table.empty()) read_tables[table_key(node)] = true;
  }
  for (const model::Legacy& legacy : model.legacies) {
    for (const std::string& table : legacy.reads)
      read_tables[std::to_string(model.project.default_target.index) + ":" + legacy_table(table)] = true;
  }
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    const model::Node& node = model.nodes[i];
    if (node.kind != model::NodeKind::Task || node.table.empty() || node.publish || node_read[i]) continue;
    if (node_sites[i].publish_invalid) continue;  // already an error
    if (read_tables.count(table_key(node))) continue;
    Diagnostic& d = diags.report(DiagKind::UnusedOutput, model.symbol(node.symbol).name_range,
                                 "the output of task `" + node.name + "` (`" + node.table +
                                     "`) is read by nothing and is not published");
    d.helps.push_back("read it with `${" + node.name +
                      "}`, mark it `publish = true` if people or tools outside "
                      "this project use it, or remove the task");
  }
}

}  // namespace flowc::check
