// E0308: the query of a task with a write mode writes by itself, through a
// data-modifying `with` (`with i as (insert into ...) select ...`). flowc's
// guarantees are about the table the mode writes: that write is atomic,
// repeated safely on a retry and redirected to `__mirror` in a mirror run.
// A write inside the query has none of them (it happens again on every
// attempt, and in a mirror run it changes production tables), and
// PostgreSQL has no way to let a transaction write one table only.
#include "compiler/check/checker.h"
#include "compiler/sql/sql_words.h"

namespace flowc::check {

using namespace flowc::sql;  // the SQL lexer (sql_words.h)

namespace {

bool is_write_keyword(const std::string& word) {
  return word == "insert" || word == "update" || word == "delete" || word == "merge";
}

}  // namespace

void Checker::check_query_writes() {
  for (const model::Node& node : model.nodes) {
    if (node.kind != model::NodeKind::Task || !node.sql || node.mode.kind == model::WriteModeKind::None) continue;
    for (const model::TemplatePart& part : node.sql->parts) {
      if (part.kind != model::TemplatePart::Kind::Text) continue;
      // A `with` element's body: `as (`, or `as [not] materialized (`.
      std::string before_paren;
      bool after_paren = false;
      for_each_sql_word(part.text, [&](const SqlWord& w) {
        bool body = after_paren && (before_paren == "as" || before_paren == "materialized");
        if (body && w.name && !w.quoted && is_write_keyword(w.text)) {
          SourceRange at = map_string_offset(part.range, part.text, static_cast<uint32_t>(w.begin),
                                             static_cast<uint32_t>(w.end));
          Diagnostic& d = diags.report(
              DiagKind::WritesInQuery, at,
              "the query of task `" + node.name + "` writes by itself (`" + w.text +
                  "` in a `with`): only the table its mode writes is safe to retry and kept out of "
                  "production in a mirror run");
          d.helps.push_back("make the write a task of its own with `mode = none` (and `idempotent = true` if it "
                            "may run twice), and let this one read it");
        }
        after_paren = !w.name && w.text == "(";
        if (!after_paren) before_paren = w.name && !w.quoted ? w.text : std::string();
      });
    }
  }
}

}  // namespace flowc::check
