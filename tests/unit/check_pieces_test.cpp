// The checker's building blocks that need no parser: literal spellings,
// type rules, attribute schemas and their documentation, the SQL lexer.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/check/literals.h"
#include "compiler/check/schema.h"
#include "compiler/check/types.h"
#include "compiler/spelling/spelling.h"
#include "compiler/sql/sql_words.h"
#include "tests/support/file_text.h"

using namespace flowc;
using namespace flowc::check;

TEST_CASE("durations parse with descending units") {
  CHECK(parse_duration("20m") == 1200);
  CHECK(parse_duration("1h30m") == 5400);
  CHECK(parse_duration("1d") == 86400);
  CHECK(parse_duration("1_000s") == 1000);
  CHECK_FALSE(parse_duration("30m1h"));  // units must descend
  CHECK_FALSE(parse_duration("20"));
  CHECK_FALSE(parse_duration("m"));
  CHECK_FALSE(parse_duration("20 m"));
  CHECK(spelling::duration_text(5400) == "1h30m");
  CHECK(spelling::duration_text(0) == "0s");
}

TEST_CASE("times, dates and numbers are recognised as their literals") {
  CHECK(parse_time_of_day("09:00") == 9 * 3600);
  CHECK(parse_time_of_day("23:59:30") == 23 * 3600 + 59 * 60 + 30);
  CHECK_FALSE(parse_time_of_day("24:00"));
  CHECK_FALSE(parse_time_of_day("9:00"));
  CHECK(spelling::time_of_day_text(9 * 3600 + 30 * 60) == "09:30");
  CHECK(is_date("2026-11-24"));
  CHECK_FALSE(is_date("2026-13-24"));
  CHECK_FALSE(is_date("2026-02-30"));  // read as the parser reads a date
  CHECK(spelling::date_text(20416) == "2025-11-24");
  CHECK(spelling::float_text(2.0) == "2.0");
  CHECK(spelling::float_text(0.25) == "0.25");
  CHECK(spelling::float_text(1e20) == "100000000000000000000.0");
  CHECK(spelling::float_text(1e-7) == "0.0000001");
  CHECK(spelling::float_text(0.00000123456) == "0.00000123456");
  CHECK(is_int("1_000"));
  CHECK_FALSE(is_int("1_"));
  CHECK(is_percent("5%"));
  CHECK(is_percent("0.5%"));
  CHECK_FALSE(is_percent("%"));
  CHECK(is_identifier("order_id"));
  CHECK_FALSE(is_identifier("1x"));
}

TEST_CASE("assignability follows language.md section 4") {
  CHECK(assignable(scalar(TypeKind::Int), scalar(TypeKind::Float)));
  CHECK_FALSE(assignable(scalar(TypeKind::Float), scalar(TypeKind::Int)));
  CHECK(assignable(scalar(TypeKind::String), scalar(TypeKind::Sql)));
  CHECK(assignable(scalar(TypeKind::String), scalar(TypeKind::Secret)));
  CHECK_FALSE(assignable(scalar(TypeKind::Secret), scalar(TypeKind::String)));
  CHECK_FALSE(assignable(scalar(TypeKind::Secret), scalar(TypeKind::Any)));
  CHECK(assignable(scalar(TypeKind::Command), scalar(TypeKind::Channel)));
  CHECK(assignable(list_of(TypeKind::Source), list_of(TypeKind::Task)));
  CHECK_FALSE(assignable(list_of(TypeKind::Route), list_of(TypeKind::Task)));
  CHECK(assignable(Type{}, scalar(TypeKind::Duration)));  // errors never cascade
  CHECK(unify(scalar(TypeKind::Int), scalar(TypeKind::Float)) == scalar(TypeKind::Float));
  CHECK(unify(scalar(TypeKind::Command), scalar(TypeKind::Channel)) == scalar(TypeKind::Channel));
  CHECK_FALSE(unify(scalar(TypeKind::Int), scalar(TypeKind::String)));
  CHECK(comparable(scalar(TypeKind::Int), scalar(TypeKind::Float)));
  CHECK_FALSE(comparable(scalar(TypeKind::Percent), scalar(TypeKind::Float)));
  CHECK(model::type_name(list_of(TypeKind::Channel)) == "list<channel>");
  CHECK(kind_from_name("retry_policy") == TypeKind::RetryPolicy);
  CHECK_FALSE(kind_from_name("integer"));
}

TEST_CASE("attribute schemas hold the sets of language.md section 3") {
  CHECK(find_attribute(syntax::BlockKind::Source, "table")->required);
  CHECK(find_attribute(syntax::BlockKind::Route, "notify")->required);
  CHECK_FALSE(find_attribute(syntax::BlockKind::Workflow, "owner")->required);  // E0305 reports it instead
  CHECK(find_attribute(syntax::BlockKind::Task, "timeout")->type == scalar(TypeKind::Duration));
  CHECK(find_attribute(syntax::BlockKind::Task, "depends_on") == nullptr);
  CHECK(may_contain(syntax::BlockKind::Workflow, syntax::BlockKind::Task));
  CHECK_FALSE(may_contain(syntax::BlockKind::Task, syntax::BlockKind::Task));
  CHECK(find_enum_value(TypeKind::Severity, "high")->ordinal == 3);
  CHECK(find_enum_value(TypeKind::WriteMode, "high") == nullptr);
  CHECK(find_any_enum_value("any")->type == TypeKind::RetryOn);
}

TEST_CASE("every type has a name and a doc, and an enum type's doc names each of its values") {
  for (int k = static_cast<int>(TypeKind::Bool); k <= static_cast<int>(TypeKind::Workflow); ++k) {
    auto kind = static_cast<TypeKind>(k);
    CAPTURE(model::type_name(scalar(kind)));
    const TypeSpec* spec = nullptr;
    for (const TypeSpec& s : type_specs())
      if (s.kind == kind) spec = &s;
    REQUIRE(spec != nullptr);
    CHECK(spec->name == model::type_name(scalar(kind)));
    CHECK(kind_from_name(spec->name) == kind);
    CHECK(spec->doc.ends_with("."));
    for (const EnumValueSpec& value : enum_values()) {
      if (value.type == kind)
        CHECK(spec->doc.find("`" + std::string(value.name) + "`") != std::string_view::npos);
    }
  }
}

TEST_CASE("docs/stdlib.md documents every attribute of every block kind") {
  std::string doc = flowc::testing::file_text(std::string(FLOWC_SOURCE_DIR) + "/docs/stdlib.md");
  REQUIRE_FALSE(doc.empty());
  for (int k = 0; k <= static_cast<int>(syntax::BlockKind::Task); ++k) {
    auto kind = static_cast<syntax::BlockKind>(k);
    size_t section = doc.find("### `" + std::string(syntax::block_kind_name(kind)) + "`");
    CAPTURE(syntax::block_kind_name(kind));
    REQUIRE(section != std::string::npos);
    size_t end = doc.find("\n### ", section + 1);
    std::string body = doc.substr(section, end == std::string::npos ? std::string::npos : end - section);
    for (const AttributeSpec& spec : attributes_of(kind)) {
      CAPTURE(spec.name);
      CHECK(body.find("| `" + std::string(spec.name) + "` | `" + model::type_name(spec.type) + "` |") !=
            std::string::npos);
    }
  }
}

TEST_CASE("the SQL lexer knows which comment or string a piece of text ends inside") {
  using flowc::sql::sql_span_after;
  using K = flowc::sql::SqlSpan::Kind;
  CHECK(sql_span_after("select 1 as x").kind == K::Code);
  CHECK(sql_span_after("select 1 -- the day is ").kind == K::LineComment);
  CHECK(sql_span_after("-- a comment\nwhere ds = ").kind == K::Code);
  // PostgreSQL ends a `--` comment at a lone CR too: what follows it runs.
  CHECK(sql_span_after("-- a comment\r; drop table t; select ").kind == K::Code);
  CHECK(sql_span_after("/* outer /* inner */ still ").kind == K::BlockComment);
  CHECK(sql_span_after("/* outer /* inner */ done */ x = ").kind == K::Code);
  CHECK(sql_span_after("select 'it''s ").kind == K::String);
  CHECK(sql_span_after("select 'it''s' || ").kind == K::Code);
  CHECK(sql_span_after("select E'it\\'s ").kind == K::EscapeString);
  CHECK(sql_span_after("select e'a\\\\' || ").kind == K::Code);
  CHECK(sql_span_after("select $$a ").kind == K::DollarString);
  CHECK(sql_span_after("select $fn$ a $$ b ").kind == K::DollarString);
  CHECK(sql_span_after("select $fn$ a $fn$ || ").kind == K::Code);
  CHECK(sql_span_after("select 1 as \"odd--name").kind == K::QuotedName);
  CHECK(sql_span_after("select \"a--b\" from t where x = ").kind == K::Code);
  // `$1` is a parameter, `a$b` a name, `type'x'` a typed literal: no quote opens.
  CHECK(sql_span_after("select $1, a$b$, some'x' || ").kind == K::Code);
  CHECK(sql_span_after("select e$x$ from t where ").kind == K::Code);
  // A span carries over from one piece of a template to the next.
  flowc::sql::SqlSpan open = sql_span_after("select $q$ a ");
  CHECK(sql_span_after(" b $q$ || ", open).kind == K::Code);
  CHECK(sql_span_after(" b $$ still ", open).kind == K::DollarString);
  flowc::sql::SqlSpan comment = sql_span_after("/* a /* b ");
  CHECK(sql_span_after(" */ c ", comment).kind == K::BlockComment);
  CHECK(sql_span_after(" */ c */ d ", comment).kind == K::Code);
}

TEST_CASE("whole_words: a name where it stands alone, not inside a longer one") {
  using flowc::sql::whole_words;
  CHECK(whole_words("sum(amount) + amounts - amount", "amount") == std::vector<size_t>{4, 24});
  CHECK(whole_words("x.amount_2", "amount").empty());
  CHECK(whole_words("from \"raw\".\"x\"x", "\"raw\"") == std::vector<size_t>{5});  // quotes end it as written
  CHECK(whole_words("abc", "").empty());
}

TEST_CASE("a statement's end: its last semicolons and the comments after them, never one inside a string") {
  using flowc::sql::without_statement_end;
  CHECK(without_statement_end("select 1") == "select 1");
  CHECK(without_statement_end("select 1\n  ") == "select 1\n  ");  // only blanks: as written
  CHECK(without_statement_end("select 1;") == "select 1");
  CHECK(without_statement_end("select 1 ;;\n-- the end\n") == "select 1");
  CHECK(without_statement_end("select 1 /* one */") == "select 1");
  CHECK(without_statement_end("select 1 -- x;") == "select 1");
  CHECK(without_statement_end("select ';' as s; /* ; */") == "select ';' as s");
  CHECK(without_statement_end("select $$;$$") == "select $$;$$");
  CHECK(without_statement_end("select 1; select 2;") == "select 1; select 2");  // E0310's to report
  CHECK(without_statement_end("-- nothing") == "");
}

TEST_CASE("SQL words skip dollar-quoted strings and nested comments") {
  std::vector<std::string> words;
  flowc::sql::for_each_sql_word("select $$ insert $$, /* a /* delete */ b */ e'x\\'y' from t", [&](const auto& w) {
    words.push_back(w.text);
  });
  CHECK(words == std::vector<std::string>{"select", "'", ",", "'", "from", "t"});
}

TEST_CASE("SQL words: a qualified name may have blanks around its dot, as PostgreSQL takes it") {
  std::vector<std::string> words;
  flowc::sql::for_each_sql_word("delete from web . sessions where x.\"Y\" = 1.5",
                                [&](const auto& w) { words.push_back(w.text); });
  CHECK(words ==
        std::vector<std::string>{"delete", "from", "web.sessions", "where", "x.Y", "=", "1", ".", "5"});
}

TEST_CASE("transaction_end: the statement that ends a transaction, not the end of a begin atomic body") {
  using flowc::sql::transaction_end;
  CHECK(transaction_end("delete from t; commit; insert into t values (1)")->text == "commit");
  CHECK(transaction_end("select case when a then 1 end from t; end")->text == "end");
  CHECK_FALSE(transaction_end("savepoint s; rollback to s"));
  // A SQL-standard function body closes with `end`, which ends no transaction.
  CHECK_FALSE(transaction_end("create function f() returns int begin atomic select 1; end; select f()"));
  CHECK_FALSE(transaction_end(
      "create function f() returns int begin atomic select case when true then 1 end; end;\nselect f()"));
  CHECK(transaction_end("create function f() returns int begin atomic select 1; end; commit")->text ==
        "commit");
}
