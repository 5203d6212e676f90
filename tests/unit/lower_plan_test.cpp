// Lowering (compiler/lower), the plan around the SQL: external waits,
// impact, parity, workflow settings and routes, no secret anywhere,
// check_options, determinism, plain DSNs and the graph.
#include "compiler/lower/lower.h"

#include <doctest/doctest.h>

#include "compiler/format/format.h"
#include "tests/unit/lower_support.h"

using namespace flowc;
using namespace flowc::testing::lower_support;

TEST_CASE("a dependency on another workflow's task is an external wait") {
  Lowered l = lower_shop();
  const plan::Task& staged = task(l.plan, "staged");
  REQUIRE(staged.external.size() == 1);
  CHECK(staged.external[0] == plan::ExternalDependency{"ingest", "events", 4 * 3600, 60});
  CHECK(task(l.plan, "summary").external.empty());
}

TEST_CASE("impact: downstream tasks in and across workflows, tables, published outputs, legacy consumers") {
  Lowered l = lower_shop();
  plan::Impact staged = plan::impact_of(l.plan, index_of(l.plan, "staged"));
  CHECK(staged.tasks == std::vector<std::string>{"summary", "kpis", "export"});
  CHECK(staged.tables == std::vector<std::string>{"staging__mirror.orders", "analytics__mirror.summary",
                                                  "dash__mirror.kpis", "exports__mirror.kpis"});
  // A mirror run writes only mirror tables: none is the published one, and
  // the legacy jobs still serve their consumers.
  CHECK(staged.published.empty());
  CHECK(staged.legacy_consumers.empty());
  plan::Impact exported = plan::impact_of(l.plan, index_of(l.plan, "export"));
  CHECK(exported.tasks.empty());
  CHECK(exported.tables == std::vector<std::string>{"exports__mirror.kpis"});
  CHECK(exported.legacy_consumers.empty());

  Lowered ingest = lower_shop("ingest");
  plan::Impact events = plan::impact_of(ingest.plan, 0);
  CHECK(events.tasks == std::vector<std::string>{"shop.summary", "shop.staged", "shop.kpis", "shop.export"});
  CHECK(events.tables.front() == "events.raw");
  CHECK(events.published.empty());  // shop, in mirror stage, publishes nothing yet
  CHECK(events.legacy_consumers.empty());

  // Writing its own tables (here in stage model), the same workflow's
  // failure reaches the published table and the consumers of the legacy
  // jobs that wrote its tables before.
  std::string modelled = kShop;
  modelled.replace(modelled.find("stage      = mirror"), 19, "stage      = model");
  auto c = compile({{"targets.flow", kTargets}, {"ingest.flow", kIngest}, {"shop.flow", modelled}});
  lower::LowerOptions options;
  options.ds = "2026-11-24";
  plan::Plan p = lower::lower(c->model, workflow_named(c->model, "shop"), options, c->sources);
  plan::Impact live = plan::impact_of(p, index_of(p, "staged"));
  CHECK(live.tables ==
        std::vector<std::string>{"staging.orders", "analytics.summary", "dash.kpis", "exports.kpis"});
  CHECK(live.published == std::vector<std::string>{"dash.kpis"});
  // summary's production table is other_job's, kpis' is old_job's.
  CHECK(live.legacy_consumers == std::vector<std::string>{"KPI dashboard", "Finance sheet"});

  // The same workflow run in environment dev writes the dev tables: sources,
  // legacy jobs and consumers read production's, so as for a mirror run
  // nothing published and no consumer is reached.
  options.env = "dev";
  REQUIRE(lower::check_options(c->model, workflow_named(c->model, "shop"), options) == "");
  plan::Plan dev = lower::lower(c->model, workflow_named(c->model, "shop"), options, c->sources);
  plan::Impact dev_staged = plan::impact_of(dev, index_of(dev, "staged"));
  CHECK(dev_staged.tasks == std::vector<std::string>{"summary", "kpis", "export"});
  CHECK(dev_staged.tables.front() == "staging_dev.orders");
  CHECK(dev_staged.published.empty());
  CHECK(dev_staged.legacy_consumers.empty());

  // ingest run in dev: shop's runs in dev read its dev table (`${ingest.events}`
  // after dev's mapping) and wait for it, so they are reached; still
  // nothing published and no consumer.
  plan::Plan ingest_dev = lower::lower(c->model, workflow_named(c->model, "ingest"), options, c->sources);
  plan::Impact dev_events = plan::impact_of(ingest_dev, 0);
  CHECK(dev_events.tasks ==
        std::vector<std::string>{"shop.summary", "shop.staged", "shop.kpis", "shop.export"});
  CHECK(dev_events.tables == std::vector<std::string>{"events_dev.raw", "analytics_dev.summary",
                                                      "staging_dev.orders", "dash_dev.kpis",
                                                      "exports_dev.kpis"});
  CHECK(dev_events.published.empty());
  CHECK(dev_events.legacy_consumers.empty());
}

TEST_CASE("impact: a chain's plan grows linearly with its length, yet each task's impact is whole") {
  // Lists per task would be quadratic: 2,000 tasks made about 50 MB of JSON.
  constexpr int kTasks = 2000;
  std::string chain = "workflow chain {\n  owner = \"data-eng\"\n  on_failure = alert(oncall)\n";
  for (int k = 0; k < kTasks; ++k) {
    chain += "  task t" + std::to_string(k) + " {\n    writes = \"t" + std::to_string(k) + "\"\n";
    chain += k == 0 ? "    sql = \"select 1 as x\"\n"
                    : "    sql = \"select * from ${t" + std::to_string(k - 1) + "}\"\n";
    chain += "  }\n";
  }
  chain += "}\n";
  auto c = compile({{"targets.flow", kTargets}, {"chain.flow", chain}});
  lower::LowerOptions options;
  options.ds = "2026-11-24";
  plan::Plan p = lower::lower(c->model, workflow_named(c->model, "chain"), options, c->sources);
  REQUIRE(p.tasks.size() == kTasks);
  nlohmann::ordered_json json = plan::to_json(p);
  CHECK(json.dump().size() < kTasks * 1000);
  CHECK(json["impact"].dump().size() < kTasks * 150);

  plan::Impact first = plan::impact_of(p, 0);
  CHECK(first.tasks.size() == kTasks - 1);
  CHECK(first.tasks.back() == "t1999");
  CHECK(first.tables.size() == kTasks);
  CHECK(first.tables.front() == "analytics.t0");
  CHECK(first.legacy_consumers.empty());
  CHECK(plan::impact_of(p, kTasks - 2) ==
        plan::Impact{{"t1999"}, {"analytics.t1998", "analytics.t1999"}, {}, {}});
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
  // `check --db` reports a metric the database rejects at its `compare` element.
  REQUIRE(p.metric_origins.size() == 2);
  CHECK(p.metric_origins[0].line > 0);
  CHECK(p.metric_origins[1].line == p.metric_origins[0].line);
  CHECK(p.metric_origins[0].column == 16);
  CHECK(p.metric_origins[1].column == 29);
  CHECK_FALSE(p.compare_rows);  // keyed
  // other_job is not the replaced job: no parity for summary.
  CHECK_FALSE(task(l.plan, "summary").parity);
  CHECK_FALSE(lower_shop("ingest").plan.tasks[0].parity);
}

TEST_CASE(
    "parity: a replace output compares the whole table's rows, an append output this run's rows by the "
    "params' "
    "columns") {
  for (const auto& [mode, rows] :
       {std::pair{"replace", true}, std::pair{"append\n    retry   = retry(0)", false}}) {
    CAPTURE(mode);
    std::string shop = kShop;
    shop.replace(shop.find("merge(key = [ds, region])"), 25, mode);
    auto c = compile({{"targets.flow", kTargets}, {"ingest.flow", kIngest}, {"shop.flow", shop}});
    lower::LowerOptions options;
    options.ds = "2026-11-24";
    plan::Plan p = lower::lower(c->model, workflow_named(c->model, "shop"), options, c->sources);
    const plan::Task& kpis = task(p, "kpis");
    REQUIRE(kpis.parity);
    CHECK(kpis.parity->compare_rows == rows);
    CHECK(kpis.parity->key.empty());
    CHECK(kpis.parity->partition.empty());  // the whole table
    // An append's rows of this run are found by a column named after a
    // param, looked up when the tables are compared; a replace's are all.
    // Every param of the workflow is a candidate, ds first.
    CHECK(kpis.parity->run_columns.empty() == rows);
    if (!rows) CHECK(kpis.parity->run_columns.front() == ds_param);
  }
}

TEST_CASE("parity: compare_ignore reaches the plan, and its JSON only when set") {
  std::string shop = kShop;
  shop.replace(shop.find("compare = [row_count(), sum(revenue)]"), 37,
               "compare = [row_count(), sum(revenue)]\n    compare_ignore = [\"loaded_at\"]");
  auto c = compile({{"targets.flow", kTargets}, {"ingest.flow", kIngest}, {"shop.flow", shop}});
  lower::LowerOptions options;
  options.ds = "2026-11-24";
  plan::Plan p = lower::lower(c->model, workflow_named(c->model, "shop"), options, c->sources);
  REQUIRE(task(p, "kpis").parity);
  CHECK(task(p, "kpis").parity->ignore == std::vector<std::string>{"loaded_at"});
  nlohmann::ordered_json json = plan::to_json(p);
  std::string text = json.dump();
  CHECK(text.find("\"ignore\":[\"loaded_at\"]") != std::string::npos);
  CHECK(plan::to_json(lower_shop().plan).dump().find("\"ignore\"") == std::string::npos);
}

TEST_CASE("parity queries: the metrics on each table, where a metric naming the mirror table names the legacy one") {
  plan::Parity p;
  p.mirror = {"dash__mirror", "kpis"};
  p.legacy = {"dash", "kpis"};
  p.partition = "\"ds\" = $1::date";
  std::vector<std::string> metrics = {"count(*)", "(select count(*) from \"dash__mirror\".\"kpis\")"};
  CHECK(plan::parity_query(p, metrics, plan::ParitySide::Mirror) ==
        "select count(*), (select count(*) from \"dash__mirror\".\"kpis\") from \"dash__mirror\".\"kpis\" "
        "where \"ds\" = $1::date");
  CHECK(plan::parity_query(p, metrics, plan::ParitySide::Legacy) ==
        "select count(*), (select count(*) from \"dash\".\"kpis\") from \"dash\".\"kpis\" where \"ds\" = $1::date");
  p.partition.clear();
  CHECK(plan::parity_query(p, std::span(metrics).first(1), plan::ParitySide::Legacy) ==
        "select count(*) from \"dash\".\"kpis\"");
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

TEST_CASE("a password written in a command's arguments is withheld where the plan is printed") {
  Lowered l = lower_shop();
  plan::Task command;
  command.name = "export";
  command.kind = plan::TaskKind::Command;
  command.argv = {"psql", "postgresql://etl:s3cretpw@db/wh", "-c", "select 1"};
  l.plan.tasks.push_back(command);
  // In the text the program gets, whatever its quoting on the `run:` line.
  command.argv = {"sh", "-c", "PGPASSWORD=s3cret1 psql -h db"};
  l.plan.tasks.push_back(command);
  command.argv = {"env", "API_TOKEN=abc'def2", "x"};
  l.plan.tasks.push_back(command);
  command.argv = {"psql", "host=db password='s p3' user=u"};
  l.plan.tasks.push_back(command);
  command.argv = {"psql", "--password=pa$$word4!", "-c", "select 1"};
  l.plan.tasks.push_back(command);
  // And in a route's channels: a chat webhook's path token, a `?token=`.
  REQUIRE(!l.plan.routes.empty());
  plan::Channel hook;
  hook.kind = plan::Channel::Kind::Webhook;
  hook.args = {"https://hooks.slack.com/services/T0/B0/slacktoken5"};
  l.plan.routes[0].channels.push_back(hook);
  hook.kind = plan::Channel::Kind::Command;
  hook.args = {"page", "--url=https://pager.example/x?token=pagertoken6"};
  l.plan.routes[0].channels.push_back(hook);
  std::ostringstream human;
  plan::render_human(l.plan, human);
  INFO(human.str());
  for (const char* secret : {"s3cretpw", "s3cret1", "def2", "s p3", "word4", "slacktoken5", "pagertoken6"})
    CHECK(human.str().find(secret) == std::string::npos);
  CHECK(human.str().find("   run: psql 'postgresql://etl:***@db/wh' -c 'select 1'\n") != std::string::npos);
  CHECK(human.str().find("   run: sh -c 'PGPASSWORD=*** psql -h db'\n") != std::string::npos);
  CHECK(human.str().find("   run: psql '--password=***' -c 'select 1'\n") != std::string::npos);
}

TEST_CASE("a parameter value with a line break or a tab stays on its comment's line, as control pictures") {
  Lowered l = lower_shop();
  bool set = false;
  for (plan::Task& t : l.plan.tasks)
    if (!t.select.params.empty() && !set) t.select.params[0].value = "a\nb'c\td", set = true;
  REQUIRE(set);
  std::ostringstream human;
  plan::render_human(l.plan, human);
  CHECK(human.str().find(" = 'a\u240Ab''c\u2409d' (") != std::string::npos);
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
  CHECK(check("2026-11-24", "prod") ==
        "no environment `prod` on target `warehouse` (it has: dev, and production, the default)");

  auto needs = compile({{"a.flow", kOneWorkflow + R"(  param region: string
  task out {
    writes  = "out"
    sql     = "select ${region} as region"
    publish = true
  }
}
)"}});
  lower::LowerOptions options{"2026-11-24", "", {}, ""};
  CHECK(lower::check_options(needs->model, model::WorkflowId{0}, options) ==
        "param `region` of workflow `w` has no default: give its value with --param region=VALUE");
  options.params = {{"regoin", "emea"}};
  CHECK(lower::check_options(needs->model, model::WorkflowId{0}, options) ==
        "--param regoin: workflow `w` has no param `regoin` (it has: region)");
  options.params = {{"ds", "2026-11-25"}};
  CHECK(lower::check_options(needs->model, model::WorkflowId{0}, options) ==
        "--param ds: give the logical date with --ds");
  options.params = {{"region", "emea"}};
  CHECK(lower::check_options(needs->model, model::WorkflowId{0}, options) == "");

  // A workflow whose one param is the logical date has none to give.
  auto dated = compile({{"a.flow", kOneWorkflow + R"(  task out {
    writes  = "out"
    sql     = "select ${ds} as day"
    publish = true
  }
}
)"}});
  options.params = {{"region", "emea"}};
  CHECK(lower::check_options(dated->model, model::WorkflowId{0}, options) ==
        "--param region: workflow `w` has no param `region` (its only param is `ds`, the logical date)");
  CHECK(lower::check_options(needs->model, model::WorkflowId{0}, {"2026-11-24", "", {{"x", "1"}}, ""})
            .find("(it has: region)") != std::string::npos);
  // A secret param is one too, named as what it is.
  auto secret = compile({{"a.flow", kOneWorkflow + R"(  param token: secret = env("EXPORT_TOKEN")
  task out {
    writes  = "out"
    sql     = "select ${ds} as day"
    publish = true
  }
}
)"}});
  CHECK(lower::check_options(secret->model, model::WorkflowId{0}, options) ==
        "--param region: workflow `w` has no param `region` (it has: token (a secret: from its env(...)))");
  plan::Plan p = lower::lower(needs->model, model::WorkflowId{0}, options, needs->sources);
  CHECK(p.tasks[0].select.sql == "select $1::text as region");
  CHECK(p.tasks[0].select.params == std::vector<plan::BoundParam>{{"region", "text", "emea"}});
}

TEST_CASE("--param values: each type spelled as its literal, bound as the type's SQL value") {
  auto c = compile({{"a.flow", kOneWorkflow + R"(  param n: int = 1
  param f: float = 0.5
  param share: percent = 5%
  param lag: duration = 1h
  param day: date = 2026-01-01
  param at: time = 07:00
  param since: timestamp
  param on: bool = false
  param token: secret = env("TOKEN")
  param label: string = "x"
  task out {
    writes  = "out"
    sql     = "select ${n}, ${f}, ${share}, ${lag}, ${day}, ${at}, ${since}, ${on}, ${label}"
    publish = true
  }
}
)"}});
  REQUIRE(c);
  lower::LowerOptions options{"2026-11-24", "", {}, ""};
  auto problem = [&](std::vector<std::pair<std::string, std::string>> params) {
    options.params = std::move(params);
    options.params.emplace_back("since", "2026-11-24T07:00");
    return lower::check_options(c->model, model::WorkflowId{0}, options);
  };
  CHECK(problem({}) == "");
  CHECK(problem({{"n", "1.5"}}) == "--param n: `1.5` is not a whole number such as 42");
  // An int param is a bigint: its whole range, and no further.
  CHECK(problem({{"n", "-9223372036854775808"}}) == "");
  CHECK(problem({{"n", "9223372036854775807"}}) == "");
  CHECK(problem({{"n", "9223372036854775808"}}) ==
        "--param n: `9223372036854775808` is out of range: an int is -9223372036854775808 to "
        "9223372036854775807");
  CHECK(problem({{"n", "-9223372036854775809"}}) ==
        "--param n: `-9223372036854775809` is out of range: an int is -9223372036854775808 to "
        "9223372036854775807");
  CHECK(problem({{"share", "0.05"}}) == "--param share: `0.05` is not a percentage such as 5%");
  CHECK(problem({{"lag", "90"}}) == "--param lag: `90` is not a duration such as 1h30m");
  CHECK(problem({{"day", "2026-02-30"}}) == "--param day: `2026-02-30` is not a date such as 2026-11-24");
  CHECK(problem({{"at", "25:00"}}) == "--param at: `25:00` is not a time of day such as 07:00");
  CHECK(problem({{"on", "yes"}}) == "--param on: `yes` is not true or false");
  CHECK(problem({{"since", "2026-11-24"}}) ==
        "--param since: `2026-11-24` is not a date and time such as 2026-11-24T07:00 (UTC unless an offset follows)");
  // PostgreSQL takes offsets up to 15:59, and text in UTF-8 only.
  CHECK(problem({{"since", "2026-11-24T07:00+99:00"}}) ==
        "--param since: `2026-11-24T07:00+99:00` is not a date and time such as 2026-11-24T07:00 (UTC unless an offset follows)");
  CHECK(problem({{"since", "2026-11-24T07:00+05:30:00"}}).starts_with("--param since: "));
  options.params = {{"since", "2026-11-24T07:00-0930"}};
  CHECK(lower::check_options(c->model, model::WorkflowId{0}, options) == "");
  CHECK(problem({{"label", "a\xff"}}) == "--param label: `a\\xff` is not UTF-8 text (byte 2)");
  CHECK(problem({{"token", "x"}}) ==
        "--param token: a secret param comes from its env(...), never from the command line");

  options.params = {{"n", "-1_000"}, {"f", "2"},   {"share", "12.5%"},          {"lag", "1h30m"},
                    {"day", "2026-02-28"}, {"at", "23:59:30"}, {"since", "2026-11-24 07:00+01:00"}, {"on", "true"}};
  REQUIRE(lower::check_options(c->model, model::WorkflowId{0}, options) == "");
  plan::Plan p = lower::lower(c->model, model::WorkflowId{0}, options, c->sources);
  std::vector<std::string> values;
  for (const plan::BoundParam& b : p.tasks[0].select.params) values.push_back(b.value);
  CHECK(values == std::vector<std::string>{"-1000", "2", "12.5", "1h30m", "2026-02-28", "23:59:30",
                                           "2026-11-24 07:00+01:00", "true", "x"});
  options.params = {{"since", "2026-11-24T07:00"}};
  p = lower::lower(c->model, model::WorkflowId{0}, options, c->sources);
  CHECK(p.tasks[0].select.params[6].value == "2026-11-24T07:00+00");  // no offset: UTC
}

TEST_CASE("a semicolon and comments after a query are cut: the runtime nests it in its write and its metrics") {
  auto c = compile({{"a.flow", kOneWorkflow + R"(  task out {
    writes  = "out"
    mode    = overwrite_partition(ds)
    sql     = """
      select ${ds} as ds, 1 as n; -- one row
      -- the end
    """
    publish = true
    expect sql("select count(*) from ${self}; /* all */") > 0
  }
  task cleanup {
    mode       = none
    idempotent = true
    after      = [out]
    sql        = "analyze s.out; -- kept as written"
  }
}
)"}});
  REQUIRE(c);
  plan::Plan p = lower::lower(c->model, model::WorkflowId{0}, {"2026-11-24", "", {}, ""}, c->sources);
  CHECK(p.tasks[0].select.sql == "select $1::date as ds, 1 as n");
  REQUIRE(p.tasks[0].metrics);
  CHECK(p.tasks[0].metrics->statement.sql.find("(select count(*) from \"s\".\"out\")") != std::string::npos);
  CHECK(p.tasks[1].select.sql == "analyze s.out; -- kept as written");
}

TEST_CASE("lowering is deterministic: the same input gives the same plan and hash") {
  Lowered a = lower_shop();
  Lowered b = lower_shop();
  CHECK(a.plan == b.plan);
  Lowered dev = lower_shop("shop", "dev");
  CHECK(dev.plan.hash != a.plan.hash);
}

TEST_CASE("a check's name and a readiness text are one line, the same before and after flowc fmt") {
  // As written, and as `flowc fmt` writes the same workflow: comments,
  // a trailing comma, line breaks and blanks inside brackets differ.
  auto lowered = [](const std::string& source) {
    auto c = compile({{"a.flow", source}});
    REQUIRE(c->diagnostics.error_count() == 0);
    return lower::lower(c->model, model::WorkflowId{0}, {"2026-11-24", "", {}, ""}, c->sources);
  };
  const std::string written = R"(project p {}

workflow w {
  owner = "me"
  source orders {
    table = "raw.orders"
    ready = row_count(  ) > 0   # landed
  }
  task t {
    writes  = "t"
    publish = true
    sql     = "select 1 as a, 2 as b from ${orders}"
    expect unique(a,  # the key
      b)
  }
}
)";
  auto parsed = compile({{"a.flow", written}});
  const std::string formatted =
      format::format(parsed->trees[0], parsed->sources.buffer(parsed->trees[0].file));
  REQUIRE(formatted != written);
  CHECK(formatted.find("expect unique(\n      a,  # the key\n      b,\n    )") != std::string::npos);
  plan::Plan before = lowered(written);
  plan::Plan after = lowered(formatted);
  REQUIRE(before.tasks[0].readiness);
  CHECK(before.tasks[0].readiness->text == "row_count() > 0");
  REQUIRE(before.tasks[1].checks.size() == 1);
  CHECK(before.tasks[1].checks[0].name == "unique(a, b)");
  CHECK(after.tasks[1].checks[0].name == "unique(a, b)");
  CHECK(after.tasks[0].readiness->text == "row_count() > 0");
  CHECK(before.hash == after.hash);  // no declaration moved to another line here
}

TEST_CASE("a plan without a target says where its database comes from, with no name before it") {
  auto c =
      compile({{"a.flow",
                "workflow w {\n  owner = \"o\"\n  task t {\n    writes = \"t\"\n    sql = \"select 1 as a\"\n"
                "    publish = true\n  }\n}\n"}});
  plan::Plan p = lower::lower(c->model, model::WorkflowId{0}, {"2026-01-31", "", {}, ""}, c->sources);
  std::ostringstream human;
  plan::render_human(p, human);
  CHECK(human.str().find("\n  target       (no dsn: --dsn or the private local cluster)\n") !=
        std::string::npos);
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

TEST_CASE("a plain-text DSN is kept for the runtime and printed, one with a password does not compile") {
  const char* flow = R"(
target t {
  dsn    = "DSN"
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
)";
  auto with_dsn = [&](const std::string& dsn) {
    std::string text = flow;
    text.replace(text.find("DSN"), 3, dsn);
    return text;
  };
  auto c = compile({{"a.flow", with_dsn("host=/var/run/postgresql dbname=warehouse sslmode=disable")}});
  plan::Plan p = lower::lower(c->model, model::WorkflowId{0}, {"2026-01-31", "", {}, ""}, c->sources);
  CHECK(p.target_dsn == "host=/var/run/postgresql dbname=warehouse sslmode=disable");
  std::ostringstream human;
  plan::render_human(p, human);
  CHECK(human.str().find("dsn host=/var/run/postgresql dbname=warehouse sslmode=disable") != std::string::npos);
  // No `project` block: no project name ("of project ," before).
  CHECK(human.str().starts_with("plan: workflow w, ds 2026-01-31, production\n"));
  for (const char* secret : {"postgres://etl:s3cret@db.internal/warehouse", "host=db password=s3cret"}) {
    CAPTURE(secret);
    auto refused = project::compile_sources({{"a.flow", with_dsn(secret)}}, project::default_stdlib_dir());
    CHECK(refused->diagnostics.error_count() == 1);
  }
}

TEST_CASE("graph: sources, tasks and other workflows' tasks drawn apart, every edge once") {
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
  // Ids in order: the other workflows' tasks, then the plan's tasks.
  CHECK(m.find("  n0[\"ingest.events<br/>(other workflow)\"]:::external\n") != std::string::npos);
  CHECK(m.find("  n1[(\"orders<br/>source raw.orders\")]:::source\n") != std::string::npos);
  CHECK(m.find("  n0 -.-> n3\n") != std::string::npos);  // ingest.events -> staged
  CHECK(m.find("  n5(\"kpis<br/>merge dash__mirror.kpis\"):::published\n") != std::string::npos);
  CHECK(m.find("  n5 --> n6\n") != std::string::npos);  // kpis -> export
}

TEST_CASE("graph: Mermaid node ids are never a keyword and never collide, the names are escaped labels") {
  plan::Plan p;
  p.workflow = "w";
  for (const char* name : {"end", "style", "class", "click", "graph", "subgraph", "linkStyle", "classDef", "call",
                           "href", "ext_p_q_r"}) {
    plan::Task t;
    t.name = name;
    t.kind = plan::TaskKind::Sql;
    t.mode = plan::WriteMode::Replace;
    t.output = plan::TableName{"odd", "a\"b#c<d>&e"};
    p.tasks.push_back(t);
  }
  p.tasks[0].external = {{"p", "q_r"}, {"p_q", "r"}};
  p.tasks[1].deps = {0};
  std::ostringstream out;
  plan::render_mermaid(p, out);
  std::string m = out.str();
  INFO(m);
  CHECK(m.find("  n0[\"p.q_r<br/>(other workflow)\"]:::external\n") != std::string::npos);
  CHECK(m.find("  n1[\"p_q.r<br/>(other workflow)\"]:::external\n") != std::string::npos);
  // The table is dotted as for people (quoted where SQL would need it), then escaped.
  CHECK(m.find("  n2(\"end<br/>replace odd.#quot;a#quot;#quot;b#35;c#lt;d#gt;#amp;e#quot;\"):::task\n") !=
        std::string::npos);
  CHECK(m.find("  n12(\"ext_p_q_r<br/>replace") != std::string::npos);
  CHECK(m.find("  n0 -.-> n2\n") != std::string::npos);
  CHECK(m.find("  n1 -.-> n2\n") != std::string::npos);
  CHECK(m.find("  n2 --> n3\n") != std::string::npos);
  // Every line but the header and the class definitions starts with an id.
  std::istringstream lines(m);
  std::string line;
  std::getline(lines, line);
  CHECK(line == "flowchart LR");
  while (std::getline(lines, line)) {
    CAPTURE(line);
    CHECK((line.starts_with("  n") || line.starts_with("  classDef ")));
  }
}


TEST_CASE("plan: a command's arguments are one shell command line, quoted where they need it") {
  std::string flow = R"(
workflow w {
  owner = "o"
  task load {
    run = command(["echo", "O'Brien \"q\" \\ back", "a b", "", "plain-1.0"])
  }
}
)";
  auto c = compile({{"a.flow", flow}});
  plan::Plan p = lower::lower(c->model, model::WorkflowId{0}, {"2026-01-31", "", {}, ""}, c->sources);
  std::ostringstream human;
  plan::render_human(p, human);
  CHECK(human.str().find("   run: echo 'O'\\''Brien \"q\" \\ back' 'a b' '' plain-1.0\n") != std::string::npos);
}

TEST_CASE("plan shows a task's SQL on the lines an editor shows, whatever its line ends") {
  plan::Plan p;
  p.workflow = "w";
  p.ds = "2026-01-31";
  plan::Task t;
  t.name = "t";
  t.kind = plan::TaskKind::Sql;
  t.output = plan::TableName{"s", "t"};
  t.sql_origin = {"sql/t.sql", 1, 1};
  for (const char* sql :
       {"select 1 as x,\r\n  2 as y\r\n", "select 1 as x,\r  2 as y\r", "select 1 as x,\r\r\n  2 as y\n"}) {
    CAPTURE(sql);
    t.select.sql = sql;
    p.tasks = {t};
    std::ostringstream human;
    plan::render_human(p, human);
    CHECK(human.str().find("     select 1 as x,\n       2 as y\n") != std::string::npos);
    CHECK(human.str().find('\r') == std::string::npos);
  }
}
