// Lowering (compiler/lower) on small in-memory projects: task order,
// physical names with environments and mirror schemas, exact SQL and bound
// parameters, write modes, one metric query per task, condition trees and
// readiness probes. lower_plan_test.cpp has the rest of the plan.
#include "compiler/lower/lower.h"

#include <doctest/doctest.h>

#include "tests/unit/lower_support.h"

using namespace flowc;
using namespace flowc::testing::lower_support;


TEST_CASE("tasks come in topological order, declaration order among independent ones") {
  Lowered l = lower_shop();
  std::vector<std::string> names;
  for (const plan::Task& t : l.plan.tasks) names.push_back(t.name);
  // `summary` is declared before `staged` but reads it.
  CHECK(names == std::vector<std::string>{"orders", "customers", "staged", "summary", "kpis", "export"});
  for (size_t i = 0; i < l.plan.tasks.size(); ++i) {
    for (uint32_t d : l.plan.tasks[i].deps) CHECK(d < i);
  }
  CHECK(task(l.plan, "staged").deps == std::vector<uint32_t>{0, 1});
  CHECK(task(l.plan, "export").deps == std::vector<uint32_t>{4});
  CHECK(task(l.plan, "orders").kind == plan::TaskKind::Source);
  CHECK(task(l.plan, "export").kind == plan::TaskKind::Command);
}

TEST_CASE("physical names: target schema, environment suffix on outputs only, mirror schemas") {
  Lowered prod = lower_shop();
  CHECK(task(prod.plan, "orders").output == plan::TableName{"raw", "orders"});
  CHECK(task(prod.plan, "customers").output == plan::TableName{"analytics", "customers_src"});
  CHECK(task(prod.plan, "summary").output == plan::TableName{"analytics__mirror", "summary"});
  CHECK(task(prod.plan, "staged").output == plan::TableName{"staging__mirror", "orders"});
  CHECK(task(prod.plan, "kpis").output == plan::TableName{"dash__mirror", "kpis"});

  Lowered dev = lower_shop("shop", "dev");
  CHECK(dev.plan.env == "dev");
  CHECK(task(dev.plan, "orders").output == plan::TableName{"raw", "orders"});
  CHECK(task(dev.plan, "customers").output == plan::TableName{"analytics", "customers_src"});
  CHECK(task(dev.plan, "summary").output == plan::TableName{"analytics_dev__mirror", "summary"});
  CHECK(task(dev.plan, "staged").output == plan::TableName{"staging_dev__mirror", "orders"});

  // Production-stage workflows write the real tables.
  Lowered ingest = lower_shop("ingest");
  CHECK(ingest.plan.tasks[0].output == plan::TableName{"events", "raw"});
  Lowered ingest_dev = lower_shop("ingest", "dev");
  CHECK(ingest_dev.plan.tasks[0].output == plan::TableName{"events_dev", "raw"});
}

TEST_CASE("SQL: quoted tables, params as typed placeholders, one $n per param") {
  Lowered l = lower_shop();
  const plan::Task& summary = task(l.plan, "summary");
  CHECK(summary.select.sql ==
        "select * from \"staging__mirror\".\"orders\" where amount >= $1::bigint and ds = $2::date and ds <= "
        "$2::date");
  CHECK(summary.select.params == std::vector<plan::BoundParam>{{"min_amount", "bigint", "10"}, ds_param});

  // Another workflow's output: its production table (with the env suffix), never mirrored.
  const plan::Task& staged = task(l.plan, "staged");
  CHECK(staged.select.sql ==
        "select * from \"raw\".\"orders\" join \"analytics\".\"customers_src\" using (customer_id) join "
        "\"events\".\"raw\" using (x) where ds = $1::date");
  Lowered dev = lower_shop("shop", "dev");
  CHECK(task(dev.plan, "staged").select.sql.find("\"events_dev\".\"raw\"") != std::string::npos);

  CHECK(l.plan.params == std::vector<plan::BoundParam>{
                             ds_param, {"min_amount", "bigint", "10"}, {"window", "interval", "1h30m"}});
}

TEST_CASE("write modes, retry and timeout") {
  Lowered l = lower_shop();
  const plan::Task& summary = task(l.plan, "summary");
  CHECK(summary.mode == plan::WriteMode::Replace);
  const plan::Task& staged = task(l.plan, "staged");
  CHECK(staged.mode == plan::WriteMode::OverwritePartition);
  CHECK(staged.partition_column == "ds");
  const plan::Task& kpis = task(l.plan, "kpis");
  CHECK(kpis.mode == plan::WriteMode::Merge);
  CHECK(kpis.merge_key == std::vector<std::string>{"ds", "region"});
  CHECK(kpis.publish);
  CHECK(kpis.idempotent);
  CHECK(kpis.retry.retries == 2);
  CHECK(kpis.retry.initial_seconds == 30);
  CHECK(kpis.retry.max_seconds == 300);
  CHECK(kpis.timeout_seconds == 600);
  CHECK(task(l.plan, "orders").retry.retries == 0);  // sources do not retry
}

TEST_CASE("a string param's default interpolates the params before it, a secret param is passed by name") {
  const char* kFlow = R"(
workflow w {
  owner = "data-eng"
  param ds: date = logical_date
  param region: string = "emea"
  param label: string = "${region}-${ds}-${"x"}"
  param token: secret = env("EXPORT_TOKEN")
  task export {
    run = command(["export", "${label}"], env = [token, env("OTHER")])
  }
}
)";
  auto c = compile({{"targets.flow", kTargets}, {"w.flow", kFlow}});
  lower::LowerOptions options;
  options.ds = "2026-11-24";
  plan::Plan p = lower::lower(c->model, workflow_named(c->model, "w"), options, c->sources);
  const plan::Task& e = task(p, "export");
  CHECK(e.argv == std::vector<std::string>{"export", "emea-2026-11-24-x"});
  CHECK(e.env_secrets == std::vector<std::string>{"EXPORT_TOKEN", "OTHER"});
  // Never bound, so not among the plan's params ("env" was bound as text).
  std::vector<std::string> names;
  for (const plan::BoundParam& param : p.params) names.push_back(param.name);
  CHECK(names == std::vector<std::string>{"ds", "region", "label"});
}

TEST_CASE("in a string that is not SQL, ${} takes any literal as .flow writes it, and a string in a string") {
  const char* kFlow = R"(
workflow w {
  owner = "data-eng"
  param ds: date = logical_date
  param n: int = 7
  param label: string = "${n}-${true}-${5%}-${1h30m}-${07:00}-${2026-01-02}-${2.5}-${2.0}-a${"b${ds}"}c"
  task export {
    run = command(["export", "${label}", "--limit=${false}"])
  }
}
)";
  auto c = compile({{"targets.flow", kTargets}, {"w.flow", kFlow}});
  REQUIRE(c->diagnostics.error_count() == 0);
  lower::LowerOptions options;
  options.ds = "2026-11-24";
  plan::Plan p = lower::lower(c->model, workflow_named(c->model, "w"), options, c->sources);
  CHECK(task(p, "export").argv ==
        std::vector<std::string>{"export", "7-true-5%-1h30m-07:00-2026-01-02-2.5-2.0-ab2026-11-24c",
                                 "--limit=false"});
}

TEST_CASE("command tasks: params as text, tables dotted, secret names only") {
  Lowered l = lower_shop();
  const plan::Task& e = task(l.plan, "export");
  CHECK(e.mode == plan::WriteMode::None);
  CHECK(e.argv == std::vector<std::string>{"export", "--ds", "2026-11-24", "--window", "1h30m", "--from",
                                           "dash__mirror.kpis", "--to", "exports__mirror.kpis"});
  CHECK(e.env_secrets == std::vector<std::string>{"EXPORT_TOKEN"});
  CHECK(e.idempotent);
}

TEST_CASE(
    "expectations: one metric query per task, shared metrics computed once, replace checks the staging "
    "table") {
  Lowered l = lower_shop();
  const plan::Task& summary = task(l.plan, "summary");
  REQUIRE(summary.metrics);
  const plan::MetricQuery& q = *summary.metrics;
  CHECK(q.table == plan::TableName{"analytics__mirror", "summary__flow_new"});
  CHECK(q.partition == "");
  CHECK(q.statement.sql ==
        "select\n"
        "  count(*) - count(distinct \"id\") - (count(*) filter (where \"id\" is null) > 0)::int,\n"
        "  count(*),\n"
        "  (select count(*) from \"analytics__mirror\".\"summary__flow_new\" where amount < 0),\n"
        "  max(\"region\")::text,\n"
        "  coalesce(100.0 * count(*) filter (where \"amount\" is null) / nullif(count(*), 0), 0)::float8,\n"
        "  count(distinct \"region\")\n"
        "from \"analytics__mirror\".\"summary__flow_new\"");
  CHECK(q.statement.params.empty());
  std::vector<std::string> labels;
  for (const plan::Metric& m : q.metrics) labels.push_back(m.label);
  CHECK(labels == std::vector<std::string>{"duplicate_count(id)", "row_count()",
                                           "sql(\"select count(*) from ${self} where amount < 0\")",
                                           "max(region)", "null_rate(amount)", "distinct_count(region)"});
  CHECK(q.metrics[3].kind == plan::ValueKind::Any);
  CHECK(q.metrics[4].kind == plan::ValueKind::Percent);
  REQUIRE(summary.checks.size() == 8);
  CHECK(summary.checks[0].name == "unique(id)");
  CHECK_FALSE(summary.checks[0].warn);
  CHECK(summary.checks[1].name == "same metric again");
  CHECK(summary.checks[1].warn);
  CHECK(summary.checks[3].name == "no negatives");
  CHECK(summary.checks[0].origin.file == "shop.flow");
  CHECK(summary.checks[0].origin.line == 33);
}

TEST_CASE("metric SQL of every metric, partition filter for overwrite_partition") {
  Lowered l = lower_shop();
  const plan::Task& staged = task(l.plan, "staged");
  REQUIRE(staged.metrics);
  CHECK(staged.metrics->partition == "\"ds\" = $1::date");
  CHECK(staged.metrics->statement.sql ==
        "select\n"
        "  count(*) filter (where \"status\" is not null and \"status\" not in ('ok', 'it''s')),\n"
        "  coalesce(sum(\"amount\"), 0)::float8,\n"
        "  avg(\"amount\")::float8,\n"
        "  extract(epoch from now() - max(\"updated_at\")::timestamptz)::float8,\n"
        "  count(*) - count(distinct row(\"a\", \"b\")),\n"
        "  count(*) filter (where \"a\" is null or \"b\" is null),\n"
        "  min(\"amount\")::text\n"
        "from \"staging__mirror\".\"orders\"\n"
        "where \"ds\" = $1::date");
  CHECK(staged.metrics->statement.params == std::vector<plan::BoundParam>{ds_param});
  // merge with a key column named after a param: only that param filters.
  const plan::Task& kpis = task(l.plan, "kpis");
  REQUIRE(kpis.metrics);
  CHECK(kpis.metrics->partition == "\"ds\" = $1::date");
  CHECK(kpis.metrics->table == plan::TableName{"dash__mirror", "kpis"});
}

TEST_CASE("condition trees: compare (flipped when literal-first), ranges, lists, change, and/or/not") {
  Lowered l = lower_shop();
  const plan::Task& summary = task(l.plan, "summary");
  const auto& cs = summary.conditions;
  auto root = [&](size_t check) -> const plan::Condition& { return cs[summary.checks[check].condition]; };

  CHECK(root(0).kind == plan::Condition::Kind::Compare);
  CHECK(root(0).op == plan::CompareOp::Eq);
  CHECK(root(0).metric == 0);
  CHECK(root(0).literals[0].number == 0);
  CHECK(root(1).metric == 0);  // the same metric, computed once

  // `100 >= row_count()` is `row_count() <= 100`.
  CHECK(root(2).kind == plan::Condition::Kind::Compare);
  CHECK(root(2).op == plan::CompareOp::Le);
  CHECK(root(2).metric == 1);
  CHECK(root(2).literals[0].number == 100);

  CHECK(root(4).kind == plan::Condition::Kind::InRange);
  REQUIRE(root(4).literals.size() == 2);
  CHECK(root(4).literals[0].number == 1);
  CHECK(root(4).literals[1].number == 500);

  CHECK(root(5).kind == plan::Condition::Kind::InList);
  REQUIRE(root(5).literals.size() == 2);
  CHECK(root(5).literals[0].kind == plan::ValueKind::Text);
  CHECK(root(5).literals[0].text == "a");

  CHECK(root(6).kind == plan::Condition::Kind::Change);
  CHECK(root(6).op == plan::CompareOp::Lt);
  CHECK(root(6).literals[0].kind == plan::ValueKind::Percent);
  CHECK(root(6).literals[0].number == 30);

  const plan::Condition& n = root(7);
  CHECK(n.kind == plan::Condition::Kind::Not);
  REQUIRE(n.operands.size() == 1);
  const plan::Condition& o = cs[n.operands[0]];
  CHECK(o.kind == plan::Condition::Kind::Or);
  REQUIRE(o.operands.size() == 2);
  CHECK(cs[o.operands[0]].literals[0].kind == plan::ValueKind::Percent);
  CHECK(cs[o.operands[1]].op == plan::CompareOp::Lt);
  CHECK(plan::condition_text(cs, summary.checks[7].condition, summary.metrics->metrics) ==
        "not (null_rate(amount) > 5% or distinct_count(region) < 2)");
  CHECK(plan::condition_text(cs, summary.checks[2].condition, summary.metrics->metrics) ==
        "row_count() <= 100");

  // freshness compares in seconds.
  const plan::Task& staged = task(l.plan, "staged");
  const plan::Condition& fresh = staged.conditions[staged.checks[2].condition];
  CHECK(fresh.literals[0].kind == plan::ValueKind::Duration);
  CHECK(fresh.literals[0].number == 86400);
}

TEST_CASE("sources: whole-table expectations and a readiness probe") {
  Lowered l = lower_shop();
  const plan::Task& orders = task(l.plan, "orders");
  REQUIRE(orders.metrics);
  CHECK(orders.metrics->statement.sql ==
        "select\n  count(*) filter (where \"order_id\" is null)\nfrom \"raw\".\"orders\"");
  REQUIRE(orders.readiness);
  const plan::Readiness& r = *orders.readiness;
  CHECK(r.wait_seconds == 3 * 3600);
  CHECK(r.poll_seconds == 300);
  CHECK(r.text == "partition_exists(ds) and freshness(loaded_at) < 2h");
  CHECK(r.metrics.statement.sql ==
        "select\n"
        "  exists(select 1 from \"raw\".\"orders\" where \"ds\" = $1::date)::int,\n"
        "  extract(epoch from now() - max(\"loaded_at\")::timestamptz)::float8\n"
        "from \"raw\".\"orders\"");
  CHECK(r.metrics.statement.params == std::vector<plan::BoundParam>{ds_param});
  const plan::Condition& root = r.conditions[r.condition];
  CHECK(root.kind == plan::Condition::Kind::And);
  REQUIRE(root.operands.size() == 2);
  const plan::Condition& exists = r.conditions[root.operands[0]];
  CHECK(exists.kind == plan::Condition::Kind::Compare);
  CHECK(exists.op == plan::CompareOp::Eq);
  CHECK(exists.literals[0].number == 1);
  CHECK(r.conditions[root.operands[1]].literals[0].number == 7200);
}

TEST_CASE("a readiness probe of subqueries only does not scan the table") {
  auto c = compile({{"a.flow", kOneWorkflow + R"(  source src {
    table = "raw.src"
    ready = partition_exists(ds)
  }
  task out {
    writes  = "out"
    sql     = "select * from ${src}"
    publish = true
  }
}
)"}});
  lower::LowerOptions options{"2026-01-31", "", {}, ""};
  plan::Plan p = lower::lower(c->model, model::WorkflowId{0}, options, c->sources);
  REQUIRE(p.tasks[0].readiness);
  CHECK(p.tasks[0].readiness->metrics.statement.sql ==
        "select\n  exists(select 1 from \"raw\".\"src\" where \"ds\" = $1::date)::int");
  CHECK(p.tasks[1].output == plan::TableName{"s", "out"});
  CHECK(p.target_dsn_env == "");
}

TEST_CASE("a partitioned task whose only metric is a sql() subquery binds no unused partition param") {
  auto c = compile({{"w.flow", R"(
workflow w {
  owner = "data-eng"

  param ds: date = logical_date

  task daily {
    writes  = "daily"
    mode    = overwrite_partition(ds)
    sql     = "select ${ds} as ds, 1 as n"
    publish = true
    expect sql("select count(*) from ${self} where n < 0") == 0 as "no negatives"
  }
}
)"}});
  plan::Plan p = lower::lower(c->model, model::WorkflowId{0}, {"2026-11-24", "", {}, ""}, c->sources);
  const plan::MetricQuery& q = *task(p, "daily").metrics;
  // Subqueries alone scan nothing, so there is no partition filter: and no
  // `$1` bound without being used (PostgreSQL rejects that statement).
  CHECK(q.partition == "");
  CHECK(q.statement.params.empty());
  CHECK(q.statement.sql == "select\n  (select count(*) from \"public\".\"daily\" where n < 0)");
}

TEST_CASE("a float literal keeps its digits as written, for an exact comparison with a numeric metric") {
  auto c = compile({{"w.flow", R"FLOW(workflow w {
  owner = "me"

  param ds: date = logical_date

  task t {
    writes = "t"
    sql    = "select 1.5 as amount"
    expect max(amount) <= 1234567890.123456789
    expect avg(amount) in 0.10 .. 12345678901234567.88
  }
}
)FLOW"}});
  REQUIRE(c->diagnostics.error_count() == 0);
  lower::LowerOptions options;
  options.ds = "2026-11-24";
  plan::Plan p = lower::lower(c->model, workflow_named(c->model, "w"), options, c->sources);
  const plan::Task& t = task(p, "t");
  auto root = [&](size_t check) -> const plan::Condition& { return t.conditions[t.checks[check].condition]; };
  CHECK(root(0).literals[0].text == "1234567890.123456789");
  CHECK(root(1).literals[0].text == "0.10");
  CHECK(root(1).literals[1].text == "12345678901234567.88");
}

TEST_CASE("param_literal: how --param gives back a value as a plan bound it") {
  using model::TypeKind;
  CHECK(lower::param_literal(TypeKind::Percent, "7") == "7%");
  CHECK(lower::param_literal(TypeKind::String, "a b") == "a b");
  CHECK(lower::param_literal(TypeKind::Int, "-42") == "-42");
  // A float bound with an exponent: the shortest plain decimal that binds the same.
  CHECK(lower::param_literal(TypeKind::Float, "1e+20") == "100000000000000000000.0");
  CHECK(lower::param_literal(TypeKind::Float, "1.2345678901234568e+17") == "123456789012345680.0");
  CHECK(lower::param_literal(TypeKind::Float, "1e-07") == "0.0000001");
  CHECK_FALSE(lower::param_literal(TypeKind::Int, "x"));
}
