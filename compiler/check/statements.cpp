// E0310: a query flowc runs as one statement has a second one after a `;`.
// E0311: a `none` task ends the transaction its statements run in, where
// that transaction is a guarantee: a mirror run's read-only guard, or the
// rollback of the write when an error-level expectation fails.
// E0306: a positional parameter (`$1`) written in SQL that flowc binds
// parameters to, where it would be bound to whichever param took that number.
// (A `none` task's statements run as written, several of them, unless they
// bind a param: then the extended protocol takes one statement, as below.)
// A write-mode task's select is wrapped in the write flowc owns (`create
// table ... as`, `insert ... select`), and a `sql()` metric in the metrics'
// `select`: a statement after a `;` would run on its own, outside every
// guarantee of the mode. In a mirror run a `; drop table` there would drop a
// production table. (The runtime sends these queries so that PostgreSQL
// refuses a second statement too; this says so before any run.)
#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "compiler/check/checker.h"
#include "compiler/sql/sql_words.h"

namespace flowc::check {

using namespace flowc::sql;  // the SQL lexer (sql_words.h)

namespace {

using Part = model::TemplatePart;

/// A query's text pieces joined, each `${}` standing as `0`, and where each
/// piece starts in the joined text.
struct JoinedQuery {
  std::string text;
  struct Piece {
    size_t begin;
    std::string_view written;  // the decoded text of a Text piece; empty for a `${}`
    SourceRange range;
  };
  std::vector<Piece> pieces;

  void add(std::string_view written, SourceRange range, bool interpolation) {
    pieces.push_back({text.size(), interpolation ? std::string_view() : written, range});
    text += interpolation ? std::string_view("0") : written;
  }
};

JoinedQuery joined_query(const model::SqlTemplate& sql) {
  JoinedQuery query;
  for (const Part& part : sql.parts) query.add(part.text, part.range, part.kind != Part::Kind::Text);
  return query;
}

/// The query of every `sql(...)` metric in the model, `fn` expansions included.
std::vector<JoinedQuery> metric_queries(const model::Model& model) {
  std::vector<JoinedQuery> out;
  for (size_t i = 0; i < model.terms.size(); ++i) {
    const model::Term& call = model.terms[i];
    if (call.kind != model::Term::Kind::Call || call.text != "sql") continue;
    auto ops = model.operands(TermId{static_cast<uint32_t>(i)});
    if (ops.empty()) continue;
    const model::Term& arg = model.term(ops[0]);
    if (arg.kind == model::Term::Kind::Template && arg.int_value >= 0 &&
        static_cast<size_t>(arg.int_value) < model.templates.size()) {
      out.push_back(joined_query(model.templates[arg.int_value]));
    } else if (arg.kind == model::Term::Kind::String) {
      out.emplace_back().add(arg.text, arg.range, false);
    }
  }
  return out;
}

/// The piece of `query` that holds its offset `at`.
const JoinedQuery::Piece& piece_at(const JoinedQuery& query, size_t at) {
  const JoinedQuery::Piece* piece = &query.pieces.front();
  for (const JoinedQuery::Piece& p : query.pieces)
    if (p.begin <= at) piece = &p;
  return *piece;
}

/// Where `word` of `query` was written (the checker maps a string's decoded
/// text to its source).
SourceRange word_range(const Checker& checker, const JoinedQuery& query, const SqlWord& word) {
  const JoinedQuery::Piece& piece = piece_at(query, word.begin);
  if (piece.written.empty()) return piece.range;  // a `${}`
  return checker.map_string_offset(
      piece.range, piece.written, static_cast<uint32_t>(word.begin - piece.begin),
      static_cast<uint32_t>(std::min(word.end, piece.begin + piece.written.size()) - piece.begin));
}

/// The first word of a second statement in `sql`: one that follows a `;`.
std::optional<SqlWord> second_statement(std::string_view sql) {
  std::optional<SqlWord> second;
  bool ended = false;
  for_each_sql_word(sql, [&](const SqlWord& w) {
    if (second) return;
    if (!w.name && w.text == ";")
      ended = true;
    else if (ended)
      second = w;
  });
  return second;
}

}  // namespace

void Checker::check_none_transactions() {
  for (const model::Node& node : model.nodes) {
    if (node.kind != model::NodeKind::Task || !node.sql || node.sql->parts.empty() ||
        node.mode.kind != model::WriteModeKind::None)
      continue;
    const bool mirror = model.workflow(node.workflow).stage == model::Stage::Mirror;
    if (!mirror && node.expectations.empty()) continue;  // a production `none` task may commit as it likes
    JoinedQuery query = joined_query(*node.sql);
    std::optional<SqlWord> word = transaction_end(query.text);
    if (!word) continue;
    const char* why =
        mirror
            ? "a mirror run keeps a `mode = none` task's statements read-only in one transaction, and what "
              "followed would run outside it, able to write production tables"
            : "its expectations run in that transaction after its statements, to roll them back when one "
              "fails, and what was committed before could not be rolled back";
    const char* help =
        mirror
            ? "remove it: flowc commits the task's statements when they end; statements that write need "
              "`writes` and a write mode, which a mirror run sends to the mirror schemas"
            : "remove it: flowc commits the task's statements with their expectations' verdict; or move the "
              "checks to a task that reads this one's output";
    Diagnostic& d =
        diags.report(DiagKind::NoneTransactionEnd, word_range(*this, query, *word),
                     "task `" + node.name + "` ends its transaction (`" + word->text + "`): " + why);
    d.helps.push_back(help);
  }
}

void Checker::check_single_statements() {
  auto check = [&](const JoinedQuery& query, const std::string& whose, const std::string& why,
                   const std::string& help) {
    std::optional<SqlWord> word = second_statement(query.text);
    if (!word) return;
    SourceRange at = word_range(*this, query, *word);
    std::string shown = word->name ? word->text : query.text.substr(word->begin, 1);
    Diagnostic& d = diags.report(
        DiagKind::SeveralStatements, at,
        "the query of " + whose + " has a second statement (`" + shown + "`, after a `;`): " + why);
    d.helps.push_back(help);
  };
  for (const model::Node& node : model.nodes) {
    if (node.kind != model::NodeKind::Task || !node.sql || node.sql->parts.empty()) continue;
    if (node.mode.kind != model::WriteModeKind::None) {
      check(joined_query(*node.sql), "task `" + node.name + "`",
            "a task with a write mode runs one query, and flowc writes its rows",
            "remove the `;` and what follows it; statements of your own go in a task with `mode = none`");
      continue;
    }
    // `none` runs its statements as written, but a param travels as a bound
    // parameter, and PostgreSQL binds parameters to one statement only.
    auto param = std::find_if(node.sql->parts.begin(), node.sql->parts.end(),
                              [](const Part& part) { return part.kind == Part::Kind::Param; });
    if (param == node.sql->parts.end()) continue;
    check(joined_query(*node.sql), "task `" + node.name + "`",
          "its SQL binds `${" + param->text + "}`, and PostgreSQL binds parameters to one statement only",
          "give each statement a task of its own, ordered with `after`, or make them one statement "
          "(`with gone as (delete ...) insert ...`)");
  }
  // A `fn` expanded at several places repeats its query: said once, where written.
  std::set<std::pair<uint32_t, uint32_t>> seen;
  for (const JoinedQuery& query : metric_queries(model)) {
    if (query.pieces.empty() ||
        !seen.insert({query.pieces[0].range.file.index, query.pieces[0].range.begin}).second)
      continue;
    check(query, "`sql(...)`", "a metric is one query returning one value",
          "remove the `;` and what follows it");
  }
}

void Checker::check_positional_params() {
  std::set<std::pair<uint32_t, uint32_t>> seen;  // a `fn` expanded at several places: said once
  auto check = [&](const JoinedQuery& query) {
    for_each_sql_word(query.text, [&](const SqlWord& w) {
      if (w.name || w.text != "$" || w.end >= query.text.size() ||
          !std::isdigit(static_cast<unsigned char>(query.text[w.end])))
        return;
      SqlWord number = w;
      while (number.end < query.text.size() &&
             std::isdigit(static_cast<unsigned char>(query.text[number.end])))
        ++number.end;
      SourceRange at = word_range(*this, query, number);
      if (!seen.insert({at.file.index, at.begin}).second) return;
      std::string written = query.text.substr(number.begin, number.end - number.begin);
      Diagnostic& d =
          diags.report(DiagKind::BadSqlReference, at,
                       "`" + written +
                           "` is a positional parameter, and flowc numbers the parameters "
                           "it binds itself: it would be bound to whichever param took that number");
      d.helps.push_back("name the value with `${param}` (a workflow param, bound as a typed value)");
    });
  };
  // A `mode = none` task that binds no param runs its statements as
  // written, without parameters: there `$1` is PostgreSQL's own (`prepare
  // p(int) as select $1`, a SQL function's body). Where flowc binds (a
  // `${param}`, a write mode's statement, a metric query), it is not.
  for (const model::Node& node : model.nodes) {
    if (!node.sql || node.sql->parts.empty()) continue;
    const bool binds = node.mode.kind != model::WriteModeKind::None ||
                       std::any_of(node.sql->parts.begin(), node.sql->parts.end(),
                                   [](const Part& part) { return part.kind == Part::Kind::Param; });
    if (binds) check(joined_query(*node.sql));
  }
  for (const JoinedQuery& query : metric_queries(model)) check(query);
}

}  // namespace flowc::check
