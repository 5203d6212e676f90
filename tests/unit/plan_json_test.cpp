// The JSON form of plans: exact round trips (every example workflow, and a
// plan with every optional field set), readable errors, a stable hash.
#include "compiler/plan/json.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "compiler/lower/lower.h"
#include "compiler/project/project.h"

using namespace flowc;
namespace fs = std::filesystem;

namespace {

/// A plan with every field away from its default, so a field that JSON
/// drops or mangles breaks the round trip.
plan::Plan full_plan() {
  plan::Plan p;
  p.project = "proj";
  p.workflow = "wf";
  p.owner = "team \"quoted\"";
  p.ds = "2026-11-24";
  p.env = "dev";
  p.stage = plan::Stage::Production;
  p.state_schema = "state";
  p.target = "warehouse";
  p.target_dsn_env = "WAREHOUSE_DSN";
  p.target_dsn = "host=/tmp dbname=x";
  p.concurrency = 7;
  p.deadline_seconds = 9 * 3600 + 30;
  p.time_zone = "Europe/Berlin";
  p.schedule = "0 7 * * *";
  p.params = {{"ds", "date", "2026-11-24"}, {"n", "bigint", "3"}};
  plan::Task t;
  t.name = "t";
  t.kind = plan::TaskKind::Command;
  t.deps = {0, 2};
  t.external = {{"other", "task", 7200, 30}};
  t.origin = {"a.flow", 3, 5};
  t.output = plan::TableName{"s", "n"};
  t.mode = plan::WriteMode::Merge;
  t.partition_column = "ds";
  t.merge_key = {"ds", "k"};
  t.select = {"select $1::date", {{"ds", "date", "2026-11-24"}}};
  t.sql_origin = {"sql/x.sql", 1, 1};
  t.publish = true;
  t.idempotent = true;
  t.argv = {"run", "--ds", "2026-11-24"};
  t.env_secrets = {"TOKEN"};
  plan::MetricQuery q{
      {"s", "n__flow_new"},
      "\"ds\" = $1::date",
      {"select\n  count(*)", {}},
      {{"row_count()", plan::ValueKind::Int, {"select count(*) from \"s\".\"n__flow_new\"", {}}},
       {"min(x)", plan::ValueKind::Any, {}}}};
  t.metrics = q;
  t.conditions = {
      {plan::Condition::Kind::Compare, plan::CompareOp::Ge, 1, {{plan::ValueKind::Percent, 0.1, "0.1%"}}, {}},
      {plan::Condition::Kind::Not, plan::CompareOp::Eq, 0, {}, {0}},
      {plan::Condition::Kind::InRange,
       plan::CompareOp::Eq,
       0,
       {{plan::ValueKind::Date, 20416, "2025-11-24"}, {plan::ValueKind::Duration, 5400, "1h30m"}},
       {}}};
  t.checks = {{"label", true, 1, {"a.flow", 4, 3}}};
  plan::Readiness r;
  r.metrics = q;
  r.conditions = {
      {plan::Condition::Kind::Const, plan::CompareOp::Ne, 0, {{plan::ValueKind::Bool, 1, "true"}}, {}}};
  r.wait_seconds = 3600;
  r.poll_seconds = 5;
  r.text = "row_count() > 0";
  t.readiness = r;
  t.parity = plan::Parity{{"s__mirror", "n"},
                          {"s", "n"},
                          "\"ds\" = $1::date",
                          {{"ds", "date", "2026-11-24"}},
                          {"count(*)"},
                          {"row_count()"},
                          {"ds"},
                          true,
                          {"loaded_at"},
                          0.5,
                          {{"a.flow", 7, 16}},
                          {{"ds", "date", "2026-11-24"}}};
  t.retry = {3, false, 10, 20, true};
  t.timeout_seconds = 99;
  p.tasks = {t, plan::Task{}};
  p.impact_graph = {{{"t", "s.n", true, {0}, {1, 2}}, {}, {"other.task", "s__mirror.m", false, {}, {}}},
                    {{"Dashboard", "Sheet"}}};
  p.routes = {{"r",
               "owner",
               plan::Severity::Medium,
               60,
               {{plan::Channel::Kind::Webhook, {}, "HOOK", {}},
                {plan::Channel::Kind::Command, {"page"}, "", {"TOKEN"}}}}};
  p.on_failure = plan::AlertSpec{0, plan::Severity::Critical};
  p.on_warning = plan::AlertSpec{0, plan::Severity::Info};
  p.replaces = plan::LegacyJob{"old", "o", {"s.n"}, {"Dashboard"}, "undo", false};
  p.cutover_after = 5;
  p.hash = plan::plan_hash(p);
  return p;
}

plan::Plan round_trip(const plan::Plan& p) {
  std::string error;
  // Through text, as a stored plan would be read back.
  nlohmann::json parsed = nlohmann::json::parse(plan::to_json(p).dump(2));
  std::optional<plan::Plan> back = plan::plan_from_json(parsed, error);
  INFO(error);
  REQUIRE(back);
  return *back;
}

}  // namespace

TEST_CASE("a plan with every field set round-trips exactly") {
  plan::Plan p = full_plan();
  CHECK(round_trip(p) == p);
  plan::Plan empty;
  CHECK(round_trip(empty) == empty);
}

TEST_CASE("every example workflow's plan round-trips exactly") {
  size_t plans = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(FLOWC_SOURCE_DIR) / "examples")) {
    if (!entry.is_directory()) continue;
    std::vector<project::LoadError> errors;
    for (const project::ProjectFiles& files : project::discover({entry.path().string()}, errors)) {
      auto c = project::compile(files, project::default_stdlib_dir(), errors);
      REQUIRE(c->diagnostics.error_count() == 0);
      for (uint32_t w = 0; w < c->model.workflows.size(); ++w) {
        for (std::string env : {"", "dev"}) {
          lower::LowerOptions options{"2026-11-24", env, {}, c->root};
          plan::Plan p = lower::lower(c->model, model::WorkflowId{w}, options, c->sources);
          CAPTURE(p.workflow);
          CHECK(round_trip(p) == p);
          CHECK(plan::plan_hash(round_trip(p)) == p.hash);
          ++plans;
        }
      }
    }
  }
  CHECK(plans >= 12);
}

TEST_CASE("a plan stored before the impact graph, with `impact` an array of lists, reads without one") {
  nlohmann::json j = plan::to_json(full_plan());
  j["impact"] = nlohmann::json::parse(
      R"([{"tasks": ["a"], "tables": ["s.n"], "published": ["s.n"], "legacy_consumers": ["Dashboard"]},)"
      R"( {"tasks": [], "tables": [], "published": [], "legacy_consumers": []}])");
  std::string error;
  std::optional<plan::Plan> old = plan::plan_from_json(nlohmann::json::parse(j.dump()), error);
  INFO(error);
  REQUIRE(old);
  CHECK(old->impact_graph == plan::ImpactGraph{});
  CHECK(plan::impact_of(*old, 0) == plan::Impact{});
  plan::Plan expected = full_plan();
  expected.impact_graph = {};
  CHECK(*old == expected);  // everything else as stored, the hash included
}

TEST_CASE("the default environment is \"production\" in JSON, and a plan stored with \"\" reads the same") {
  plan::Plan p;
  CHECK(plan::to_json(p)["env"] == "production");  // as history, status and alerts name it
  nlohmann::json j = plan::to_json(p);
  j["env"] = "";  // how plans were stored before
  std::string error;
  std::optional<plan::Plan> old = plan::plan_from_json(nlohmann::json::parse(j.dump()), error);
  INFO(error);
  REQUIRE(old);
  CHECK(old->env.empty());
  p.env = "dev";
  CHECK(plan::to_json(p)["env"] == "dev");
}

TEST_CASE("a plan stored before parity metric origins reads without them") {
  nlohmann::json j = plan::to_json(full_plan());
  j["tasks"][0]["parity"].erase("metric_origins");
  std::string error;
  std::optional<plan::Plan> old = plan::plan_from_json(nlohmann::json::parse(j.dump()), error);
  INFO(error);
  REQUIRE(old);
  plan::Plan expected = full_plan();
  expected.tasks[0].parity->metric_origins.clear();
  CHECK(*old == expected);
}

TEST_CASE("a plan stored before metrics had statements of their own reads without them") {
  nlohmann::json j = plan::to_json(full_plan());
  REQUIRE(j["tasks"][0]["metrics"]["metrics"][0].contains("alone"));
  for (nlohmann::json& metric : j["tasks"][0]["metrics"]["metrics"]) metric.erase("alone");
  std::string error;
  std::optional<plan::Plan> old = plan::plan_from_json(nlohmann::json::parse(j.dump()), error);
  INFO(error);
  REQUIRE(old);
  plan::Plan expected = full_plan();
  for (plan::Metric& metric : expected.tasks[0].metrics->metrics) metric.alone = {};
  CHECK(*old == expected);
}

TEST_CASE("the JSON form names enums and keeps secrets as names") {
  nlohmann::ordered_json j = plan::to_json(full_plan());
  CHECK(j["stage"] == "production");
  CHECK(j["tasks"][0]["kind"] == "command");
  CHECK(j["tasks"][0]["mode"] == "merge");
  CHECK(j["tasks"][0]["conditions"][0]["op"] == ">=");
  CHECK(j["tasks"][0]["conditions"][2]["kind"] == "in_range");
  CHECK(j["routes"][0]["channels"][0]["secret_env"] == "HOOK");
  CHECK(j["on_late"].is_null());
  CHECK(j.back() == j["hash"]);  // the hash comes last
  CHECK(j["impact"]["nodes"][2] ==
        nlohmann::ordered_json::parse(R"({"name": "other.task", "table": "s__mirror.m", "published": false,)"
                                      R"( "legacy": [], "dependents": []})"));
  CHECK(j["impact"]["legacy_job_consumers"] == nlohmann::ordered_json::parse(R"([["Dashboard", "Sheet"]])"));
}

TEST_CASE("plan_from_json says what is wrong") {
  std::string error;
  nlohmann::json j = plan::to_json(full_plan());
  j["tasks"][0]["mode"] = "upsert";
  CHECK_FALSE(plan::plan_from_json(j, error));
  CHECK(error == "unknown mode `upsert`");

  j = plan::to_json(full_plan());
  j.erase("workflow");
  CHECK_FALSE(plan::plan_from_json(j, error));
  CHECK(error.find("workflow") != std::string::npos);

  j = plan::to_json(full_plan());
  j["concurrency"] = "four";
  CHECK_FALSE(plan::plan_from_json(j, error));
  CHECK(error.find("not a flowc plan") == 0);

  CHECK_FALSE(plan::plan_from_json(nlohmann::json::array(), error));
}

TEST_CASE("the hash covers every field but itself") {
  plan::Plan p = full_plan();
  std::string hash = plan::plan_hash(p);
  CHECK(hash.size() == 16);
  CHECK(hash.find_first_not_of("0123456789abcdef") == std::string::npos);
  plan::Plan other = p;
  other.hash = "something else";
  CHECK(plan::plan_hash(other) == hash);
  other.tasks[0].select.params[0].value = "2026-11-25";
  CHECK(plan::plan_hash(other) != hash);
  other = p;
  other.tasks[0].conditions[0].literals[0].number = 0.2;
  CHECK(plan::plan_hash(other) != hash);
  other = p;
  other.impact_graph.nodes[0].dependents.pop_back();
  CHECK(plan::plan_hash(other) != hash);
}

TEST_CASE("direct dependents and the whole downstream of a task, by index") {
  // 0 -> 1 -> 3, 0 -> 2 -> 3, 4 alone
  flowc::plan::Plan p;
  for (std::vector<uint32_t> deps : {std::vector<uint32_t>{}, {0}, {0}, {1, 2}, {}}) {
    flowc::plan::Task t;
    t.deps = deps;
    p.tasks.push_back(t);
  }
  CHECK(flowc::plan::direct_dependents(p) ==
        std::vector<std::vector<uint32_t>>{{1, 2}, {3}, {3}, {}, {}});
  CHECK(flowc::plan::downstream_of(p, 0) == std::vector<uint32_t>{1, 2, 3});
  CHECK(flowc::plan::downstream_of(p, 2) == std::vector<uint32_t>{3});
  CHECK(flowc::plan::downstream_of(p, 4).empty());
}

TEST_CASE(
    "a table in a command's argument is quoted only where PostgreSQL needs it, reserved words included") {
  CHECK(plan::TableName{"analytics", "revenue_daily"}.argument() == "analytics.revenue_daily");
  CHECK(plan::TableName{"select", "from"}.argument() == "\"select\".\"from\"");
  CHECK(plan::TableName{"public", "user"}.argument() == "public.\"user\"");
  CHECK(plan::TableName{"raw", "Orders"}.argument() == "raw.\"Orders\"");
  CHECK(plan::TableName{"raw", "a-b"}.argument() == "raw.\"a-b\"");
  // Keywords PostgreSQL does not reserve stay bare.
  CHECK(plan::TableName{"events", "raw"}.argument() == "events.raw");
  CHECK(plan::TableName{"public", "name"}.argument() == "public.name");
  // For people, as PostgreSQL's own messages name it (`relation "raw.order"`).
  CHECK(plan::TableName{"raw", "order"}.dotted() == "raw.order");
}
