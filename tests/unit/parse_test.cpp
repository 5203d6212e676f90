// The parser: every construct of language.md §2/§2b, tree shapes and byte
// ranges, literals, strings and text blocks, comments and doc comments.
// Error recovery and robustness live in parse_errors_test.cpp.
#include <doctest/doctest.h>

#include "tests/unit/parse_dump.h"

using flowc::test::dump;
using flowc::test::first_value;
using flowc::test::parse_text;
using namespace flowc::syntax;

namespace {

// Parses `x = <expr>` inside a workflow; returns the printed value, or the
// codes of the diagnostics when there are any.
std::string value(const std::string& expr) {
  auto p = parse_text("workflow w {\n  x = " + expr + "\n}\n");
  if (p->diagnostics.error_count() > 0) {
    std::string codes;
    for (const auto& c : p->codes()) codes += (codes.empty() ? "" : " ") + c;
    return "error " + codes + ": " + p->diagnostics.diagnostics()[0].message;
  }
  return first_value(p->tree);
}

}  // namespace

TEST_CASE("an empty file (or only blank lines and comments) is an empty tree without diagnostics") {
  for (const char* text : {"", "\n\n", "# just a comment\n", "   \r\n\t\n"}) {
    auto p = parse_text(text);
    CHECK(p->diagnostics.diagnostics().empty());
    CHECK(p->tree.decls.empty());
  }
}

TEST_CASE("every block kind, nested blocks and attributes") {
  auto p = parse_text(
      "project shop { default_target = warehouse }\n"
      "target warehouse {\n"
      "  dsn = env(\"DSN\")\n"
      "  environment dev { schema_suffix = \"_dev\" }\n"
      "}\n"
      "route oncall { owner = \"a\" }\n"
      "legacy kpi_cron { enabled = true }\n"
      "workflow w {\n"
      "  source orders { table = \"raw.orders\" }\n"
      "  task t { writes = \"x\" }\n"
      "}\n");
  CHECK(p->diagnostics.diagnostics().empty());
  CHECK(dump(p->tree) ==
        "project shop {default_target=warehouse}\n"
        "target warehouse {dsn=(call env (str 'DSN')); environment dev {schema_suffix=(str '_dev')}}\n"
        "route oncall {owner=(str 'a')}\n"
        "legacy kpi_cron {enabled=bool:1}\n"
        "workflow w {source orders {table=(str 'raw.orders')}; task t {writes=(str 'x')}}");
  CHECK(p->tree.blocks.size() == 8);
}

TEST_CASE("keywords that are also attribute names stay attributes before `=`") {
  auto p = parse_text("workflow w {\n  target = warehouse\n  source = x\n  task = 1\n}\n");
  CHECK(p->diagnostics.diagnostics().empty());
  CHECK(dump(p->tree) == "workflow w {target=warehouse; source=x; task=int:1}");
}

TEST_CASE("block, member and name ranges") {
  auto p = parse_text("workflow daily {\n  owner = \"a\"\n  task t {\n    x = f(y, tz = z).m\n  }\n}\n");
  REQUIRE(p->diagnostics.diagnostics().empty());
  const Block& w = p->tree.block(p->tree.decls[0].block);
  CHECK(p->at(w.range) == p->text().substr(0, p->text().size() - 1));
  CHECK(p->at(w.keyword_range) == "workflow");
  CHECK(p->at(w.name.range) == "daily");
  CHECK(w.name.text == "daily");
  const Member& owner = p->tree.member(w.members[0]);
  CHECK(p->at(owner.range) == "owner = \"a\"");
  CHECK(p->at(owner.name.range) == "owner");
  const Member& task = p->tree.member(w.members[1]);
  CHECK(task.kind == MemberKind::Block);
  CHECK(p->at(task.range) == "task t {\n    x = f(y, tz = z).m\n  }");
  const Member& x = p->tree.member(p->tree.block(task.block).members[0]);
  const Expr& member = p->tree.expr(x.value);
  REQUIRE(member.kind == ExprKind::Member);
  CHECK(p->at(member.range) == "f(y, tz = z).m");
  CHECK(p->at(member.name_range) == "m");
  const Expr& call = p->tree.expr(member.operands[0]);
  REQUIRE(call.kind == ExprKind::Call);
  CHECK(p->at(call.range) == "f(y, tz = z)");
  REQUIRE(call.operands.size() == 3);
  const Expr& named = p->tree.expr(call.operands[2]);
  CHECK(named.kind == ExprKind::NamedArg);
  CHECK(named.text == "tz");
  CHECK(p->at(named.name_range) == "tz");
  CHECK(p->at(named.range) == "tz = z");
  CHECK(p->at(p->tree.expr(call.operands[1]).range) == "y");
}

TEST_CASE("param, expect and fn declarations") {
  auto p = parse_text(
      "workflow w {\n"
      "  param ds: date = logical_date\n"
      "  param ids: list<int>\n"
      "  expect not_null(order_id)\n"
      "  expect null_rate(discount) < 5% else warn\n"
      "  expect row_count() > 0 else fail as \"has rows\"\n"
      "  expect sql(\"select 1\") == 0 as \"label\"\n"
      "}\n"
      "fn unique(cols: column...) -> expectation = duplicate_count(cols) == 0\n"
      "extern fn row_count() -> metric<int>\n"
      "extern fn pair(a: int, b: list<metric<float>>,) -> bool\n");
  CHECK(p->diagnostics.diagnostics().empty());
  CHECK(dump(p->tree) ==
        "workflow w {param ds:date=logical_date; param ids:list<int>; expect (call not_null order_id); "
        "expect (cmp < (call null_rate discount) percent:5) warn; "
        "expect (cmp > (call row_count) int:0) fail as (str 'has rows'); "
        "expect (cmp == (call sql (str 'select 1')) int:0) as (str 'label')}\n"
        "fn unique(cols:column...)->expectation=(cmp == (call duplicate_count cols) int:0)\n"
        "extern fn row_count()->metric<int>\n"
        "extern fn pair(a:int, b:list<metric<float>>)->bool");
  const Block& w = p->tree.block(p->tree.decls[0].block);
  const Member& warn = p->tree.member(w.members[3]);
  CHECK(warn.severity == ExpectSeverity::Warn);
  CHECK(p->at(warn.severity_range) == "warn");
  CHECK(p->tree.member(w.members[2]).severity == ExpectSeverity::Default);
  const FnDecl& unique = p->tree.fn(p->tree.decls[1].fn);
  CHECK_FALSE(unique.is_extern);
  CHECK(p->at(unique.range) == "fn unique(cols: column...) -> expectation = duplicate_count(cols) == 0");
  CHECK(p->at(unique.params[0].range) == "cols: column...");
  CHECK(p->at(unique.params[0].name.range) == "cols");
  const FnDecl& row_count = p->tree.fn(p->tree.decls[2].fn);
  CHECK(row_count.is_extern);
  CHECK_FALSE(row_count.body.valid());
  const TypeRef& metric = p->tree.type(row_count.result);
  CHECK(p->at(metric.range) == "metric<int>");
  CHECK(p->at(metric.name.range) == "metric");
}

TEST_CASE("operator precedence: or < and < not < comparison < range < postfix") {
  CHECK(value("a or b and not c") == "(or a (and b (not c)))");
  CHECK(value("not a == b") == "(not (cmp == a b))");
  CHECK(value("a and b or c and d") == "(or (and a b) (and c d))");
  CHECK(value("a or b or c") == "(or (or a b) c)");
  CHECK(value("row_count() in 1 .. 500") == "(in (call row_count) (range int:1 int:500))");
  CHECK(value("row_count() change < 30%") == "(change < (call row_count) percent:30)");
  CHECK(value("x change >= 1") == "(change >= x int:1)");
  CHECK(value("a != b") == "(cmp != a b)");
  CHECK(value("a <= b") == "(cmp <= a b)");
  CHECK(value("a >= b") == "(cmp >= a b)");
  CHECK(value("a > b") == "(cmp > a b)");
  CHECK(value("(a or b) and c") == "(and (paren (or a b)) c)");
  CHECK(value("not not a") == "(not (not a))");
  CHECK(value("1..5") == "(range int:1 int:5)");
  CHECK(value("ingest.raw_events") == "(member raw_events ingest)");
  CHECK(value("a.b(c).d") == "(member d (call (member b a) c))");
  CHECK(value("f()()") == "(call (call f))");
  CHECK(value("self") == "self");
  CHECK(value("[]") == "(list)");
  CHECK(value("[a, b, c,]") == "(list a b c)");
  CHECK(value("f(a, b = 1,)") == "(call f a (arg b int:1))");
  CHECK(value("f(x == 1)") == "(call f (cmp == x int:1))");
  CHECK(value("true and false") == "(and bool:1 bool:0)");
  CHECK(value("notable or android") == "(or notable android)");  // keywords need a word boundary
}

TEST_CASE("newlines are whitespace inside (), [] and ${} but end a member elsewhere") {
  auto p = parse_text(
      "workflow w {\n"
      "  a = f(\n    x,  # first\n    y = [\n      1,\n      2,\n    ],\n  )\n"
      "  b = \"${\n    c\n  }\"\n"
      "  c = (d\n    or e)\n"
      "  e = 1\n"
      "}\n");
  CHECK(p->diagnostics.diagnostics().empty());
  CHECK(dump(p->tree) ==
        "workflow w {a=(call f x (arg y (list int:1 int:2))); b=(str ${c}); c=(paren (or d e)); e=int:1}");
}

TEST_CASE("members may share a line with the braces") {
  auto p = parse_text("target t { environment dev { a = 1 } }\nroute r {}\n");
  CHECK(p->diagnostics.diagnostics().empty());
  CHECK(dump(p->tree) == "target t {environment dev {a=int:1}}\nroute r {}");
}

TEST_CASE("numbers, percents, durations, dates and times") {
  CHECK(value("42") == "int:42");
  CHECK(value("1_000_000") == "int:1000000");
  CHECK(value("0.25") == "float:0.25");
  CHECK(value("1_000.5") == "float:1000.5");
  CHECK(value("5%") == "percent:5");
  CHECK(value("0.5%") == "percent:0.5");
  CHECK(value("30s") == "duration:30");
  CHECK(value("5m") == "duration:300");
  CHECK(value("2h") == "duration:7200");
  CHECK(value("1d") == "duration:86400");
  CHECK(value("1h30m") == "duration:5400");
  CHECK(value("1d2h3m4s") == "duration:93784");
  CHECK(value("90m") == "duration:5400");
  CHECK(value("2026-11-24") == "date:20781");
  CHECK(value("1970-01-01") == "date:0");
  CHECK(value("1969-12-31") == "date:-1");
  CHECK(value("2024-02-29") == "date:19782");
  CHECK(value("2000-03-01") == "date:11017");
  CHECK(value("07:00") == "time:25200");
  CHECK(value("23:59:30") == "time:86370");
  CHECK(value("00:00") == "time:0");
  CHECK(value("true") == "bool:1");
  CHECK(value("false") == "bool:0");
}

TEST_CASE("a literal's text is its spelling") {
  auto p = parse_text("workflow w {\n  x = [1_000, 5%, 1h30m, 2026-11-24, 07:00, \"s\", true]\n}\n");
  const Expr& list = p->tree.expr(p->tree.member(p->tree.block(p->tree.decls[0].block).members[0]).value);
  std::vector<std::string_view> spellings;
  for (ExprId e : list.operands) spellings.push_back(p->tree.expr(e).text);
  CHECK(spellings ==
        std::vector<std::string_view>{"1_000", "5%", "1h30m", "2026-11-24", "07:00", "\"s\"", "true"});
}

TEST_CASE("malformed literals are E0005 with a message that says what is wrong") {
  CHECK(value("30m1h") ==
        "error E0005: malformed duration `30m1h`: units must be in descending order (`d`, `h`, `m`, `s`); "
        "write `1h30m`");
  CHECK(value("1h2h") == "error E0005: malformed duration `1h2h`: the unit `h` appears twice");
  CHECK(value("5w") == "error E0005: malformed duration `5w`: unknown unit `w` (use `d`, `h`, `m` or `s`)");
  CHECK(value("5ms") ==
        "error E0005: malformed duration `5ms`: unknown unit `ms` (use `d`, `h`, `m` or `s`)");
  CHECK(value("1h30") ==
        "error E0005: malformed duration `1h30`: `30` has no unit (use `d`, `h`, `m` or `s`)");
  CHECK(value("1.5h") ==
        "error E0005: malformed duration `1.5h`: each unit takes a whole number, as in `1h30m`");
  CHECK(value("2026-02-30") == "error E0005: invalid date `2026-02-30`: February 2026 has 28 days");
  CHECK(value("2023-02-29") == "error E0005: invalid date `2023-02-29`: February 2023 has 28 days");
  CHECK(value("2026-13-01") == "error E0005: invalid date `2026-13-01`: the month must be 01 to 12");
  CHECK(value("2026-1-5") == "error E0005: malformed date `2026-1-5`: write dates as `YYYY-MM-DD`");
  CHECK(value("24:00") == "error E0005: invalid time `24:00`: the hour must be 00 to 23");
  CHECK(value("07:60") == "error E0005: invalid time `07:60`: the minutes must be 00 to 59");
  CHECK(value("07:00:61") == "error E0005: invalid time `07:00:61`: the seconds must be 00 to 59");
  CHECK(value("7:0") == "error E0005: malformed time `7:0`: write times of day as `HH:MM` or `HH:MM:SS`");
  CHECK(value("1__000") == "error E0005: malformed number `1__000`: `_` may only stand between digits");
  CHECK(value("1000_") == "error E0005: malformed number `1000_`: `_` may only stand between digits");
  CHECK(value("99999999999999999999") == "error E0005: integer `99999999999999999999` is too large");
  CHECK(value("5%%") == "error E0005: malformed percent `5%%`");
  CHECK(value("1.2.3") == "error E0005: malformed number `1.2.3`");
}

TEST_CASE("a malformed literal is one diagnostic over the literal and an Error expression") {
  auto p = parse_text("workflow w {\n  timeout = 30m1h\n  owner = \"a\"\n}\n");
  REQUIRE(p->codes() == std::vector<std::string>{"E0005"});
  CHECK(p->at(p->diagnostics.diagnostics()[0].range) == "30m1h");
  CHECK(dump(p->tree) == "workflow w {timeout=<error>; owner=(str 'a')}");
}

TEST_CASE("string escapes, interpolation and literal dollars") {
  CHECK(value(R"("a\"b\\c\nd\te")") == "(str 'a\"b\\c\nd\te')");
  CHECK(value(R"("\u{41}\u{e9}\u{1F600}")") == "(str 'A\xC3\xA9\xF0\x9F\x98\x80')");
  CHECK(value(R"("select ${orders} where ds = ${ds}")") == "(str 'select ' ${orders} ' where ds = ' ${ds})");
  CHECK(value(R"("$${not} $1 $$ $")") == "(str '${not} $1 $$ $')");
  CHECK(value(R"("${f(x, "in${y}ner")}")") == "(str ${(call f x (str 'in' ${y} 'ner'))})");
  CHECK(value(R"("")") == "(str)");
  CHECK(value(R"("${a}${b}")") == "(str ${a} ${b})");
  CHECK(value(R"("${ingest.raw_events}")") == "(str ${(member raw_events ingest)})");
}

TEST_CASE("string parts carry decoded text and source ranges") {
  auto p = parse_text("workflow w {\n  x = \"ab\\n${ c }d\"\n}\n");
  REQUIRE(p->diagnostics.diagnostics().empty());
  const Expr& s = p->tree.expr(p->tree.member(p->tree.block(p->tree.decls[0].block).members[0]).value);
  REQUIRE(s.part_count == 3);
  const StringPart* parts = &p->tree.string_parts[s.first_part];
  CHECK(parts[0].text == "ab\n");
  CHECK(p->at(parts[0].range) == "ab\\n");
  CHECK(parts[1].is_interpolation);
  CHECK(p->at(parts[1].range) == "${ c }");
  CHECK(p->at(p->tree.expr(parts[1].expr).range) == "c");
  CHECK(parts[2].text == "d");
  CHECK(p->at(s.range) == "\"ab\\n${ c }d\"");
  CHECK_FALSE(s.text_block);
}

TEST_CASE("non-ASCII text in strings and comments") {
  auto p = parse_text("# Übersicht — 日本語 😀\nworkflow w {\n  owner = \"équipe 😀\"  # café\n}\n");
  CHECK(p->diagnostics.diagnostics().empty());
  CHECK(first_value(p->tree) == "(str '\xC3\xA9quipe \xF0\x9F\x98\x80')");
  REQUIRE(p->tree.comments.size() == 2);
  CHECK(p->at(p->tree.comments[1].range) == "# café");
}

TEST_CASE("text blocks: first and last line dropped, common indentation removed") {
  CHECK(value("\"\"\"\n      select a\n        from b\n    \"\"\"") == "(text 'select a\n  from b')");
  // The closing quotes' indentation does not count.
  CHECK(value("\"\"\"\n    x\n\"\"\"") == "(text 'x')");
  // Whitespace-only lines become empty and do not count.
  CHECK(value("\"\"\"\n    a\n\n      \n    b\n    \"\"\"") == "(text 'a\n\n\nb')");
  // Text on the opening line is kept as written and not considered.
  CHECK(value("\"\"\"  first\n    second\n    \"\"\"") == "(text '  first\nsecond')");
  CHECK(value("\"\"\"one line\"\"\"") == "(text 'one line')");
  CHECK(value("\"\"\"\"\"\"") == "(text)");
  // Interpolations count as text, also at the start of a line.
  CHECK(value("\"\"\"\n    ${a} x\n      ${b}\n    \"\"\"") == "(text ${a} ' x\n  ' ${b})");
  // No backslash escapes in text blocks (SQL keeps its backslashes); `$${` still works.
  CHECK(value("\"\"\"\n  a\\nb $${c} \"q\"\n  \"\"\"") == "(text 'a\\nb ${c} \"q\"')");
  // Tabs and spaces compare byte for byte.
  CHECK(value("\"\"\"\n\t\tx\n\t  y\n\"\"\"") == "(text '\tx\n  y')");
  // A quote just before the closing quotes belongs to the text.
  CHECK(value("\"\"\"say \"hi\"\"\"\"") == "(text 'say \"hi\"')");
}

TEST_CASE("text blocks with CRLF line ends read as LF") {
  auto p = parse_text("workflow w {\r\n  sql = \"\"\"\r\n    select 1\r\n    from t\r\n  \"\"\"\r\n}\r\n");
  CHECK(p->diagnostics.diagnostics().empty());
  CHECK(first_value(p->tree) == "(text 'select 1\nfrom t')");
}

TEST_CASE("the whole language.md example parses the same with CRLF line ends") {
  const std::string text =
      "## Daily KPIs.\n"
      "workflow daily_kpi {\n"
      "  owner       = \"analytics-eng\"\n"
      "  schedule    = cron(\"0 7 * * *\", tz = \"Europe/Berlin\")   # daily\n"
      "  deadline    = 09:00\n"
      "  retry       = retry(2, backoff = exponential(30s, max = 10m))\n"
      "  param ds: date = logical_date\n"
      "  source orders {\n"
      "    ready = partition_exists(ds) and freshness(loaded_at) < 2h\n"
      "  }\n"
      "  task stage_orders {\n"
      "    sql    = \"\"\"\n"
      "      select ds\n"
      "      from ${orders}\n"
      "    \"\"\"\n"
      "    expect row_count() change < 30% else warn\n"
      "    expect sql(\"select count(*) from ${self}\") == 0 as \"no negative revenue\"\n"
      "  }\n"
      "}\n";
  std::string crlf;
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  auto lf = parse_text(text);
  auto dos = parse_text(crlf);
  CHECK(lf->diagnostics.diagnostics().empty());
  CHECK(dos->diagnostics.diagnostics().empty());
  CHECK(dump(dos->tree) == dump(lf->tree));
  CHECK(dos->tree.block(dos->tree.decls[0].block).doc == "Daily KPIs.");
  REQUIRE(dos->tree.comments.size() == 2);
  CHECK(dos->at(dos->tree.comments[1].range) == "# daily");  // no `\r`
}

TEST_CASE("fn parameters: a line break or a comment around `:` and before `...` is whitespace") {
  auto p = parse_text(
      "fn f(col:\n  column) -> expectation = unique(col)\n"
      "fn g(col\n : column) -> expectation = unique(col)\n"
      "fn h(col: # the key\n  column\n  ...) -> expectation = unique(col)\n");
  CHECK(p->diagnostics.diagnostics().empty());
  CHECK(dump(p->tree) ==
        "fn f(col:column)->expectation=(call unique col)\n"
        "fn g(col:column)->expectation=(call unique col)\n"
        "fn h(col:column...)->expectation=(call unique col)");
}

TEST_CASE("doc comments: `##` lines directly above a block, fn or param") {
  auto p = parse_text(
      "# not a doc comment\n"
      "## First line.\n"
      "##Second line, no space.\n"
      "workflow w {\n"
      "  ## The run's day.\n"
      "  param ds: date\n"
      "  # plain comment\n"
      "  param other: int\n"
      "  ## A task.\n"
      "  task t {}\n"
      "}\n"
      "## Orphan.\n"
      "\n"
      "fn f() -> int = 1\n"
      "## Counts rows.\n"
      "extern fn row_count() -> metric<int>\n");
  REQUIRE(p->diagnostics.diagnostics().empty());
  const Block& w = p->tree.block(p->tree.decls[0].block);
  CHECK(w.doc == "First line.\nSecond line, no space.");
  CHECK(p->tree.member(w.members[0]).doc == "The run's day.");
  CHECK(p->tree.member(w.members[1]).doc.empty());
  CHECK(p->tree.block(p->tree.member(w.members[2]).block).doc == "A task.");
  CHECK(p->tree.fn(p->tree.decls[1].fn).doc.empty());  // a blank line separates it
  CHECK(p->tree.fn(p->tree.decls[2].fn).doc == "Counts rows.");
}

TEST_CASE("every comment is recorded once, in order, without its line end") {
  auto p = parse_text(
      "# one\n"
      "workflow w {  # two\n"
      "  a = f(x,  # three\n"
      "        y)\n"
      "  ## four\n"
      "  b = [1,  # five\n"
      "  ]\n"
      "}  # six\n");
  REQUIRE(p->diagnostics.diagnostics().empty());
  std::vector<std::string_view> comments;
  for (const Comment& c : p->tree.comments) comments.push_back(p->at(c.range));
  CHECK(comments == std::vector<std::string_view>{"# one", "# two", "# three", "## four", "# five", "# six"});
}

TEST_CASE("a `#` inside a string is not a comment") {
  auto p = parse_text("workflow w {\n  a = \"x # y\"\n}\n");
  CHECK(p->tree.comments.empty());
  CHECK(first_value(p->tree) == "(str 'x # y')");
}

TEST_CASE("a UTF-8 byte order mark is skipped") {
  auto p = parse_text("\xEF\xBB\xBFworkflow w {}\n");
  CHECK(p->diagnostics.diagnostics().empty());
  CHECK(dump(p->tree) == "workflow w {}");
}
