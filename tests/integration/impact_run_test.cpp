// `flowc impact --run N` end to end: what a run's failures make stale, read
// from a state database seeded by SQL, on examples/platform.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/impact_support.h"

namespace {

using nlohmann::json;
using namespace flowc::testing::impact_support;

}  // namespace

TEST_CASE("impact --run: exactly what the run's failures reach is stale, across workflows") {
  std::string dsn = seeded(kIngestRun);
  auto r =
      run_flowc({"impact", "load_events", kPlatform, "--run", "7", "--state-dsn", dsn, "--format", "json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  json j = json::parse(r.output);
  CHECK(j["run"] == json({{"id", 7},
                          {"workflow", "ingest_events"},
                          {"ds", "2026-11-24"},
                          {"status", "failed"},
                          {"env", "production"},
                          {"mirror", false},
                          {"parity_mismatch", nullptr},
                          {"failed_tasks", {"raw_events"}},
                          {"blocked_tasks", json::array()},
                          {"not_run_tasks", json::array()},
                          {"superseded_by", nullptr},
                          {"rebuilt_tasks", json::array()},
                          {"unknown_tasks", json::array()}}));
  std::vector<std::string> stale, fresh;
  for (const json& t : j["tasks"]) (t["stale"].get<bool>() ? stale : fresh).push_back(t["name"]);
  CHECK(stale == std::vector<std::string>{"ingest_events.raw_events", "finance_close.web_revenue",
                                          "finance_close.reconciliation", "marketing_attribution.touchpoints",
                                          "marketing_attribution.attribution_daily", "sessionize.sessions",
                                          "sessionize.engagement_daily"});
  // audit_snapshot runs after load_events, which succeeded.
  CHECK(fresh == std::vector<std::string>{"finance_close.audit_snapshot"});
  std::vector<std::string> fresh_tables;
  for (const json& t : j["tables"])
    if (!t["stale"].get<bool>()) fresh_tables.push_back(t["name"]);
  // marketing_attribution is in mirror stage: its touchpoints task writes
  // the mirror table; the production marketing.touchpoints is not stale.
  // marketing.attribution_daily is, through the legacy job reading events.
  CHECK(fresh_tables == std::vector<std::string>{"landing.events_json", "marketing.touchpoints"});
  for (const json& l : j["legacy_jobs"]) CHECK(l["stale"] == true);
  for (const json& o : j["owners"]) CHECK(o["stale"] == true);
}

TEST_CASE("impact --run human: the run's failures and a STALE column") {
  std::string dsn = seeded(kIngestRun);
  auto r = run_flowc({"impact", "ingest_events.load_events", kPlatform, "--run", "7", "--state-dsn", dsn});
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  // clang-format off
  CHECK(r.output.starts_with(
        "impact of task ingest_events.load_events (landing.events_json)\n"
        "run 7: workflow ingest_events, ds 2026-11-24, failed; failed: raw_events; blocked: -\n"
        "\n"
        "downstream tasks (8):\n"
        "  TASK                                     WRITES                          STALE\n"
        "  ingest_events.raw_events                 events.raw_events               stale\n"
        "  finance_close.audit_snapshot             -\n"
        "  finance_close.web_revenue                finance.web_revenue             stale\n"));
  // clang-format on
}

TEST_CASE("impact --run of a stopped run: the tasks it never ran are not run, and what they feed is stale") {
  // Stopped (Ctrl-C) before raw_events started: the run failed with no
  // failed task, and raw_events' table was not built for its ds.
  std::string seed = kIngestRun;
  seed.replace(seed.find("'failed',    1, 4"), 16, "'pending',   0, 4");
  std::string dsn = seeded(seed);
  auto r = run_flowc({"impact", "ingest_events.load_events", kPlatform, "--run", "7", "--state-dsn", dsn});
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  CHECK(r.output.starts_with(
      "impact of task ingest_events.load_events (landing.events_json)\n"
      "run 7: workflow ingest_events, ds 2026-11-24, failed; failed: -; blocked: -; not run: raw_events\n"));
  CHECK(r.output.find("  ingest_events.raw_events                 events.raw_events               stale\n") !=
        std::string::npos);
  auto j = json::parse(
      run_flowc({"impact", "load_events", kPlatform, "--run", "7", "--state-dsn", dsn, "--format", "json"})
          .output);
  CHECK(j["run"]["not_run_tasks"] == json({"raw_events"}));
}

TEST_CASE("impact --run on a run of another workflow: only what that run reaches") {
  // A failed finance_close run does not make sessions stale.
  std::string dsn = seeded(R"sql(
insert into flow.runs (id, workflow, ds, env, stage, trigger, status, plan_hash, plan) values
 (3, 'finance_close', '2026-11-24', '', 'model', 'manual', 'failed', 'h', '{}');
insert into flow.task_runs (run_id, task, task_index, state, attempts, max_attempts) values
 (3, 'web_revenue', 0, 'timed_out', 1, 2), (3, 'reconciliation', 1, 'upstream_failed', 0, 2);
)sql");
  auto r = run_flowc({"impact", "ingest_events.raw_events", kPlatform, "--run", "3", "--state-dsn", dsn,
                      "--format", "json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  json j = json::parse(r.output);
  std::vector<std::string> stale;
  for (const json& t : j["tasks"])
    if (t["stale"].get<bool>()) stale.push_back(t["name"]);
  CHECK(stale == std::vector<std::string>{"finance_close.web_revenue", "finance_close.reconciliation"});
  std::vector<std::string> stale_owners;
  for (const json& o : j["owners"])
    if (o["stale"].get<bool>()) stale_owners.push_back(o["owner"]);
  CHECK(stale_owners == std::vector<std::string>{"finance-data"});
  for (const json& l : j["legacy_jobs"]) CHECK(l["stale"] == false);
}

TEST_CASE("impact --run of a run a later run of its ds rebuilt: superseded, its rebuilt outputs not stale") {
  // Run 5 failed in stage_orders and blocked the rest; run 6 (a manual run
  // of the same ds) rebuilt stage_orders and revenue_daily, then failed in
  // publish_kpis: only publish_kpis and what follows it are still stale.
  std::string dsn = seeded(R"sql(
insert into flow.runs (id, workflow, ds, env, stage, trigger, status, plan_hash, plan) values
 (5, 'daily_kpi', '2026-11-24', '', 'production', 'schedule', 'failed', 'h', '{}'),
 (6, 'daily_kpi', '2026-11-24', '', 'production', 'manual', 'failed', 'h', '{}'),
 (7, 'daily_kpi', '2026-11-24', 'dev', 'production', 'manual', 'succeeded', 'h', '{}');
insert into flow.task_runs (run_id, task, task_index, state, attempts, max_attempts) values
 (5, 'orders', 0, 'succeeded', 1, 1), (5, 'stage_orders', 2, 'failed', 3, 3),
 (5, 'revenue_daily', 4, 'upstream_failed', 0, 3), (5, 'publish_kpis', 5, 'upstream_failed', 0, 3),
 (5, 'refresh_extract', 6, 'upstream_failed', 0, 3),
 (6, 'orders', 0, 'succeeded', 1, 1), (6, 'stage_orders', 2, 'succeeded', 1, 3),
 (6, 'revenue_daily', 4, 'succeeded', 1, 3), (6, 'publish_kpis', 5, 'failed', 1, 3),
 (6, 'refresh_extract', 6, 'upstream_failed', 0, 3),
 (7, 'publish_kpis', 5, 'succeeded', 1, 3);
)sql");
  // Run 7 is another environment: it rebuilt nothing of run 5's.
  auto r = run_flowc(
      {"impact", "daily_kpi.orders", kDailyKpi, "--run", "5", "--state-dsn", dsn, "--format", "json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  json j = json::parse(r.output);
  CHECK(j["run"]["superseded_by"] == 6);
  CHECK(j["run"]["rebuilt_tasks"] == json({"stage_orders", "revenue_daily"}));
  std::vector<std::string> stale;
  for (const json& t : j["tasks"])
    if (t["stale"].get<bool>()) stale.push_back(t["name"]);
  CHECK(stale == std::vector<std::string>{"daily_kpi.publish_kpis", "daily_kpi.refresh_extract"});
  for (const json& t : j["tables"]) CHECK_MESSAGE(t["stale"] == (t["name"] == "dash.kpi_daily"), t.dump());

  auto human = run_flowc({"impact", "daily_kpi.orders", kDailyKpi, "--run", "5", "--state-dsn", dsn});
  REQUIRE_MESSAGE(human.exit_code == 0, human.output);
  CHECK(human.output.find("run 5: workflow daily_kpi, ds 2026-11-24, failed; failed: stage_orders; blocked: "
                          "revenue_daily, publish_kpis, refresh_extract\n"
                          "superseded by run 6 (failed) of the same ds: rebuilt since, no longer stale: "
                          "stage_orders, revenue_daily\n") != std::string::npos);
  // The latest run of the ds is superseded by nothing.
  r = run_flowc(
      {"impact", "daily_kpi.orders", kDailyKpi, "--run", "6", "--state-dsn", dsn, "--format", "json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  CHECK(json::parse(r.output)["run"]["superseded_by"].is_null());
}

TEST_CASE(
    "impact --run without NAME: what the run's failures affect, its path (a directory or a .flow file) first "
    "or last") {
  std::string dsn = seeded(kIngestRun);
  auto r = run_flowc({"impact", "--run", "7", kPlatform, "--state-dsn", dsn, "--format", "json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  json j = json::parse(r.output);
  CHECK(j["subject"] == json({{"kind", "run"}, {"name", "run 7"}, {"table", nullptr}}));
  CHECK(j["run"]["failed_tasks"] == json({"raw_events"}));
  // Downstream of the failed raw_events, and so all stale; load_events
  // succeeded, and what only it feeds (audit_snapshot) is not listed.
  std::vector<std::string> tasks;
  for (const json& t : j["tasks"]) {
    tasks.push_back(t["name"]);
    CHECK(t["stale"] == true);
  }
  CHECK(tasks == std::vector<std::string>{"finance_close.web_revenue", "finance_close.reconciliation",
                                          "marketing_attribution.touchpoints",
                                          "marketing_attribution.attribution_daily", "sessionize.sessions",
                                          "sessionize.engagement_daily"});
  CHECK(j["tables"][0] == json({{"name", "events.raw_events"}, {"published", true}, {"stale", true}}));

  auto human = run_flowc({"impact", kPlatform, "--run", "7", "--state-dsn", dsn});
  REQUIRE_MESSAGE(human.exit_code == 0, human.output);
  CHECK(human.output.starts_with(
      "impact of the failures of run 7\n"
      "run 7: workflow ingest_events, ds 2026-11-24, failed; failed: raw_events; blocked: -\n"));
  // In the project's own directory, with no argument but --run.
  auto here = flowc::testing::run_flowc(kPlatform, {"impact", "--run", "7", "--state-dsn", dsn});
  CHECK_MESSAGE(here.exit_code == 0, here.output);
  CHECK(here.output == human.output);
  // A `.flow` file of the project given as the path, NAME left out: the
  // same (it read as a table named `ingest_events.flow`).
  auto file = flowc::testing::run_flowc(kPlatform,
                                        {"impact", "ingest_events.flow", "--run", "7", "--state-dsn", dsn});
  CHECK_MESSAGE(file.exit_code == 0, file.output);
  CHECK(file.output == human.output);

  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"impact", kPlatform}, std::vector<std::string>{"impact"}}) {
    auto neither = run_flowc(args);
    CHECK(neither.exit_code == 2);
    CHECK(neither.output ==
          "flowc: impact needs NAME (a task, source or table), or --run RUN_ID for what a run's failures "
          "affect\n");
  }
}

TEST_CASE("impact --run: an unknown run exits 2 with one line") {
  std::string dsn = seeded(kIngestRun);
  auto r = run_flowc({"impact", "raw_events", kPlatform, "--run", "42", "--state-dsn", dsn});
  CHECK(r.exit_code == 2);
  CHECK(r.output == "flowc: no run 42 in the state database\n");
  r = run_flowc({"impact", "raw_events", kPlatform, "--run", "abc", "--state-dsn", dsn});
  CHECK(r.exit_code == 2);
  CHECK(r.output == "flowc: --run: not a run id: \"abc\" (a whole number, as `flowc history` lists runs)\n");
}

TEST_CASE("impact --run: a failed task the project no longer has is named, and the run's owners told") {
  // raw_events was renamed since the run: nothing in the project says what it reached.
  std::string seed = kIngestRun;
  seed.replace(seed.find("'raw_events',        2"), 22, "'raw_events_v1',     2");
  seed.replace(
      seed.find("'h', '{}'"), 9,
      R"('h', '{"owner": "events-team", "on_failure": {"route": 0}, "routes": [{"name": "pager", "owner": "sre"}]}')");
  std::string dsn = seeded(seed);
  auto r = run_flowc({"impact", kPlatform, "--run", "7", "--state-dsn", dsn});
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find(
            "not in the project now (renamed, or the workflow removed, since the run): raw_events_v1: "
            "what it made stale cannot be followed here; `flowc status 7` has the run's record\n") !=
        std::string::npos);
  auto j = json::parse(
      run_flowc({"impact", kPlatform, "--run", "7", "--state-dsn", dsn, "--format", "json"}).output);
  CHECK(j["run"]["unknown_tasks"] == json({"raw_events_v1"}));
  CHECK(names(j["owners"], "owner") == std::vector<std::string>{"events-team", "sre"});
}
