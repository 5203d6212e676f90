// `flowc impact --run` of a side run, one that wrote tables other than the
// production ones: a mirror run (`<schema>__mirror`) and a run in a named
// environment (`<schema><suffix>`). Only their own failed and blocked tasks'
// tables there are stale; no production table, legacy job or consumer is.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/run_support.h"

namespace {

using nlohmann::json;

const std::string kDailyKpi = std::string(FLOWC_SOURCE_DIR) + "/examples/daily_kpi";

flowc::runtime::ProcessResult run_flowc(std::vector<std::string> args) {
  return flowc::testing::run_flowc(flowc::testing::scratch_dir("cwd"), std::move(args));
}

/// Run 5 of daily_kpi in `env` and `stage`: stage_orders failed and blocked
/// the rest of its branch. The state database's DSN.
std::string branch_failed(const std::string& env, const std::string& stage) {
  return flowc::testing::seeded_state_database(
      "impact_side",
      "insert into flow.runs (id, workflow, ds, env, stage, trigger, status, plan_hash, plan) values"
      " (5, 'daily_kpi', '2026-11-24', '" +
          env + "', '" + stage + R"sql(', 'manual', 'failed', 'h', '{}');
insert into flow.task_runs (run_id, task, task_index, state, attempts, max_attempts) values
 (5, 'orders', 0, 'succeeded', 1, 1), (5, 'stage_orders', 2, 'failed', 3, 3),
 (5, 'revenue_daily', 4, 'upstream_failed', 0, 3), (5, 'publish_kpis', 5, 'upstream_failed', 0, 3),
 (5, 'refresh_extract', 6, 'upstream_failed', 0, 3);
)sql");
}

/// The tables of `impact --run 5` that are stale, each checked against
/// `side` (the schema suffix of the side run): stale exactly when its schema has
/// it, and then not published.
std::vector<std::string> stale_tables(const json& report, const std::string& side) {
  std::vector<std::string> stale;
  for (const json& t : report["tables"]) {
    const std::string name = t["name"];
    const bool side_table = name.substr(0, name.find('.')).find(side) != std::string::npos;
    CHECK(t["stale"] == side_table);
    // The side run's table is no published output: consumers read production's.
    if (side_table) CHECK(t["published"] == false);
    if (t["stale"].get<bool>()) stale.push_back(name);
  }
  return stale;
}

}  // namespace

TEST_CASE(
    "impact --run of a mirror run: its failed tasks and their mirror tables, no production table, no legacy "
    "consumer") {
  // daily_kpi is in mirror stage: stage_orders failed and blocked the rest
  // of its branch, but only their mirror tables are stale; the legacy job
  // still writes dash.kpi_daily for its dashboards.
  std::string dsn = branch_failed("", "mirror");
  auto r = run_flowc(
      {"impact", "daily_kpi.orders", kDailyKpi, "--run", "5", "--state-dsn", dsn, "--format", "json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  json j = json::parse(r.output);
  CHECK(j["run"]["mirror"] == true);
  std::vector<std::string> stale;
  for (const json& t : j["tasks"])
    if (t["stale"].get<bool>()) stale.push_back(t["name"]);
  CHECK(stale == std::vector<std::string>{"daily_kpi.stage_orders", "daily_kpi.revenue_daily",
                                          "daily_kpi.publish_kpis", "daily_kpi.refresh_extract"});
  // The production tables are not stale; the mirror tables of the failed and blocked tasks are.
  CHECK(stale_tables(j, "__mirror") == std::vector<std::string>{"staging__mirror.orders",
                                                                "analytics__mirror.revenue_daily",
                                                                "dash__mirror.kpi_daily"});
  for (const json& l : j["legacy_jobs"]) CHECK(l["stale"] == false);
  REQUIRE_FALSE(j["legacy_consumers"].empty());
  for (const json& c : j["legacy_consumers"]) CHECK(c["stale"] == false);

  auto human = run_flowc({"impact", "daily_kpi.orders", kDailyKpi, "--run", "5", "--state-dsn", dsn});
  REQUIRE_MESSAGE(human.exit_code == 0, human.output);
  CHECK(j["run"]["failed_tasks"] == json({"stage_orders"}));
  CHECK(j["run"]["blocked_tasks"] == json({"revenue_daily", "publish_kpis", "refresh_extract"}));
  CHECK(human.output.find(
            "run 5: workflow daily_kpi, ds 2026-11-24, failed; failed: stage_orders; blocked: "
            "revenue_daily, publish_kpis, refresh_extract\n"
            "a mirror run: only the mirror tables of those tasks are stale; the production tables "
            "and their consumers are still the legacy job's\n") != std::string::npos);
}

TEST_CASE(
    "impact --run of a run in environment dev: its failed tasks and their dev tables, no production table or "
    "consumer") {
  // daily_kpi run in `dev` (schema suffix `_dev`): stage_orders failed and
  // blocked the rest of its branch in the dev tables; production and its
  // dashboards are untouched.
  std::string dsn = branch_failed("dev", "production");
  auto r = run_flowc(
      {"impact", "daily_kpi.orders", kDailyKpi, "--run", "5", "--state-dsn", dsn, "--format", "json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  json j = json::parse(r.output);
  CHECK(j["run"]["env"] == "dev");
  CHECK(j["run"]["mirror"] == false);
  CHECK(stale_tables(j, "_dev") ==
        std::vector<std::string>{"staging_dev.orders", "analytics_dev.revenue_daily", "dash_dev.kpi_daily"});
  for (const json& l : j["legacy_jobs"]) CHECK(l["stale"] == false);
  for (const json& c : j["legacy_consumers"]) CHECK(c["stale"] == false);

  auto human = run_flowc({"impact", "daily_kpi.orders", kDailyKpi, "--run", "5", "--state-dsn", dsn});
  REQUIRE_MESSAGE(human.exit_code == 0, human.output);
  CHECK(
      human.output.find(
          "run 5: workflow daily_kpi, ds 2026-11-24, environment dev, failed; failed: stage_orders; blocked: "
          "revenue_daily, publish_kpis, refresh_extract\n"
          "a run in environment dev: only that environment's tables are stale, of those tasks and of the "
          "tasks "
          "that read them there; the production tables, their readers and consumers are not affected\n") !=
      std::string::npos);
}

TEST_CASE(
    "impact --run of a run in environment dev: other workflows' tasks that read its dev tables are stale, "
    "and "
    "their owners told") {
  // ingest_events run in `dev`: raw_events failed. sessionize, finance_close
  // and marketing_attribution run in dev too and read events_dev.raw_events.
  std::string dsn = flowc::testing::seeded_state_database(
      "impact_env_downstream",
      R"sql(insert into flow.runs (id, workflow, ds, env, stage, trigger, status, plan_hash, plan) values
 (7, 'ingest_events', '2026-11-24', 'dev', 'production', 'schedule', 'failed', 'h', '{}');
insert into flow.task_runs (run_id, task, task_index, state, attempts, max_attempts) values
 (7, 'collector_batches', 0, 'succeeded', 1, 1), (7, 'load_events', 1, 'succeeded', 1, 4),
 (7, 'raw_events', 2, 'failed', 1, 4);
)sql");
  const std::string platform = std::string(FLOWC_SOURCE_DIR) + "/examples/platform";
  auto r = run_flowc({"impact", "--run", "7", platform, "--state-dsn", dsn, "--format", "json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  json j = json::parse(r.output);
  std::vector<std::string> stale_tasks;
  for (const json& t : j["tasks"])
    if (t["stale"].get<bool>()) stale_tasks.push_back(t["name"]);
  CHECK(stale_tasks == std::vector<std::string>{"finance_close.web_revenue", "finance_close.reconciliation",
                                                "marketing_attribution.touchpoints",
                                                "marketing_attribution.attribution_daily",
                                                "sessionize.sessions", "sessionize.engagement_daily"});
  CHECK(stale_tables(j, "_dev") ==
        std::vector<std::string>{"events_dev.raw_events", "finance_dev.web_revenue",
                                 "finance_dev.revenue_reconciliation", "marketing_dev__mirror.touchpoints",
                                 "marketing_dev__mirror.attribution_daily", "analytics_dev.sessions",
                                 "analytics_dev.engagement_daily"});
  std::vector<std::string> told;
  for (const json& o : j["owners"])
    if (o["stale"].get<bool>()) told.push_back(o["owner"]);
  CHECK(told == std::vector<std::string>{"data-platform", "finance-data", "marketing-analytics",
                                         "product-analytics"});
  for (const json& l : j["legacy_jobs"]) CHECK(l["stale"] == false);
  for (const json& c : j["legacy_consumers"]) CHECK(c["stale"] == false);
}

TEST_CASE(
    "impact --run of a mirror run whose tasks all succeeded but whose parity failed: all its mirror tables") {
  // As the parity alert's impact says: the run's outputs are in doubt as a
  // whole, in the mirror schemas only; the owners are told.
  std::string dsn = flowc::testing::seeded_state_database(
      "impact_parity",
      R"sql(insert into flow.runs (id, workflow, ds, env, stage, trigger, status, plan_hash, plan, parity) values
 (7, 'daily_kpi', '2026-11-24', '', 'mirror', 'manual', 'failed', 'h', '{}',
  '{"ok": false, "legacy_job": "kpi_cron", "tables": [{"task": "publish_kpis", "mirror": "dash__mirror.kpi_daily",
    "legacy": "dash.kpi_daily", "ok": false, "metrics": [{"metric": "row_count()", "mirror": "3", "legacy": "4",
    "tolerance": 0, "ok": false}]}]}');
insert into flow.task_runs (run_id, task, task_index, state, attempts, max_attempts) values
 (7, 'orders', 0, 'succeeded', 1, 1), (7, 'customers', 1, 'succeeded', 1, 1), (7, 'stage_orders', 2, 'succeeded', 1, 3),
 (7, 'dim_customers', 3, 'succeeded', 1, 3), (7, 'revenue_daily', 4, 'succeeded', 1, 3),
 (7, 'publish_kpis', 5, 'succeeded', 1, 3), (7, 'refresh_extract', 6, 'succeeded', 1, 3);
)sql");
  auto r = run_flowc({"impact", "--run", "7", kDailyKpi, "--state-dsn", dsn, "--format", "json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  json j = json::parse(r.output);
  CHECK(j["run"]["parity_mismatch"].is_string());
  std::vector<std::string> stale = stale_tables(j, "__mirror");
  CHECK(stale == std::vector<std::string>{"staging__mirror.orders", "analytics__mirror.dim_customers",
                                          "analytics__mirror.revenue_daily", "dash__mirror.kpi_daily"});
  bool owner_told = false;
  for (const json& o : j["owners"])
    owner_told = owner_told || (o["owner"] == "analytics-eng" && o["stale"] == true);
  CHECK(owner_told);
  auto human = run_flowc({"impact", "--run", "7", kDailyKpi, "--state-dsn", dsn});
  REQUIRE_MESSAGE(human.exit_code == 0, human.output);
  CHECK(human.output.find("parity mismatch: ") != std::string::npos);
}
