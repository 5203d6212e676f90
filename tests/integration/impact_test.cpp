// `flowc impact` end to end on the examples: the built binary on
// examples/daily_kpi and examples/platform, its exact human output and its
// JSON fields (`--run` is in impact_run_test.cpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "compiler/impact/report.h"
#include "compiler/lower/lower.h"
#include "compiler/plan/plan.h"
#include "compiler/project/project.h"
#include "runtime/process/process.h"
#include "runtime/state/migrate.h"
#include "tests/integration/impact_support.h"
#include "tests/integration/run_support.h"
#include "tests/support/pg_harness.h"

namespace {

using flowc::testing::impact_support::kDailyKpi;
using flowc::testing::impact_support::kPlatform;
using flowc::testing::impact_support::names;
using flowc::testing::impact_support::run_flowc;
using nlohmann::json;

// A project where downstream crosses workflows through a table (not a `${}`
// reference) and through legacy jobs: `two.a_in` reads what `one.a` writes;
// `cube_job` reads `out.a` and writes `bi.cube`, which `board_job` reads;
// `old_job` also reads `out.a` but is disabled, so `nope_job` (reading its
// output) is not reached. Both workflows have a task named `same`.
const char* kGraph = R"(
project graph { default_target = wh }
target wh {
  dsn    = env("WH_DSN")
  schema = "analytics"
}
route pager {
  owner  = "ops-team"
  notify = [stderr()]
}
legacy cube_job {
  owner     = "bi"
  reads     = ["out.a"]
  writes    = ["bi.cube"]
  consumers = ["Cube"]
}
legacy board_job {
  owner     = "finance"
  reads     = ["bi.cube"]
  consumers = ["Board deck"]
}
legacy old_job {
  owner     = "old-team"
  reads     = ["OUT.A"]
  writes    = ["old.t"]
  consumers = ["Old report"]
  enabled   = false
}
legacy nope_job {
  owner     = "nobody"
  reads     = ["old.t"]
  consumers = ["Never"]
}
workflow one {
  owner      = "team-one"
  on_failure = alert(pager)
  task a {
    writes = "out.a"
    sql    = "select 1 as x"
  }
  task same {
    writes = "out.same1"
    sql    = "select 1 as x"
  }
}
workflow two {
  owner = "team-two"
  source a_in { table = "out.a" }
  task b {
    writes = "b"
    sql    = "select * from ${a_in}"
  }
  task same {
    writes = "out.same2"
    sql    = "select 1 as x"
  }
}
)";

std::unique_ptr<flowc::project::Compilation> compile_graph() {
  auto c = flowc::project::compile_sources({{"graph.flow", kGraph}}, flowc::project::default_stdlib_dir());
  REQUIRE(c->diagnostics.error_count() == 0);
  return c;
}

}  // namespace

TEST_CASE(
    "impact model: through a source reading the table, through enabled legacy jobs, not disabled ones") {
  auto c = compile_graph();
  std::string error;
  std::optional<flowc::impact::ImpactSubject> subject =
      flowc::impact::resolve_impact_subject(c->model, "one.a", error);
  REQUIRE_MESSAGE(subject, error);
  flowc::impact::ImpactReport r = flowc::impact::compute_impact(c->model, *subject, std::nullopt);
  std::vector<std::string> tasks, tables, legacies, consumers, owners;
  for (const auto& t : r.tasks) tasks.push_back(t.name);
  for (const auto& t : r.tables) tables.push_back(t.name);
  for (const auto& l : r.legacies) legacies.push_back(l.name);
  for (const auto& x : r.consumers) consumers.push_back(x.name);
  for (const auto& o : r.owners) owners.push_back(o.owner);
  CHECK(tasks == std::vector<std::string>{"two.b"});
  CHECK(tables == std::vector<std::string>{"out.a", "analytics.b"});
  // board_job reads cube_job's output; old_job is listed (it reads out.a, in
  // any case) but, disabled, produces nothing for nope_job to read.
  CHECK(legacies == std::vector<std::string>{"cube_job", "board_job", "old_job"});
  CHECK(consumers == std::vector<std::string>{"Cube", "Board deck", "Old report"});
  CHECK(owners == std::vector<std::string>{"team-one", "ops-team", "team-two", "bi", "finance", "old-team"});
  CHECK(r.legacies[1].reads == std::vector<std::string>{"bi.cube"});
}

TEST_CASE(
    "impact model: a name two workflows use is ambiguous, a bare task name unique in the project is not") {
  auto c = compile_graph();
  std::string error;
  CHECK_FALSE(flowc::impact::resolve_impact_subject(c->model, "same", error));
  CHECK(error == "`same` names 2 tasks or sources; write one of one.same, two.same");
  std::optional<flowc::impact::ImpactSubject> b = flowc::impact::resolve_impact_subject(c->model, "b", error);
  REQUIRE(b);
  CHECK(b->name == "two.b");
  CHECK(b->kind == flowc::impact::ImpactSubject::Kind::Task);
  // A table only legacy jobs know, written in another case.
  std::optional<flowc::impact::ImpactSubject> cube =
      flowc::impact::resolve_impact_subject(c->model, "BI.Cube", error);
  REQUIRE(cube);
  CHECK(cube->kind == flowc::impact::ImpactSubject::Kind::Table);
  flowc::impact::ImpactReport r = flowc::impact::compute_impact(c->model, *cube, std::nullopt);
  CHECK(r.tasks.empty());
  REQUIRE(r.legacies.size() == 2);  // cube_job writes it, board_job reads it
  CHECK(r.legacies[1].name == "board_job");
}

namespace {

// A legacy job reading a table downstream of the failing task, inside one
// workflow (the audit's case): its consumers are stale as well.
const char* kReader = R"(
project reader { default_target = wh }
target wh {
  dsn    = env("WH_DSN")
  schema = "analytics"
}
legacy reader_job {
  owner     = "finance"
  reads     = ["analytics.mid_t"]
  consumers = ["CFO report"]
}
workflow w {
  owner = "team-w"
  task base {
    writes = "base_t"
    sql    = "select 1 as x"
  }
  task mid {
    writes = "mid_t"
    sql    = "select * from ${base}"
  }
  task top {
    writes = "top_t"
    sql    = "select * from ${mid}"
  }
}
)";

/// For every task of every workflow: the impact its plan carries (what an
/// alert says) and what `flowc impact` reports name the same tasks and the
/// same legacy consumers, in the same order. Returns the plan's impact of
/// `workflow.task`, for the caller's own checks.
flowc::plan::Impact check_plan_agrees(const flowc::project::Compilation& c, const std::string& workflow,
                                      const std::string& task) {
  flowc::plan::Impact asked;
  for (uint32_t w = 0; w < c.model.workflows.size(); ++w) {
    // A mirror-stage workflow's plan is a mirror run's (its failures make
    // only its mirror tables stale); `flowc impact` of its tasks says what
    // they feed once in production.
    if (c.model.workflows[w].stage == flowc::model::Stage::Mirror) continue;
    flowc::lower::LowerOptions options;
    options.ds = "2026-11-24";
    flowc::plan::Plan plan = flowc::lower::lower(c.model, flowc::model::WorkflowId{w}, options, c.sources);
    for (uint32_t i = 0; i < plan.tasks.size(); ++i) {
      if (plan.tasks[i].kind == flowc::plan::TaskKind::Source) continue;
      const std::string name = plan.workflow + "." + plan.tasks[i].name;
      std::string error;
      std::optional<flowc::impact::ImpactSubject> subject =
          flowc::impact::resolve_impact_subject(c.model, name, error);
      REQUIRE_MESSAGE(subject, error);
      flowc::impact::ImpactReport report = flowc::impact::compute_impact(c.model, *subject, std::nullopt);
      flowc::plan::Impact impact = flowc::plan::impact_of(plan, i);
      std::vector<std::string> plan_tasks, report_tasks, consumers;
      for (const std::string& t : impact.tasks)
        plan_tasks.push_back(t.find('.') == std::string::npos ? plan.workflow + "." + t : t);
      for (const auto& t : report.tasks) report_tasks.push_back(t.name);
      for (const auto& x : report.consumers) consumers.push_back(x.name);
      std::sort(plan_tasks.begin(), plan_tasks.end());
      std::sort(report_tasks.begin(), report_tasks.end());
      INFO(name);
      CHECK(plan_tasks == report_tasks);
      CHECK(impact.legacy_consumers == consumers);
      if (plan.workflow == workflow && plan.tasks[i].name == task) asked = impact;
    }
  }
  return asked;
}

// A production workflow feeding one in mirror stage: the mirror one writes
// `analytics__mirror.v_t`, so the readers of the production `v_t` (a source
// in a third workflow, a legacy job) are not downstream of `up`'s failures.
const char* kIntoMirror = R"(
project into_mirror { default_target = wh }
target wh {
  dsn    = env("WH_DSN")
  schema = "analytics"
}
legacy old_v {
  owner     = "team-m"
  writes    = ["analytics.v_t"]
  consumers = ["V dashboard"]
  enabled   = true
}
legacy v_reader {
  owner     = "finance"
  reads     = ["analytics.v_t"]
  consumers = ["CFO report"]
}
workflow up {
  owner = "team-up"
  task a {
    writes = "a_t"
    sql    = "select 1 as x"
  }
}
workflow mir {
  owner    = "team-m"
  replaces = old_v
  stage    = mirror
  task v {
    writes = "v_t"
    sql    = "select * from ${up.a}"
  }
}
workflow later {
  owner = "team-l"
  source v_in { table = "analytics.v_t" }
  task l {
    writes = "l_t"
    sql    = "select * from ${v_in}"
  }
}
)";

}  // namespace

TEST_CASE("impact in the plan (an alert's) and flowc impact follow one rule: through sources and legacy readers") {
  auto reader = flowc::project::compile_sources({{"reader.flow", kReader}}, flowc::project::default_stdlib_dir());
  REQUIRE(reader->diagnostics.error_count() == 0);
  flowc::plan::Impact base = check_plan_agrees(*reader, "w", "base");
  CHECK(base.tasks == std::vector<std::string>{"mid", "top"});
  CHECK(base.legacy_consumers == std::vector<std::string>{"CFO report"});
  CHECK(check_plan_agrees(*reader, "w", "top").legacy_consumers.empty());

  // Across workflows through a source reading the table, and through an
  // enabled legacy job's output; not through a disabled one's.
  auto graph = compile_graph();
  flowc::plan::Impact a = check_plan_agrees(*graph, "one", "a");
  CHECK(a.tasks == std::vector<std::string>{"two.b"});
  CHECK(a.tables == std::vector<std::string>{"out.a", "analytics.b"});
  CHECK(a.legacy_consumers == std::vector<std::string>{"Cube", "Board deck", "Old report"});

  // Not through the table of another workflow in mirror stage (its mirror
  // table is read by nothing); its own task and mirror table are stale.
  auto into_mirror =
      flowc::project::compile_sources({{"m.flow", kIntoMirror}}, flowc::project::default_stdlib_dir());
  REQUIRE(into_mirror->diagnostics.error_count() == 0);
  flowc::plan::Impact up = check_plan_agrees(*into_mirror, "up", "a");
  CHECK(up.tasks == std::vector<std::string>{"mir.v"});
  CHECK(up.tables == std::vector<std::string>{"analytics.a_t", "analytics__mirror.v_t"});
  CHECK(up.legacy_consumers.empty());
}

// clang-format off
TEST_CASE("impact of a source: downstream tasks, tables, published outputs, the legacy job reading it, its consumers and owners") {
  auto r = run_flowc({"impact", "daily_kpi.orders", kDailyKpi});
  CHECK(r.exit_code == 0);
  CHECK(r.output ==
        "impact of source daily_kpi.orders (raw.orders)\n"
        "\n"
        "downstream tasks (4):\n"
        "  TASK                       WRITES\n"
        "  daily_kpi.stage_orders     staging.orders\n"
        "  daily_kpi.revenue_daily    analytics.revenue_daily\n"
        "  daily_kpi.publish_kpis     dash.kpi_daily\n"
        "  daily_kpi.refresh_extract  -\n"
        "\n"
        "tables (3):\n"
        "  TABLE                    PUBLISHED\n"
        "  staging.orders\n"
        "  analytics.revenue_daily\n"
        "  dash.kpi_daily           published\n"
        "\n"
        "published outputs (1):\n"
        "  TABLE\n"
        "  dash.kpi_daily\n"
        "\n"
        "legacy jobs (1):\n"
        "  JOB       OWNER          READS       WRITES\n"
        "  kpi_cron  analytics-eng  raw.orders  dash.kpi_daily\n"
        "\n"
        "legacy consumers (2):\n"
        "  CONSUMER                     VIA\n"
        "  Executive KPI dashboard      kpi_cron\n"
        "  Weekly business review deck  kpi_cron\n"
        "\n"
        "owners to tell (1):\n"
        "  OWNER          AS OWNER OF\n"
        "  analytics-eng  workflow daily_kpi, route analytics_oncall, legacy kpi_cron\n");
}

TEST_CASE("impact of a task across workflows: cross-workflow deps, legacy jobs and every owner, once each") {
  auto r = run_flowc({"impact", "ingest_events.raw_events", kPlatform});
  CHECK(r.exit_code == 0);
  CHECK(r.output ==
        "impact of task ingest_events.raw_events (events.raw_events)\n"
        "\n"
        "downstream tasks (6):\n"
        "  TASK                                     WRITES\n"
        "  finance_close.web_revenue                finance.web_revenue\n"
        "  finance_close.reconciliation             finance.revenue_reconciliation\n"
        "  marketing_attribution.touchpoints        marketing.touchpoints\n"
        "  marketing_attribution.attribution_daily  marketing.attribution_daily\n"
        "  sessionize.sessions                      analytics.sessions\n"
        "  sessionize.engagement_daily              analytics.engagement_daily\n"
        "\n"
        "tables (7):\n"
        "  TABLE                           PUBLISHED\n"
        "  events.raw_events               published\n"
        "  finance.web_revenue\n"
        "  finance.revenue_reconciliation  published\n"
        "  marketing.touchpoints\n"
        "  marketing.attribution_daily     published\n"
        "  analytics.sessions              published\n"
        "  analytics.engagement_daily      published\n"
        "\n"
        "published outputs (5):\n"
        "  TABLE\n"
        "  events.raw_events\n"
        "  finance.revenue_reconciliation\n"
        "  marketing.attribution_daily\n"
        "  analytics.sessions\n"
        "  analytics.engagement_daily\n"
        "\n"
        "legacy jobs (2):\n"
        "  JOB                       OWNER                READS                                  WRITES\n"
        "  sessions_cron (disabled)  product-analytics    events.raw_events                      analytics.sessions\n"
        "  attribution_cron          marketing-analytics  analytics.sessions, events.raw_events  marketing.attribution_daily\n"
        "\n"
        "legacy consumers (4):\n"
        "  CONSUMER                      VIA\n"
        "  Product engagement dashboard  sessions_cron\n"
        "  Growth weekly review          sessions_cron\n"
        "  Paid media ROAS dashboard     attribution_cron\n"
        "  Budget allocation sheet       attribution_cron\n"
        "\n"
        "owners to tell (4):\n"
        "  OWNER                AS OWNER OF\n"
        "  data-platform        workflow ingest_events, route platform_oncall\n"
        "  finance-data         workflow finance_close, route finance_data\n"
        "  marketing-analytics  workflow marketing_attribution, legacy attribution_cron\n"
        "  product-analytics    route growth_analytics, workflow sessionize, legacy sessions_cron\n");
}

TEST_CASE("impact of a table: what reads it downstream, not the task that writes it") {
  auto r = run_flowc({"impact", "dash.kpi_daily", kDailyKpi});
  CHECK(r.exit_code == 0);
  CHECK(r.output ==
        "impact of table dash.kpi_daily (written by daily_kpi.publish_kpis)\n"
        "\n"
        "downstream tasks (1):\n"
        "  TASK                       WRITES\n"
        "  daily_kpi.refresh_extract  -\n"
        "\n"
        "tables (1):\n"
        "  TABLE           PUBLISHED\n"
        "  dash.kpi_daily  published\n"
        "\n"
        "published outputs (1):\n"
        "  TABLE\n"
        "  dash.kpi_daily\n"
        "\n"
        "legacy jobs (1):\n"
        "  JOB       OWNER          READS  WRITES\n"
        "  kpi_cron  analytics-eng  -      dash.kpi_daily\n"
        "\n"
        "legacy consumers (2):\n"
        "  CONSUMER                     VIA\n"
        "  Executive KPI dashboard      kpi_cron\n"
        "  Weekly business review deck  kpi_cron\n"
        "\n"
        "owners to tell (1):\n"
        "  OWNER          AS OWNER OF\n"
        "  analytics-eng  workflow daily_kpi, route analytics_oncall, legacy kpi_cron\n");
}
// clang-format on

TEST_CASE(
    "impact --format json: the subject, tasks, tables, published outputs, legacy jobs, consumers and "
    "owners") {
  // A table read by a source: raw.orders is daily_kpi.orders' table, and the
  // legacy kpi_cron reads it too.
  auto r = run_flowc({"impact", "raw.orders", kDailyKpi, "--format", "json"});
  REQUIRE(r.exit_code == 0);
  json j = json::parse(r.output);
  CHECK(j["subject"] == json({{"kind", "table"},
                              {"name", "raw.orders"},
                              {"table", "raw.orders"},
                              {"written_by", json::array()},
                              {"read_by", {"daily_kpi.orders"}}}));
  CHECK(j["run"].is_null());
  CHECK(names(j["tasks"]) == std::vector<std::string>{"daily_kpi.stage_orders", "daily_kpi.revenue_daily",
                                                      "daily_kpi.publish_kpis", "daily_kpi.refresh_extract"});
  CHECK(j["tasks"][2] ==
        json({{"name", "daily_kpi.publish_kpis"}, {"writes", "dash.kpi_daily"}, {"published", true}}));
  CHECK(j["tasks"][3]["writes"].is_null());
  CHECK(names(j["tables"]) ==
        std::vector<std::string>{"staging.orders", "analytics.revenue_daily", "dash.kpi_daily"});
  CHECK(names(j["published"]) == std::vector<std::string>{"dash.kpi_daily"});
  REQUIRE(j["legacy_jobs"].size() == 1);
  CHECK(j["legacy_jobs"][0] ==
        json({{"name", "kpi_cron"},
              {"owner", "analytics-eng"},
              {"enabled", true},
              {"reads", {"raw.orders"}},
              {"writes", {"dash.kpi_daily"}},
              {"consumers", {"Executive KPI dashboard", "Weekly business review deck"}}}));
  CHECK(j["legacy_consumers"][0] == json({{"name", "Executive KPI dashboard"}, {"via", {"kpi_cron"}}}));
  CHECK(j["owners"] ==
        json::array({{{"owner", "analytics-eng"},
                      {"roles", {"workflow daily_kpi", "route analytics_oncall", "legacy kpi_cron"}}}}));
  // No run, no `stale` anywhere.
  CHECK_FALSE(j["tasks"][0].contains("stale"));
}

TEST_CASE("impact: an unknown name says what is near and exits 2") {
  auto r = run_flowc({"impact", "stage_ordrs", kDailyKpi});
  CHECK(r.exit_code == 2);
  CHECK(r.output ==
        "flowc: no task, source or table `stage_ordrs` in the project; did you mean `stage_orders`?\n");
  r = run_flowc({"impact", "nothing.like.it", kDailyKpi});
  CHECK(r.exit_code == 2);
  CHECK(r.output == "flowc: no task, source or table `nothing.like.it` in the project\n");
}

TEST_CASE("impact: a bad --format exits 2") {
  auto r = run_flowc({"impact", "raw_events", kPlatform, "--format", "xml"});
  CHECK(r.exit_code == 2);
  CHECK(r.output == "flowc: unknown --format `xml` (expected human or json)\n");
}
