// The checker end to end on small projects: parse + check through the
// compiler service, then look at codes, messages, fix-its and the model.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "tests/unit/check_support.h"

using namespace flowc;
using namespace flowc::testing;

namespace {

// A project that checks clean: every rule satisfied.
const char* kClean = R"(
target warehouse {
  dsn    = env("WAREHOUSE_DSN")
  schema = "analytics"
}

route oncall {
  owner  = "data"
  notify = [webhook(env("HOOK")), command(["page", "data"]), stderr()]
}

## Daily orders.
workflow daily {
  owner      = "data"
  schedule   = cron("0 7 * * *", tz = "Europe/Berlin")
  deadline   = 09:00
  on_failure = alert(oncall, severity = critical)
  retry      = retry(2)
  timeout    = 30m

  param ds: date = logical_date

  source orders {
    table = "raw.orders"
    ready = partition_exists(ds) and row_count() > 0
  }

  task stage {
    writes = "staging.orders"
    mode   = overwrite_partition(ds)
    sql    = """
      select * from ${orders} where ds = ${ds}
    """
    publish = true
    expect unique(order_id)
    expect null_rate(amount) < 5% else warn
  }

  task export {
    run   = command(["python3", "export.py", "--date", "${ds}"])
    after = [stage]
    idempotent = true
  }
}
)";

}  // namespace

TEST_CASE("a well-formed project checks clean and fills the model") {
  auto c = compile(kClean);
  CHECK(codes(*c).empty());
  const model::Model& m = c->model;
  REQUIRE(m.workflows.size() == 1);
  const model::Workflow& wf = m.workflows[0];
  CHECK(wf.owner == "data");
  CHECK(wf.schedule == "0 7 * * *");
  CHECK(wf.time_zone == "Europe/Berlin");
  CHECK(wf.deadline_seconds == 9 * 3600);
  CHECK(wf.target.index == 0);  // the only target is the default
  REQUIRE(wf.on_failure);
  CHECK(wf.on_failure->severity == model::SeverityLevel::Critical);
  REQUIRE(wf.nodes.size() == 3);
  const model::Node& stage = m.node(wf.nodes[1]);
  CHECK(stage.mode.kind == model::WriteModeKind::OverwritePartition);
  CHECK(stage.mode.partition_column == "ds");
  CHECK(stage.timeout_seconds == 30 * 60);
  REQUIRE(stage.retry);
  CHECK(stage.retry->attempts == 2);
  CHECK(stage.retry->initial_seconds == 30);  // the compiler's default exponential()
  CHECK(stage.idempotent);
  REQUIRE(stage.deps.size() == 1);
  CHECK(stage.deps[0] == wf.nodes[0]);
  REQUIRE(stage.sql);
  bool table = false, param = false;
  for (const model::TemplatePart& p : stage.sql->parts) {
    table = table || (p.kind == model::TemplatePart::Kind::Table && p.node == wf.nodes[0]);
    param = param || (p.kind == model::TemplatePart::Kind::Param && p.text == "ds");
  }
  CHECK(table);
  CHECK(param);
  REQUIRE(stage.expectations.size() == 2);
  CHECK(stage.expectations[0].name == "unique(order_id)");
  CHECK(stage.expectations[1].warn);
  const model::Node& exp = m.node(wf.nodes[2]);
  CHECK(exp.mode.kind == model::WriteModeKind::None);
  CHECK(exp.after.size() == 1);
  CHECK(exp.command.size() == 4);
  REQUIRE(m.routes.size() == 1);
  REQUIRE(m.routes[0].channels.size() == 3);
  CHECK(m.routes[0].channels[0].args[0] == "env:HOOK");
  CHECK(m.routes[0].channels[0].secret);
  CHECK(m.routes[0].channels[1].kind == model::Channel::Kind::Command);
  CHECK(m.targets[0].dsn_env == "WAREHOUSE_DSN");
}

TEST_CASE("stdlib predicates are expanded into metric comparisons") {
  auto c = compile(kClean);
  const model::Model& m = c->model;
  const model::Node& stage = m.node(m.workflows[0].nodes[1]);
  model::TermId t = stage.expectations[0].term;
  REQUIRE(t.valid());
  CHECK(m.term(t).kind == model::Term::Kind::Compare);
  model::TermId metric = m.operands(t)[0];
  CHECK(m.term(metric).kind == model::Term::Kind::Call);
  CHECK(m.term(metric).text == "duplicate_count");
  model::TermId cols = m.operands(metric)[0];
  REQUIRE(m.operands(cols).size() == 1);
  CHECK(m.term(m.operands(cols)[0]).text == "order_id");
  // The expansion stands where the call was written.
  CHECK(text(*c, m.term(t).range) == "unique(order_id)");
}

TEST_CASE("symbols and references cover names, attributes and ${} in SQL") {
  auto c = compile(kClean);
  const model::Symbol* orders = symbol(*c, "daily.orders");
  REQUIRE(orders);
  CHECK(orders->doc.empty());
  CHECK(symbol(*c, "daily")->doc == "Daily orders.");
  const model::Symbol* unique = symbol(*c, "unique");
  REQUIRE(unique);
  CHECK(unique->in_stdlib);
  CHECK(unique->signature == "fn unique(cols: column...) -> expectation");
  CHECK(symbol(*c, "retry")->signature ==
        "extern fn retry(attempts: int = 3, backoff: backoff = exponential(), on: retry_on = transient) -> "
        "retry_policy");
  size_t uses = 0;
  for (const model::Reference& r : c->model.references) {
    if (&c->model.symbol(r.symbol) == orders) {
      ++uses;
      CHECK(text(*c, r.range) == "orders");
    }
  }
  CHECK(uses == 1);  // `${orders}`
  bool attribute = false;
  for (const model::Reference& r : c->model.references) {
    attribute = attribute || c->model.symbol(r.symbol).qualified_name == "task.writes";
  }
  CHECK(attribute);
}

TEST_CASE("E0101: unknown names suggest the closest one with a fix-it") {
  auto c = compile(R"(
route oncall { notify = [stderr()] }
workflow w {
  owner = "x"
  on_failure = alert(oncal)
  task a {
    writes = "a"
    sql = "select 1"
    publish = true
    after = [b]
  }
}
)");
  const Diagnostic* d = find(*c, "E0101");
  REQUIRE(d);
  CHECK(d->message == "unknown route `oncal`");
  REQUIRE(d->fixits.size() == 1);
  CHECK(d->fixits[0].replacement == "oncall");
  std::vector<std::string> all = codes(*c);
  CHECK(std::count(all.begin(), all.end(), "E0101") == 2);
}

TEST_CASE("E0102: a duplicate name notes the first definition") {
  auto c = compile(R"(
workflow w {
  owner = "x"
  source a { table = "t" }
  task a {
    writes = "b"
    sql = "select 1"
  }
}
)");
  const Diagnostic* d = find(*c, "E0102");
  REQUIRE(d);
  REQUIRE(d->notes.size() == 1);
  CHECK(d->notes[0].message == "first defined here as a source");
}

TEST_CASE("E0201: a string where a duration is expected suggests the literal") {
  auto c = compile(R"(
workflow w {
  owner = "x"
  timeout = "20m"
}
)");
  const Diagnostic* d = find(*c, "E0201");
  REQUIRE(d);
  CHECK(d->message == "`timeout` expects `duration`, found `string`");
  REQUIRE(d->fixits.size() == 1);
  CHECK(d->fixits[0].replacement == "20m");
  CHECK(text(*c, d->fixits[0].range) == "\"20m\"");
}

TEST_CASE("E0202: arguments are checked by count, name and type") {
  auto c = compile(R"(
workflow w {
  owner = "x"
  retry = retry(2, backof = fixed(1m))
  timeout = 1m
}
workflow v {
  owner = "x"
  retry = retry(2, fixed())
}
workflow u {
  owner = "x"
  retry = retry(2, exponential("30s"))
}
)");
  std::vector<std::string> messages;
  for (const Diagnostic& d : c->diagnostics.diagnostics()) {
    CHECK(d.code() == "E0202");
    messages.push_back(d.message);
  }
  REQUIRE(messages.size() == 3);
  CHECK(messages[0] == "`retry` has no parameter `backof`");
  CHECK(messages[1] == "`fixed` is missing the argument `delay`");
  CHECK(messages[2] == "the argument `initial` of `exponential` expects `duration`, found `string`");
}

TEST_CASE("E0203: a secret may not flow into SQL") {
  auto c = compile(R"(
workflow w {
  owner = "x"
  param token: secret = env("TOKEN")
  task a {
    mode = none
    sql = "select ${token}"
  }
}
)");
  CHECK(codes(*c) == std::vector<std::string>{"E0203"});
  CHECK(symbol(*c, "w.token")->is_secret);
}

TEST_CASE("E0204: the caret points at the bad cron field") {
  auto c = compile(R"(
legacy job {
  schedule = cron("0 25 * * *", tz = "Europe/Berln")
  owner = "x"
  writes = ["t"]
  consumers = ["y"]
  rollback = "z"
}
)");
  const auto& all = c->diagnostics.diagnostics();
  REQUIRE(all.size() >= 2);
  CHECK(all[0].code() == "E0204");
  CHECK(text(*c, all[0].range) == "25");
  CHECK(all[1].code() == "E0204");
  CHECK(all[1].message == "unknown time zone `Europe/Berln`");
}

TEST_CASE("E0301: a cycle is reported once with its path and every edge") {
  auto c = compile(R"(
workflow w {
  owner = "x"
  task a {
    writes = "a"
    sql = "select * from ${c}"
    publish = true
  }
  task b {
    writes = "b"
    sql = "select * from ${a}"
    publish = true
  }
  task c {
    writes = "c"
    sql = "select * from ${b}"
    publish = true
  }
}
)");
  CHECK(codes(*c) == std::vector<std::string>{"E0301"});
  const Diagnostic* d = find(*c, "E0301");
  CHECK(d->message == "dependency cycle: `a -> c -> b -> a`");
  CHECK(d->notes.size() == 3);
}

TEST_CASE("file() reads SQL relative to the .flow file and resolves ${} inside it") {
  auto c = compile(Files{{"flows/a.flow", R"(
workflow w {
  owner = "x"
  source s { table = "raw.s" }
  task t {
    writes = "t"
    sql = file("../sql/t.sql")
    publish = true
  }
}
)"},
                         {"sql/t.sql", "select * from ${s}\nwhere x = ${nope}\n"}});
  CHECK(codes(*c) == std::vector<std::string>{"E0306"});
  const Diagnostic* d = find(*c, "E0306");
  CHECK(c->sources.buffer(d->range.file).path() == "sql/t.sql");
  CHECK(text(*c, d->range) == "nope");
  const model::Node& t = c->model.nodes[1];
  REQUIRE(t.sql);
  CHECK(t.sql->file == d->range.file);
  CHECK(t.deps.size() == 1);
}

TEST_CASE("a missing .sql file is reported at the path") {
  auto c = compile(R"(
workflow w {
  owner = "x"
  task t {
    writes = "t"
    sql = file("sql/missing.sql")
    publish = true
  }
}
)");
  const Diagnostic* d = find(*c, "E0101");
  REQUIRE(d);
  CHECK(text(*c, d->range) == "\"sql/missing.sql\"");
}

TEST_CASE("a .sql file with a NUL byte is E0006 at the byte, as a .flow file is (PostgreSQL cannot take it)") {
  auto c = compile(Files{{"a.flow", R"(
workflow w {
  owner = "x"
  task t {
    writes = "t"
    sql = file("sql/t.sql")
    publish = true
  }
}
)"},
                         {"sql/t.sql", std::string("select 1\n-- a\0b\n", 16)}});
  CHECK(codes(*c) == std::vector<std::string>{"E0006"});
  const Diagnostic* d = find(*c, "E0006");
  REQUIRE(d);
  CHECK(c->sources.buffer(d->range.file).path() == "sql/t.sql");
  CHECK(d->range.begin == 13);
  CHECK(d->range.end == 14);
  CHECK(d->message == "`sql/t.sql` contains a NUL byte: it looks like a binary file, not SQL text");
}

TEST_CASE("a recursive fn is an error, reported once") {
  auto c = compile(R"(
fn a(x: column) -> expectation = b(x)
fn b(x: column) -> expectation = a(x)
)");
  CHECK(codes(*c) == std::vector<std::string>{"E0301"});
  CHECK(find(*c, "E0301")->message == "recursive function: `a -> b -> a`");
}

TEST_CASE("user fns are type-checked and expanded with their arguments") {
  auto c = compile(R"(
fn key(cols: column...) -> expectation = not_null(cols) and unique(cols)
fn wrong() -> expectation = row_count()
workflow w {
  owner = "x"
  task t {
    writes = "t"
    sql = "select 1"
    publish = true
    expect key(a, b)
  }
}
)");
  CHECK(codes(*c) == std::vector<std::string>{"E0201"});
  const model::Node& t = c->model.nodes[0];
  model::TermId e = t.expectations[0].term;
  REQUIRE(e.valid());
  CHECK(c->model.term(e).kind == model::Term::Kind::And);
}

TEST_CASE("the checker survives broken input without crashing") {
  const char* inputs[] = {
      "workflow {",
      "workflow w { task t { sql = } }",
      "task t { }",
      "fn f(",
      "workflow w { owner = \"x\" task t { writes = \"t\" sql = \"${\" } }",
      "route r { notify = [webhook(env(1))] }",
      "workflow w { after = [a.b.c] retry = retry(on = any, 1) }",
      "fn f(x: list) -> nope = x",
      "workflow w { param p: list<list<int>> = [[1]] task t { run = command([]) after = [t] } }",
  };
  for (const char* input : inputs) {
    CAPTURE(input);
    auto c = compile(input);
    CHECK(c->diagnostics.error_count() > 0);
  }
}

TEST_CASE("W0402: a literal table name gets a fix-it to its task") {
  auto c = compile(R"(
workflow w {
  owner = "x"
  task a {
    writes = "staging.orders"
    sql = "select 1"
  }
  task b {
    writes = "b"
    sql = """
      select * from staging.orders
    """
    publish = true
  }
}
)");
  CHECK(codes(*c) == std::vector<std::string>{"W0402"});
  const Diagnostic* d = find(*c, "W0402");
  CHECK(text(*c, d->range) == "staging.orders");
  REQUIRE(d->fixits.size() == 1);
  CHECK(d->fixits[0].replacement == "${a}");
}

TEST_CASE("E0306: `${self}` in a task that writes no table") {
  auto c = compile(R"(
workflow w {
  owner = "x"
  task a {
    run = command(["export", "${self}"])
    idempotent = true
  }
}
)");
  CHECK(codes(*c) == std::vector<std::string>{"E0306"});
}

TEST_CASE("a second project block is the error, not flow.project's, whichever file is read first") {
  const std::pair<std::string, std::string> project_file{"flow.project",
                                                         "project shop {\n  state_schema = \"runs\"\n}\n"};
  const std::pair<std::string, std::string> other{"a.flow", "project other {}\n"};
  for (const Files& files : {Files{project_file, other}, Files{other, project_file}}) {
    CAPTURE(files[0].first);
    auto c = compile(files);
    REQUIRE(codes(*c) == std::vector<std::string>{"E0102"});
    const Diagnostic* d = find(*c, "E0102");
    CHECK(text(*c, d->range) == "other");
    REQUIRE(d->notes.size() == 1);
    CHECK(text(*c, d->notes[0].range) == "shop");
    CHECK(c->model.project.name == "shop");
    CHECK(c->model.project.state_schema == "runs");
  }
}

TEST_CASE("the model links projects, targets, legacy jobs and workflows") {
  auto c = compile(
      Files{{"flow.project", "project shop {\n  default_target = lake\n  state_schema = \"runs\"\n}\n"},
            {"a.flow", R"(
target warehouse {
  schema = "analytics"
  environment dev {}
}
target lake {
  dsn = "postgresql:///lake"
  environment staging {
    schema_suffix = "_stg"
  }
}
legacy old {
  owner = "x"
  writes = ["t"]
  consumers = ["y"]
  rollback = "z"
  enabled = false
  runtime = 12m
}
workflow w {
  owner = "x"
  replaces = old
  task t {
    writes = "t"
    sql = "select 1"
    publish = true
  }
}
workflow v {
  owner = "x"
  target = warehouse
  task u {
    writes = "u"
    sql = "select * from ${w.t}"
    publish = true
  }
}
)"}});
  // `old` is switched off while `w` is still in model stage: W0410 alone.
  CHECK(codes(*c) == std::vector<std::string>{"W0410"});
  const model::Model& m = c->model;
  CHECK(m.project.name == "shop");
  CHECK(m.project.state_schema == "runs");
  REQUIRE(m.project.default_target.valid());
  CHECK(m.targets[m.project.default_target.index].name == "lake");
  CHECK(m.targets[1].dsn == "postgresql:///lake");
  CHECK(m.targets[0].environments[0].schema_suffix == "_dev");
  CHECK(m.targets[1].environments[0].schema_suffix == "_stg");
  REQUIRE(m.legacies.size() == 1);
  CHECK(m.legacies[0].replaced_by.index == 0);
  CHECK(m.legacies[0].runtime_seconds == 12 * 60);
  CHECK_FALSE(m.legacies[0].enabled);
  CHECK(m.workflows[0].target.index == 1);  // the project's default
  CHECK(m.workflows[1].target.index == 0);
  const model::Node& u = m.node(m.workflows[1].nodes[0]);
  REQUIRE(u.deps.size() == 1);
  CHECK(u.deps[0] == m.workflows[0].nodes[0]);
}

TEST_CASE("references inside .sql files point into the file") {
  auto c = compile(Files{{"a.flow", R"(
workflow w {
  owner = "x"
  param ds: date = logical_date
  source s {
    table = "raw.s"
  }
  task t {
    writes = "t"
    sql = file("t.sql")
    publish = true
  }
}
)"},
                         {"t.sql", "select * from ${ s } where ds = ${ds} and x = '$${literal}'\n"}});
  CHECK(codes(*c).empty());
  std::vector<std::string> names;
  for (const model::Reference& r : c->model.references) {
    if (c->sources.buffer(r.range.file).path() == "t.sql") names.emplace_back(text(*c, r.range));
  }
  CHECK(names == std::vector<std::string>{"s", "ds"});
  const model::Node& t = c->model.nodes[1];
  REQUIRE(t.sql);
  std::string joined;
  for (const model::TemplatePart& p : t.sql->parts) {
    if (p.kind == model::TemplatePart::Kind::Text) joined += p.text;
  }
  CHECK(joined.find("'${literal}'") != std::string::npos);
}

TEST_CASE("an exploding (but not recursive) fn expansion is cut off with one error") {
  std::string text;
  text += "fn f0(c: column) -> expectation = unique(c)\n";
  for (int i = 1; i <= 20; ++i) {
    text += "fn f" + std::to_string(i) + "(c: column) -> expectation = f" + std::to_string(i - 1) +
            "(c) and f" + std::to_string(i - 1) + "(c)\n";
  }
  text +=
      "workflow w {\n  owner = \"x\"\n  task t {\n    writes = \"t\"\n    sql = \"select 1\"\n"
      "    publish = true\n    expect f20(id)\n  }\n}\n";
  auto c = compile(text);
  CHECK(codes(*c) == std::vector<std::string>{"E0202"});
  CHECK(c->model.terms.size() < 200000);
}
