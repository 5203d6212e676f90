// Lowering (compiler/lower) on small in-memory projects: physical names with
// environments and mirror schemas, exact SQL and bound parameters, one
// metric query per task, condition trees, order, external dependencies,
// impact, parity, and no secret anywhere in the plan.
#include "compiler/lower/lower.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "compiler/diagnostics/render.h"
#include "compiler/plan/json.h"
#include "compiler/plan/render.h"
#include "compiler/project/project.h"

using namespace flowc;

namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

// Two workflows sharing a warehouse: `shop` (mirror stage, replacing a legacy
// job) and `ingest`, which `shop` waits on.
const char* kTargets = R"(
project shop_project {
  default_target = warehouse
}

target warehouse {
  dsn    = env("WAREHOUSE_DSN")
  schema = "analytics"
  environment dev { schema_suffix = "_dev" }
}

route oncall {
  owner        = "data-eng"
  notify       = [webhook(env("ONCALL_HOOK_URL")), command(["page", "data"], env = [env("PAGER_TOKEN")]), jsonl("alerts.jsonl")]
  min_severity = low
  repeat       = 2h
}

route unused {
  owner  = "nobody"
  notify = [stderr()]
}

legacy old_job {
  owner     = "data-eng"
  writes    = ["dash.kpis"]
  consumers = ["KPI dashboard"]
  rollback  = "re-enable cron"
}

legacy other_job {
  owner     = "bi"
  writes    = ["summary"]
  consumers = ["Finance sheet"]
  rollback  = "none"
  enabled   = false
}
)";

const char* kIngest = R"(
workflow ingest {
  owner      = "data-eng"
  stage      = production
  on_failure = alert(oncall)

  param ds: date = logical_date

  task events {
    writes = "events.raw"
    mode   = overwrite_partition(ds)
    sql    = "select 1 as x, ${ds} as ds"
    expect row_count() > 0
  }
}
)";

const char* kShop = R"(
workflow shop {
  owner      = "data-eng"
  stage      = mirror
  replaces   = old_job
  on_failure = alert(oncall, severity = critical)
  on_warning = alert(oncall, severity = low)
  retry      = retry(2, backoff = exponential(30s, max = 5m))
  timeout    = 10m

  param ds: date = logical_date
  param min_amount: int = 10
  param window: duration = 1h30m

  source orders {
    table = "raw.orders"
    ready = partition_exists(ds) and freshness(loaded_at) < 2h
    wait  = 3h
    poll  = 5m
    expect not_null(order_id)
  }

  source customers {
    table = "customers_src"
    wait  = 4h
    ready = row_count() > 0
  }

  task summary {
    writes = "summary"
    mode   = replace
    sql    = "select * from ${staged} where amount >= ${min_amount} and ds = ${ds} and ds <= ${ds}"
    expect unique(id)
    expect unique(id) else warn as "same metric again"
    expect 100 >= row_count()
    expect sql("select count(*) from ${self} where amount < 0") == 0 as "no negatives"
    expect row_count() in 1 .. 500
    expect max(region) in ["a", "b"]
    expect row_count() change < 30% else warn
    expect not (null_rate(amount) > 5% or distinct_count(region) < 2)
  }

  task staged {
    writes = "staging.orders"
    mode   = overwrite_partition(ds)
    sql    = "select * from ${orders} join ${customers} using (customer_id) join ${ingest.events} using (x) where ds = ${ds}"
    expect accepted_values(status, ["ok", "it's"])
    expect sum(amount) > 0 and avg(amount) < 1000.5
    expect freshness(updated_at) < 1d
    expect duplicate_count(a, b) == 0 and null_count(a, b) == 0
    expect min(amount) >= 0
  }

  task kpis {
    writes  = "dash.kpis"
    mode    = merge(key = [ds, region])
    sql     = "select * from ${summary}"
    publish = true
    compare = [row_count(), sum(revenue)]
    expect row_count() > 0
  }

  task export {
    run        = command(["export", "--ds", "${ds}", "--window", "${window}", "--from", "${kpis}", "--to", "${self}"], env = [env("EXPORT_TOKEN")])
    writes     = "exports.kpis"
    after      = [kpis]
    idempotent = true
  }
}
)";

struct Lowered {
  std::unique_ptr<project::Compilation> compilation;
  plan::Plan plan;
};

std::unique_ptr<project::Compilation> compile(Files files) {
  auto c = project::compile_sources(std::move(files), project::default_stdlib_dir());
  std::ostringstream rendered;
  render_human(c->diagnostics.diagnostics(), c->sources, rendered);
  INFO(rendered.str());
  REQUIRE(c->diagnostics.error_count() == 0);
  return c;
}

model::WorkflowId workflow_named(const model::Model& model, const std::string& name) {
  for (uint32_t i = 0; i < model.workflows.size(); ++i) {
    if (model.workflows[i].name == name) return model::WorkflowId{i};
  }
  FAIL("no workflow " << name);
  return {};
}

Lowered lower_shop(const std::string& workflow = "shop", const std::string& env = "") {
  Lowered out;
  out.compilation = compile({{"targets.flow", kTargets}, {"ingest.flow", kIngest}, {"shop.flow", kShop}});
  lower::LowerOptions options;
  options.ds = "2026-11-24";
  options.env = env;
  model::WorkflowId id = workflow_named(out.compilation->model, workflow);
  REQUIRE(lower::check_options(out.compilation->model, id, options) == "");
  out.plan = lower::lower(out.compilation->model, id, options, out.compilation->sources);
  return out;
}

const plan::Task& task(const plan::Plan& p, const std::string& name) {
  for (const plan::Task& t : p.tasks) {
    if (t.name == name) return t;
  }
  FAIL("no task " << name);
  return p.tasks.front();
}

size_t index_of(const plan::Plan& p, const std::string& name) {
  for (size_t i = 0; i < p.tasks.size(); ++i) {
    if (p.tasks[i].name == name) return i;
  }
  FAIL("no task " << name);
  return 0;
}

const plan::BoundParam ds_param{"ds", "date", "2026-11-24"};

}  // namespace

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

TEST_CASE("metric SQL of every metric; partition filter for overwrite_partition") {
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
  auto c = compile({{"a.flow", R"(
target t {
  schema = "s"
}
route r {
  owner  = "o"
  notify = [stderr()]
}
workflow w {
  owner      = "o"
  on_failure = alert(r)
  param ds: date = logical_date
  source src {
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

TEST_CASE("a dependency on another workflow's task is an external wait") {
  Lowered l = lower_shop();
  const plan::Task& staged = task(l.plan, "staged");
  REQUIRE(staged.external.size() == 1);
  CHECK(staged.external[0] == plan::ExternalDependency{"ingest", "events", 4 * 3600, 60});
  CHECK(task(l.plan, "summary").external.empty());
}

TEST_CASE("impact: downstream tasks in and across workflows, tables, published outputs, legacy consumers") {
  Lowered l = lower_shop();
  const plan::Impact& staged = l.plan.impact[index_of(l.plan, "staged")];
  CHECK(staged.tasks == std::vector<std::string>{"summary", "kpis", "export"});
  CHECK(staged.tables == std::vector<std::string>{"staging__mirror.orders", "analytics__mirror.summary",
                                                  "dash__mirror.kpis", "exports__mirror.kpis"});
  CHECK(staged.published == std::vector<std::string>{"dash__mirror.kpis"});
  // summary's production table is other_job's, kpis' is old_job's.
  CHECK(staged.legacy_consumers == std::vector<std::string>{"KPI dashboard", "Finance sheet"});
  const plan::Impact& exported = l.plan.impact[index_of(l.plan, "export")];
  CHECK(exported.tasks.empty());
  CHECK(exported.tables == std::vector<std::string>{"exports__mirror.kpis"});
  CHECK(exported.legacy_consumers.empty());

  Lowered ingest = lower_shop("ingest");
  const plan::Impact& events = ingest.plan.impact[0];
  CHECK(events.tasks == std::vector<std::string>{"shop.summary", "shop.staged", "shop.kpis", "shop.export"});
  CHECK(events.tables.front() == "events.raw");
}

TEST_CASE("parity: mirror output against the legacy table, on the run's partition, keyed for merge") {
  Lowered l = lower_shop();
  const plan::Task& kpis = task(l.plan, "kpis");
  REQUIRE(kpis.parity);
  const plan::Parity& p = *kpis.parity;
  CHECK(p.mirror == plan::TableName{"dash__mirror", "kpis"});
  CHECK(p.legacy == plan::TableName{"dash", "kpis"});
  CHECK(p.partition == "\"ds\" = $1::date");
  CHECK(p.params == std::vector<plan::BoundParam>{ds_param});
  CHECK(p.metric_sql == std::vector<std::string>{"count(*)", "coalesce(sum(\"revenue\"), 0)::float8"});
  CHECK(p.metric_labels == std::vector<std::string>{"row_count()", "sum(revenue)"});
  CHECK(p.key == std::vector<std::string>{"ds", "region"});
  // other_job is not the replaced job: no parity for summary.
  CHECK_FALSE(task(l.plan, "summary").parity);
  CHECK_FALSE(lower_shop("ingest").plan.tasks[0].parity);
}

TEST_CASE("workflow settings, routes in use, alerts and the legacy job") {
  Lowered l = lower_shop();
  const plan::Plan& p = l.plan;
  CHECK(p.project == "shop_project");
  CHECK(p.workflow == "shop");
  CHECK(p.owner == "data-eng");
  CHECK(p.stage == plan::Stage::Mirror);
  CHECK(p.target == "warehouse");
  CHECK(p.target_dsn_env == "WAREHOUSE_DSN");
  CHECK(p.ds == "2026-11-24");
  REQUIRE(p.routes.size() == 1);  // `unused` is not in the plan
  const plan::Route& r = p.routes[0];
  CHECK(r.name == "oncall");
  CHECK(r.owner == "data-eng");
  CHECK(r.min_severity == plan::Severity::Low);
  CHECK(r.repeat_seconds == 7200);
  REQUIRE(r.channels.size() == 3);
  CHECK(r.channels[0].kind == plan::Channel::Kind::Webhook);
  CHECK(r.channels[0].args.empty());
  CHECK(r.channels[0].secret_env == "ONCALL_HOOK_URL");
  CHECK(r.channels[1].args == std::vector<std::string>{"page", "data"});
  CHECK(r.channels[1].env_secrets == std::vector<std::string>{"PAGER_TOKEN"});
  CHECK(r.channels[2].args == std::vector<std::string>{"alerts.jsonl"});
  REQUIRE(p.on_failure);
  CHECK(p.on_failure->severity == plan::Severity::Critical);
  CHECK(p.on_warning->severity == plan::Severity::Low);
  CHECK_FALSE(p.on_late);
  REQUIRE(p.replaces);
  CHECK(p.replaces->name == "old_job");
  CHECK(p.replaces->consumers == std::vector<std::string>{"KPI dashboard"});
  CHECK(p.hash == plan::plan_hash(p));
  CHECK(p.hash.size() == 16);
}

TEST_CASE("no secret's value anywhere in the plan") {
  // The compiler never reads them; make sure nothing does by accident.
  ::setenv("ONCALL_HOOK_URL", "https://hooks.example/very-secret-token", 1);
  ::setenv("WAREHOUSE_DSN", "postgres://admin:hunter2@db/warehouse", 1);
  Lowered l = lower_shop();
  std::string json = plan::to_json(l.plan).dump();
  std::ostringstream human;
  plan::render_human(l.plan, human);
  for (const std::string& text : {json, human.str()}) {
    CHECK(text.find("very-secret-token") == std::string::npos);
    CHECK(text.find("hunter2") == std::string::npos);
  }
  CHECK(json.find("ONCALL_HOOK_URL") != std::string::npos);
  CHECK(human.str().find("webhook env(ONCALL_HOOK_URL)") != std::string::npos);
  ::unsetenv("ONCALL_HOOK_URL");
  ::unsetenv("WAREHOUSE_DSN");
}

TEST_CASE("check_options: dates, environments, params without defaults") {
  auto c = compile({{"targets.flow", kTargets}, {"ingest.flow", kIngest}, {"shop.flow", kShop}});
  model::WorkflowId shop = workflow_named(c->model, "shop");
  auto check = [&](std::string ds, std::string env) {
    return lower::check_options(c->model, shop, lower::LowerOptions{std::move(ds), std::move(env), {}, ""});
  };
  CHECK(check("2026-11-24", "") == "");
  CHECK(check("2028-02-29", "dev") == "");
  CHECK(check("2026-02-29", "") == "--ds `2026-02-29` is not a date: write YYYY-MM-DD, such as 2026-11-24");
  CHECK(check("2026-13-01", "") != "");
  CHECK(check("26-11-24", "") != "");
  CHECK(check("2026-11-24", "prod") == "no environment `prod` on target `warehouse` (it has: dev)");
  CHECK(lower::is_valid_date("2000-02-29"));
  CHECK_FALSE(lower::is_valid_date("1900-02-29"));
  CHECK_FALSE(lower::is_valid_date("2026-04-31"));

  auto needs = compile({{"a.flow", R"(
target t {
  schema = "s"
}
route r {
  owner  = "o"
  notify = [stderr()]
}
workflow w {
  owner      = "o"
  on_failure = alert(r)
  param ds: date = logical_date
  param region: string
  task out {
    writes  = "out"
    sql     = "select ${region} as region"
    publish = true
  }
}
)"}});
  lower::LowerOptions options{"2026-11-24", "", {}, ""};
  CHECK(lower::check_options(needs->model, model::WorkflowId{0}, options) ==
        "param `region` of workflow `w` has no default and no value was given");
  options.params = {{"region", "emea"}};
  CHECK(lower::check_options(needs->model, model::WorkflowId{0}, options) == "");
  plan::Plan p = lower::lower(needs->model, model::WorkflowId{0}, options, needs->sources);
  CHECK(p.tasks[0].select.sql == "select $1::text as region");
  CHECK(p.tasks[0].select.params == std::vector<plan::BoundParam>{{"region", "text", "emea"}});
}

TEST_CASE("lowering is deterministic: the same input gives the same plan and hash") {
  Lowered a = lower_shop();
  Lowered b = lower_shop();
  CHECK(a.plan == b.plan);
  Lowered dev = lower_shop("shop", "dev");
  CHECK(dev.plan.hash != a.plan.hash);
}

TEST_CASE("readiness written through a project fn keeps its text as written") {
  auto c = compile({{"a.flow", R"(
fn fresh(col: column, d: duration) -> expectation = freshness(col) < d

target t {
  schema = "s"
}
route r {
  owner  = "o"
  notify = [stderr()]
}
workflow w {
  owner      = "o"
  on_failure = alert(r)
  source src {
    table = "raw.src"
    ready = fresh(loaded_at, 90m)
  }
  task out {
    writes  = "out"
    sql     = "select * from ${src}"
    publish = true
  }
}
)"}});
  plan::Plan p = lower::lower(c->model, model::WorkflowId{0}, {"2026-01-31", "", {}, ""}, c->sources);
  REQUIRE(p.tasks[0].readiness);
  CHECK(p.tasks[0].readiness->text == "fresh(loaded_at, 90m)");  // as written
  CHECK(p.tasks[0].readiness->conditions[0].literals[0].number == 5400);
  CHECK(p.params.empty());
  CHECK(p.ds == "2026-01-31");
}

TEST_CASE("a plain-text DSN is kept for the runtime but printed with its password masked") {
  auto c = compile({{"a.flow", R"(
target t {
  dsn    = "postgres://etl:s3cret@db.internal/warehouse?password=s3cret&sslmode=require"
  schema = "s"
}
route r {
  owner  = "o"
  notify = [stderr()]
}
workflow w {
  owner      = "o"
  on_failure = alert(r)
  task out {
    writes  = "out"
    sql     = "select 1"
    publish = true
  }
}
)"}});
  plan::Plan p = lower::lower(c->model, model::WorkflowId{0}, {"2026-01-31", "", {}, ""}, c->sources);
  CHECK(p.target_dsn == "postgres://etl:s3cret@db.internal/warehouse?password=s3cret&sslmode=require");
  std::ostringstream human;
  plan::render_human(p, human);
  CHECK(human.str().find("s3cret") == std::string::npos);
  CHECK(human.str().find("dsn postgres://etl:***@db.internal/warehouse?password=***&sslmode=require") !=
        std::string::npos);
}

TEST_CASE("graph: sources, tasks and other workflows' tasks drawn apart; every edge once") {
  Lowered l = lower_shop();
  std::ostringstream dot;
  plan::render_dot(l.plan, dot);
  std::string d = dot.str();
  CHECK(d.find("\"orders\" [shape=cylinder") != std::string::npos);
  CHECK(d.find("\"ingest.events\" [shape=box, style=dashed") != std::string::npos);
  CHECK(d.find("\"ingest.events\" -> \"staged\" [style=dashed];") != std::string::npos);
  CHECK(d.find("\"staged\" -> \"summary\";") != std::string::npos);
  CHECK(d.find("label=\"kpis\\nmerge dash__mirror.kpis\"") != std::string::npos);
  CHECK(d.find("penwidth=2.5, label=\"kpis") != std::string::npos);  // published
  size_t edges = 0;
  for (size_t at = d.find("->"); at != std::string::npos; at = d.find("->", at + 1)) ++edges;
  CHECK(edges == 6);  // orders, customers, ingest.events -> staged; staged -> summary -> kpis -> export

  std::ostringstream mermaid;
  plan::render_mermaid(l.plan, mermaid);
  std::string m = mermaid.str();
  CHECK(m.rfind("flowchart LR\n", 0) == 0);
  CHECK(m.find("  orders[(\"orders<br/>source raw.orders\")]:::source\n") != std::string::npos);
  CHECK(m.find("  ext_ingest_events -.-> staged\n") != std::string::npos);
  CHECK(m.find("  kpis(\"kpis<br/>merge dash__mirror.kpis\"):::published\n") != std::string::npos);
  CHECK(m.find("  kpis --> export\n") != std::string::npos);
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
