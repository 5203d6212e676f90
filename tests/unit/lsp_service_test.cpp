// The compiler service behind the language server, without JSON: documents
// edited in UTF-16 positions, incremental re-checking, and the queries.
#include "lsp/server/service.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "lsp/server/completion_context.h"
#include "tests/support/lsp_project.h"

using namespace flowc;
using namespace flowc::lsp;
using namespace flowc::testing;

namespace {

namespace fs = std::filesystem;

const char* kWorkflow =
    "workflow w {\n"                                  // 0
    "  owner      = \"o\"\n"                          // 1
    "  on_failure = alert(oncall)\n"                  // 2
    "  source orders {\n"                             // 3
    "    table = \"raw.orders\"\n"                    // 4
    "    ready = row_count() > 0\n"                   // 5
    "  }\n"                                           // 6
    "  task t {\n"                                    // 7
    "    writes  = \"out\"\n"                         // 8
    "    mode    = replace\n"                         // 9
    "    sql     = \"select 'é😀' from ${orders}\"\n"  // 10
    "    publish = true\n"                            // 11
    "  }\n"                                           // 12
    "}\n";

/// The completion context with the cursor at the end of `text`.
CompletionContext at_end(std::string_view text) {
  return completion_context(text, static_cast<uint32_t>(text.size()));
}

}  // namespace

TEST_CASE("an opened clean document is published once, empty") {
  TempProject p;
  std::string path = p.write("w.flow", kWorkflow);
  Service s(options());
  s.open(path, kWorkflow);
  auto first = s.check();
  const FileDiagnostics* mine = find(first, path);
  REQUIRE(mine != nullptr);
  CHECK(mine->diagnostics.empty());
  CHECK(s.check().empty());  // nothing changed: nothing to publish
}

TEST_CASE("edits in UTF-16 positions after non-ASCII text land on the right bytes") {
  TempProject p;
  std::string path = p.write("w.flow", kWorkflow);
  Service s(options());
  s.open(path, kWorkflow);
  s.check();
  // Line 10: `    sql     = "select 'é😀' from ${orders}"`; `orders` inside
  // ${} starts at UTF-16 column 35 (byte column 38).
  TextRange orders{{10, 35}, {10, 41}};
  REQUIRE(s.change(path, {TextChange{orders, "ordrs"}}));
  auto diags = s.check();
  const FileDiagnostics* mine = find(diags, path);
  REQUIRE(mine != nullptr);
  REQUIRE(mine->diagnostics.size() == 1);
  CHECK(mine->diagnostics[0].code == "E0306");
  CHECK(mine->diagnostics[0].range == TextRange{{10, 35}, {10, 40}});
  // Undo: the diagnostics clear.
  REQUIRE(s.change(path, {TextChange{TextRange{{10, 35}, {10, 40}}, "orders"}}));
  mine = find(s.check(), path);
  REQUIRE(mine != nullptr);
  CHECK(mine->diagnostics.empty());
}

TEST_CASE("completion after a comment a lone CR ends, and in `${own_workflow.`, as the compiler reads them") {
  using Where = CompletionContext::Where;
  std::string_view text = "workflow a {\n  # note\r  ";
  CHECK(completion_context(text, static_cast<uint32_t>(text.size())).where == Where::Member);
  TempProject p;
  const std::string w =
      "workflow a {\n  owner = \"o\"\n  task other {\n    run = command([\"true\"])\n  }\n  task b {\n"
      "    sql = \"select * from ${a.}\"\n  }\n}\n";  // line 6
  std::string path = p.write("w.flow", w);
  Service s(options());
  s.open(path, w);
  s.check();
  std::vector<std::string> tasks;
  for (const CompletionEntry& e : s.complete(path, {6, 29}).entries)
    if (e.kind == CompletionEntry::Kind::Task) tasks.push_back(e.label);
  CHECK(tasks == std::vector<std::string>{"other"});
}

TEST_CASE("the same position in UTF-8 columns is a different number") {
  TempProject p;
  std::string path = p.write("w.flow", kWorkflow);
  Service s(options(ColumnUnit::Utf8));
  s.open(path, kWorkflow);
  s.check();
  auto defs = s.definition(path, {10, 41});  // inside `orders`, byte column
  REQUIRE(defs.size() == 1);
  CHECK(defs[0].path == path);
  CHECK(defs[0].range == TextRange{{3, 9}, {3, 15}});
}

TEST_CASE("definition, references and hover follow the model") {
  TempProject p;
  std::string path = p.write("w.flow", kWorkflow);
  Service s(options());
  s.open(path, kWorkflow);
  s.check();
  auto defs = s.definition(path, {10, 39});
  REQUIRE(defs.size() == 1);
  CHECK(defs[0].range == TextRange{{3, 9}, {3, 15}});
  auto refs = s.references(path, {3, 10}, /*include_declaration=*/true);
  CHECK(refs.size() == 2);
  CHECK(s.references(path, {3, 10}, false).size() == 1);
  auto hover = s.hover(path, {7, 7});
  REQUIRE(hover.has_value());
  CHECK(hover->markdown.find("task w.t") != std::string::npos);
  CHECK(hover->markdown.find("`analytics.out`") != std::string::npos);
  // The stdlib: definition of `row_count` lands in stdlib/std.
  auto stdlib = s.definition(path, {5, 13});
  REQUIRE(stdlib.size() == 1);
  CHECK(stdlib[0].path.find("stdlib/std/") != std::string::npos);
}

TEST_CASE("hover on env(\"X\") names the secret and never reads it") {
  TempProject p;
  std::string path = (p.root / "targets.flow").string();
  ::setenv("WH_DSN", "postgres://user:hunter2@db/x", 1);
  Service s(options());
  std::string text = "target wh {\n  dsn    = env(\"WH_DSN\")\n  schema = \"analytics\"\n}\n";
  s.open(path, text);
  s.check();
  auto hover = s.hover(path, {1, 17});
  REQUIRE(hover.has_value());
  CHECK(hover->markdown.find("secret WH_DSN") != std::string::npos);
  CHECK(hover->markdown.find("hunter2") == std::string::npos);
  auto target = s.hover(path, {0, 8});
  REQUIRE(target.has_value());
  CHECK(target->markdown.find("WH_DSN") != std::string::npos);
  CHECK(target->markdown.find("hunter2") == std::string::npos);
  ::unsetenv("WH_DSN");
}

TEST_CASE("rename edits every use and refuses stdlib names, keywords and bad identifiers") {
  TempProject p;
  std::string path = p.write("w.flow", kWorkflow);
  Service s(options());
  s.open(path, kWorkflow);
  s.check();
  RenameResult ok = s.rename(path, {3, 10}, "raw_orders");
  CHECK(ok.error.empty());
  REQUIRE(ok.edits.count(path) == 1);
  CHECK(ok.edits[path].size() == 2);
  CHECK(s.rename(path, {5, 13}, "rows").error.find("standard library") != std::string::npos);
  CHECK(s.rename(path, {3, 10}, "task").error.find("keyword") != std::string::npos);
  CHECK(s.rename(path, {3, 10}, "1x").error.find("not a valid name") != std::string::npos);
  CHECK(s.rename(path, {3, 10}, "t").error.find("already declared") != std::string::npos);
  CHECK(s.prepare_rename(path, {1, 3}).error.find("cannot be renamed") != std::string::npos);
}

TEST_CASE("a file that does not parse is not formatted") {
  TempProject p;
  std::string path = p.write("w.flow", kWorkflow);
  Service s(options());
  s.open(path, "workflow w {\n  owner = \n");
  CHECK_FALSE(s.format(path).has_value());
  s.change(path, {TextChange{std::nullopt, "route   r {\n owner = \"o\"\n  notify = [stderr()]\n}\n"}});
  auto edits = s.format(path);
  REQUIRE(edits.has_value());
  CHECK_FALSE(edits->empty());
}

TEST_CASE("a chain of 20,000 operators is one E0002, and every query on it answers") {
  // The server runs every request on one thread; a chain this long used to
  // overflow its stack in the checker, the formatter and the tree walkers.
  TempProject p;
  std::string chain = "row_count() > 0";
  for (int i = 0; i < 20000; ++i) chain += " or row_count() > 0";
  std::string text = "workflow w {\n  owner = \"o\"\n  source s {\n    table = \"x\"\n    ready = " + chain +
                     "\n  }\n}\n";
  std::string path = p.write("w.flow", text);
  Service s(options());
  s.open(path, text);
  auto all = s.check();
  const FileDiagnostics* mine = find(all, path);
  REQUIRE(mine != nullptr);
  REQUIRE(mine->diagnostics.size() == 1);
  CHECK(mine->diagnostics[0].code == "E0002");
  CHECK(mine->diagnostics[0].message.find("expression is too deep") != std::string::npos);
  for (uint32_t column : {4u, 12u, 20u, 5000u, 100000u}) {
    TextPosition at{4, column};
    (void)s.hover(path, at);
    (void)s.definition(path, at);
    (void)s.references(path, at, true);
    (void)s.complete(path, at);
    (void)s.quick_fixes(path, TextRange{at, at});
  }
  CHECK_FALSE(s.outline(path).empty());
  CHECK_FALSE(s.format(path).has_value());  // a syntax error: not formatted
  // Typing one more operator keeps the server alive too.
  s.change(path, {TextChange{TextRange{{4, 12}, {4, 12}}, "row_count() > 0 or "}});
  auto again = s.check();
  const FileDiagnostics* edited = find(again, path);
  REQUIRE(edited != nullptr);
  CHECK(edited->diagnostics.size() == 1);
}

TEST_CASE("other files are not handled") {
  Service s(options());
  CHECK_FALSE(Service::handles("/tmp/readme.md"));
  CHECK(Service::handles("/tmp/x/flow.project"));
  s.open("/tmp/readme.md", "# hi");
  CHECK(s.check().empty());
  CHECK_FALSE(s.hover("/tmp/readme.md", {0, 0}).has_value());
  CHECK(s.complete("/tmp/readme.md", {0, 0}).entries.empty());
}

TEST_CASE(
    "completion in a task's after offers the other tasks, not the task itself, also from the disk once "
    "closed") {
  TempProject p;
  const std::string text =
      "workflow w {\n"
      "  owner      = \"o\"\n"
      "  on_failure = alert(oncall)\n"
      "  task a {\n"
      "    run = command([\"true\"])\n"
      "  }\n"
      "  task b {\n"
      "    run   = command([\"true\"])\n"
      "    after = [a, ]\n"  // line 8
      "  }\n"
      "}\n";
  std::string path = p.write("w.flow", text);
  Service s(options());
  auto tasks_offered = [&] {
    std::vector<std::string> tasks;
    for (const CompletionEntry& e : s.complete(path, {8, 16}).entries)
      if (e.kind == CompletionEntry::Kind::Task) tasks.push_back(e.label);
    return tasks;
  };
  s.open(path, text);
  s.check();
  REQUIRE(tasks_offered() == std::vector<std::string>{"a"});
  // Closed, the disk's text answers, as hover and definition do.
  s.close(path);
  CHECK(tasks_offered() == std::vector<std::string>{"a"});
  CHECK(s.hover(path, {8, 14}).has_value());
  CHECK(s.definition(path, {8, 14}).size() == 1);
}

TEST_CASE("hover and definition on a file() path name the project's SQL file, never one outside it") {
  TempProject p;
  fs::create_directories(p.root / "sql");
  p.write("sql/daily.sql", "select 1 as n\nfrom (select 1) as x\n");
  std::ofstream(p.root.parent_path() / "flowc-lsp-outside.sql") << "select 'not the project''s'\n";
  const std::string text =
      "workflow w {\n"
      "  owner      = \"o\"\n"
      "  on_failure = alert(oncall)\n"
      "  task a {\n"
      "    sql     = file(\"sql/daily.sql\")\n"  // line 4
      "    publish = true\n"
      "  }\n"
      "  task b {\n"
      "    sql     = file(\"../flowc-lsp-outside.sql\")\n"  // line 8
      "    publish = true\n"
      "  }\n"
      "}\n";
  std::string path = p.write("w.flow", text);
  Service s(options());
  s.open(path, text);
  s.check();
  std::optional<HoverInfo> hover = s.hover(path, {4, 22});
  REQUIRE(hover.has_value());
  CHECK(hover->markdown ==
        "```flow\nfile sql/daily.sql\n```\n\nthe SQL text of `sql/daily.sql`, 2 lines (go to definition "
        "opens it)");
  std::vector<FileLocation> at = s.definition(path, {4, 22});
  REQUIRE(at.size() == 1);
  CHECK(at[0].path == (p.root / "sql/daily.sql").string());
  CHECK(at[0].range.start.line == 0);
  CHECK(at[0].range.start.column == 0);
  // Classic Mac line ends: the lines an editor shows, not one more.
  s.disk_changed(p.write("sql/daily.sql", "select 1 as n\rfrom (select 1) as x\r"), DiskChange::Changed);
  s.check();
  hover = s.hover(path, {4, 22});
  REQUIRE(hover.has_value());
  CHECK(hover->markdown.find(", 2 lines (go to definition") != std::string::npos);
  // Outside the project: E0202, never read, so nothing to show or open.
  CHECK_FALSE(s.hover(path, {8, 22}).has_value());
  CHECK(s.definition(path, {8, 22}).empty());
  fs::remove(p.root.parent_path() / "flowc-lsp-outside.sql");
}

TEST_CASE("completion inside a task's `${}` offers the other tasks and `self`, not the task itself") {
  TempProject p;
  const std::string text =
      "workflow w {\n"
      "  owner = \"o\"\n"
      "  task a {\n"
      "    run = command([\"true\"])\n"
      "  }\n"
      "  task b {\n"
      "    sql = \"select * from ${}\"\n"  // line 6
      "  }\n"
      "}\n";
  std::string path = p.write("w.flow", text);
  Service s(options());
  s.open(path, text);
  s.check();
  std::vector<std::string> tasks;
  bool self = false;
  for (const CompletionEntry& e : s.complete(path, {6, 27}).entries) {
    if (e.kind == CompletionEntry::Kind::Task) tasks.push_back(e.label);
    self = self || e.label == "self";
  }
  CHECK(tasks == std::vector<std::string>{"a"});
  CHECK(self);
}

TEST_CASE("completion after a named argument offers only the names left, and a param's default its type") {
  TempProject p;
  const std::string text =
      "workflow w {\n"
      "  owner      = \"o\"\n"
      "  on_failure = alert(severity = high, )\n"         // line 2, cursor at 38
      "  retry      = retry(2, backoff = fixed(1m), )\n"  // line 3, cursor at 44
      "  param ds: date = \n"                             // line 4, cursor at 19
      "}\n";
  std::string path = p.write("w.flow", text);
  Service s(options());
  s.open(path, text);
  s.check();
  auto labels = [&](TextPosition at) {
    std::vector<std::string> out;
    for (const CompletionEntry& e : s.complete(path, at).entries) out.push_back(e.label);
    return out;
  };
  // Only names may follow a named argument: the route's, not routes or true/false.
  CHECK(labels({2, 38}) == std::vector<std::string>{"route"});
  // `attempts` was given by position, `backoff` by name.
  CHECK(labels({3, 44}) == std::vector<std::string>{"on"});
  std::vector<std::string> date = labels({4, 19});
  REQUIRE_FALSE(date.empty());
  CHECK(date.front() == "logical_date");
  CHECK(std::find(date.begin(), date.end(), "true") == date.end());
}

TEST_CASE("completion context: where the cursor is") {
  using Where = CompletionContext::Where;
  CHECK(at_end("").where == Where::TopLevel);
  CHECK(at_end("workflow w {\n  task t {\n    wri").where == Where::Member);
  CHECK(at_end("workflow w {\n  task t {\n    wri").blocks.back().keyword == "task");
  CHECK(at_end("workflow w {\n  task t {\n    mode = re").attribute == "mode");
  auto call = at_end("workflow w {\n  on_failure = alert(r, severity = ");
  CHECK(call.where == Where::Value);
  CHECK(call.call == "alert");
  CHECK(call.named_arg == "severity");
  CHECK(at_end("workflow w {\n  task t {\n    sql = \"select * from ${or").where == Where::Interpolation);
  CHECK(at_end("workflow w {\n  task t {\n    sql = \"\"\"\n  select ${").where == Where::Interpolation);
  CHECK(at_end("workflow w {\n  task t {\n    sql = \"select * from ").where == Where::None);
  // An unclosed `${` ends with its string: the next line is a member again.
  CHECK(at_end("workflow w {\n  task t {\n    sql = \"select ${\"\n    ").where == Where::Member);
  CHECK(at_end("workflow w {\n  task t {\n    sql = \"select ${a(\n    ").where == Where::Member);
  CHECK(at_end("workflow w {\n  task t {\n    sql = \"select ${a\"\n    expect ").where == Where::Expect);
  CHECK(at_end("workflow w {\n  task t {\n    sql = \"\"\"\n  select '${a\n  \"\"\"\n    ").where ==
        Where::Member);
  CHECK(at_end("workflow w {  # a comment").where == Where::None);
  CHECK(at_end("workflow w {\n  task t {\n    expect ").where == Where::Expect);
  CHECK(at_end("workflow w {\n  param ds: ").where == Where::Type);
  auto qualified = at_end("workflow w {\n  task t {\n    after = [other.st");
  CHECK(qualified.qualifier == "other");
  CHECK(qualified.prefix == "st");
  // The argument at the cursor by its position, while those before it are
  // positional; commas inside strings and nested calls do not count.
  CHECK(at_end("workflow w {\n  on_late = alert(").argument == 0);
  CHECK(at_end("workflow w {\n  schedule = cron(\"0 3 * * *\", ").argument == 1);
  CHECK(at_end("workflow w {\n  x = f(\"a, b\", g(1, 2), [3, 4], ").argument == 3);
  auto after_named = at_end("workflow w {\n  on_late = alert(r, severity = high, ");
  CHECK(after_named.argument == -1);
  CHECK(after_named.named_before == std::vector<std::string>{"severity"});
  CHECK(at_end("workflow w {\n  on_late = alert(severity = ").named_arg == "severity");
  CHECK(at_end("workflow w {\n  x = f(\"a, b = \", ").named_arg.empty());
}

TEST_CASE("completion context: many unclosed brackets, and an unclosed `${` holding some") {
  using Where = CompletionContext::Where;
  // Read in one pass: each character finds the innermost block or `${`
  // without walking down the 100,000 brackets above it.
  const std::string deep = "workflow w {\n  x = " + std::string(100000, '[') + "\n";
  auto inside = at_end(deep);
  CHECK(inside.where == Where::Value);
  CHECK(inside.attribute == "x");
  CHECK(inside.blocks.size() == 1);
  // The brackets opened inside a `${` end with its string; those outside stay.
  const std::string held = "workflow w {\n  task t {\n    sql = \"a ${" + std::string(1000, '(') + "\"\n    ";
  CHECK(at_end(held).where == Where::Member);
  auto outer = at_end("workflow w {\n  x = f([\"${g((\", ");
  CHECK(outer.where == Where::Value);
  CHECK(outer.call == "f");  // not `g`, whose brackets ended with the string
  CHECK(at_end("workflow w {\n  x = f(\"${g((\", ").argument == 1);
}

TEST_CASE(
    "completion in a call's argument offers values of its param's type first, and no param given twice") {
  TempProject p;
  const std::string text =
      "route oncall {\n"
      "  notify = [stderr()]\n"
      "}\n"
      "workflow w {\n"
      "  owner      = \"o\"\n"
      "  on_failure = alert(oncall)\n"
      "  on_late    = alert()\n"                // line 6
      "  schedule   = cron(\"0 3 * * *\", )\n"  // line 7
      "  task a {\n"
      "    run = command([\"true\"])\n"
      "  }\n"
      "}\n";
  std::string path = p.write("w.flow", text);
  Service s(options());
  s.open(path, text);
  s.check();
  auto sorted = [&](TextPosition at) {
    std::vector<CompletionEntry> entries = s.complete(path, at).entries;
    std::stable_sort(entries.begin(), entries.end(), [](const CompletionEntry& x, const CompletionEntry& y) {
      return x.sort_key < y.sort_key;
    });
    return entries;
  };
  std::vector<CompletionEntry> route = sorted({6, 21});
  REQUIRE_FALSE(route.empty());
  CHECK(route.front().label == "oncall");
  CHECK(route.front().kind == CompletionEntry::Kind::Route);
  for (const CompletionEntry& e : route) CHECK(e.label != "true");  // not a bool
  // `cron`'s `expr` is given by position: only `tz` is left to name.
  std::vector<std::string> named;
  for (const CompletionEntry& e : sorted({7, 33}))
    if (e.insert_text.ends_with(" = ")) named.push_back(e.label);
  CHECK(named == std::vector<std::string>{"tz"});
}

TEST_CASE("the quick check of one edited file agrees with the full re-check") {
  TempProject p;
  // a.t is read by workflow b (not unused); a.lonely is read by nothing (W0404).
  std::string a = p.write("a.flow",
                          "workflow a {\n"
                          "  owner      = \"o\"\n"
                          "  on_failure = alert(oncall)\n"
                          "  task t {\n"
                          "    writes = \"t\"\n"
                          "    mode   = replace\n"
                          "    sql    = \"select 1\"\n"
                          "  }\n"
                          "  task lonely {\n"
                          "    writes = \"lonely\"\n"
                          "    mode   = replace\n"
                          "    sql    = \"select 2\"\n"
                          "  }\n"
                          "}\n");
  p.write("b.flow",
          "workflow b {\n"
          "  owner      = \"o\"\n"
          "  on_failure = alert(oncall)\n"
          "  task u {\n"
          "    writes  = \"u\"\n"
          "    mode    = replace\n"
          "    sql     = \"select * from ${a.t}\"\n"
          "    publish = true\n"
          "  }\n"
          "}\n");
  ServiceOptions o = options();
  o.quick_check_ms = 0;  // always, even for this small project
  Service s(o);
  std::string error;
  s.open(a, read_file(a, error).value_or(""));
  CHECK(s.quick_check().empty());  // nothing checked yet: no quick check
  auto full = s.check();
  const FileDiagnostics* before = find(full, a);
  REQUIRE(before != nullptr);
  REQUIRE(before->diagnostics.size() == 1);
  CHECK(before->diagnostics[0].code == "W0404");
  CHECK(before->diagnostics[0].range.start.line == 8);

  // Insert a line at the top and break the owner: the quick check reports
  // the new error and carries W0404 (project-wide) one line down.
  REQUIRE(s.change(a, {TextChange{TextRange{{0, 0}, {0, 0}}, "## Doc.\n"},
                       TextChange{TextRange{{2, 15}, {2, 18}}, "42"}}));
  auto quick = s.quick_check();
  REQUIRE(quick.size() == 1);
  CHECK(quick[0].path == a);
  REQUIRE(quick[0].diagnostics.size() == 2);
  CHECK(quick[0].diagnostics[0].code == "E0201");
  CHECK(quick[0].diagnostics[1].code == "W0404");
  CHECK(quick[0].diagnostics[1].range.start.line == 9);
  // The full check finds the same, so it publishes nothing more for a.flow.
  auto after = s.check();
  CHECK(find(after, a) == nullptr);
}

TEST_CASE(
    "the editor reads no file outside the project: file() and .flow links are refused as by flowc check") {
  TempProject p;
  const fs::path outside = p.root.string() + "-outside";
  fs::create_directories(outside);
  std::ofstream(outside / "creds.sql") << "select '${TOPSECRET}'\n";
  std::ofstream(outside / "other.flow") << "workflow leaked {\n  owner = ${TOPSECRET}\n}\n";
  fs::create_directories(p.root / "sql");
  fs::create_symlink(outside / "creds.sql", p.root / "sql" / "q.sql");
  const std::string relative = "../" + outside.filename().string() + "/creds.sql";
  std::string path = p.write("w.flow",
                             "workflow w {\n"
                             "  owner      = \"o\"\n"
                             "  on_failure = alert(oncall)\n"
                             "  task a {\n"
                             "    writes  = \"a\"\n"
                             "    publish = true\n"
                             "    sql     = file(\"" +
                                 relative +
                                 "\")\n"
                                 "  }\n"
                                 "  task b {\n"
                                 "    writes  = \"b\"\n"
                                 "    publish = true\n"
                                 "    sql     = file(\"sql/q.sql\")\n"
                                 "  }\n"
                                 "}\n");
  ServiceOptions o = options();
  o.quick_check_ms = 0;
  Service s(o);
  std::string error;
  s.open(path, read_file(path, error).value_or(""));
  auto published = s.check();
  const FileDiagnostics* mine = find(published, path);
  REQUIRE(mine != nullptr);
  REQUIRE(mine->diagnostics.size() == 2);
  CHECK(mine->diagnostics[0].code == "E0202");
  CHECK(mine->diagnostics[0].message.starts_with("`" + relative + "` is outside the project\n"));
  CHECK(mine->diagnostics[1].code == "E0202");
  CHECK(mine->diagnostics[1].message.starts_with("`sql/q.sql` is a link to a file outside the project\n"));
  for (const FileDiagnostics& f : published) CHECK(f.path == path);  // nothing about the outside file

  // The quick check of an edit reads them no more than the full check.
  REQUIRE(s.change(path, {TextChange{TextRange{{0, 0}, {0, 0}}, "## Doc.\n"}}));
  for (const FileDiagnostics& f : s.quick_check()) {
    CHECK(f.path == path);
    for (const EditorDiagnostic& d : f.diagnostics) CHECK(d.code == "E0202");
  }

  // A .flow link out of the project, created while the editor runs, is not read.
  fs::create_symlink(outside / "other.flow", p.root / "leak.flow");
  s.disk_changed((p.root / "leak.flow").string(), DiskChange::Created);
  for (const FileDiagnostics& f : s.check()) {
    CHECK(f.path != (p.root / "leak.flow").string());
    CHECK(f.path != (outside / "other.flow").string());
  }
  // Nor is it read when a request names it without opening it (the
  // editor's file list, a stale URI): it answers as a file of no project.
  const std::string leak = (p.root / "leak.flow").string();
  CHECK_FALSE(s.format(leak));
  CHECK(s.outline(leak).empty());
  CHECK_FALSE(s.hover(leak, {0, 10}));
  CHECK(s.references(leak, {0, 10}, true).empty());
  fs::remove_all(outside);
}
