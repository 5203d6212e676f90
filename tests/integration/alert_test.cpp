// runtime/alert's routing and payloads: which route an incident takes, the
// dedupe key, every field of the payload and its renderings (Slack text,
// the stderr block), checked without I/O where they can be. Delivery over
// real channels is in alert_channels_test.cpp.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/alert_support.h"

using namespace flowc;
using namespace flowc::runtime;
using namespace flowc::testing;
using namespace std::chrono_literals;
using nlohmann::json;

// ---- pure: route, key, payload ---------------------------------------------------

TEST_CASE("an incident's route follows its kind and severity below the route's minimum is dropped") {
  plan::Plan p = make_plan({channel(plan::Channel::Kind::Stderr, {})});
  Incident i = failure(12);
  REQUIRE(alert::spec_for(p, i));
  CHECK(alert::spec_for(p, i)->severity == plan::Severity::High);
  CHECK_FALSE(alert::below_min_severity(p, *alert::spec_for(p, i)));
  i.kind = Incident::Kind::Parity;
  CHECK(alert::spec_for(p, i));  // parity goes to on_failure
  i.kind = Incident::Kind::Warning;
  REQUIRE(alert::spec_for(p, i));
  CHECK(alert::below_min_severity(p, *alert::spec_for(p, i)));  // low < medium
  i.kind = Incident::Kind::Late;
  CHECK_FALSE(alert::spec_for(p, i));  // no on_late
  p.on_late = plan::AlertSpec{7, plan::Severity::Critical};
  CHECK_FALSE(alert::spec_for(p, i));  // a route that does not exist
}

TEST_CASE("the dedupe key is route/workflow/task/error class, the workflow with its environment") {
  plan::Plan p = make_plan({});
  CHECK(alert::dedup_key(p, *p.on_failure, failure(1)) == "oncall/daily_kpi/stage_orders/permanent");
  CHECK(alert::dedup_key(p, *p.on_failure, failure(1, 1, ErrorClass::Timeout)) ==
        "oncall/daily_kpi/stage_orders/timeout");
  Incident late;
  late.kind = Incident::Kind::Late;
  CHECK(alert::dedup_key(p, *p.on_failure, late) == "oncall/daily_kpi//late");
  // A named environment's run is another instance: it cannot hide production's page.
  p.env = "dev";
  CHECK(alert::dedup_key(p, *p.on_failure, failure(1)) == "oncall/daily_kpi@dev/stage_orders/permanent");
}

TEST_CASE("the payload carries every field of runtime.md and a Slack text") {
  plan::Plan p = make_plan({});
  json payload = alert::build_payload(p, *p.on_failure, failure(12), {12, "", ""});
  CHECK(payload["kind"] == "failure");
  CHECK(payload["workflow"] == "daily_kpi");
  CHECK(payload["run_id"] == 12);
  CHECK(payload["task"] == "stage_orders");
  CHECK(payload["severity"] == "high");
  CHECK(payload["route"] == "oncall");
  CHECK(payload["owner"] == "alice");
  CHECK(payload["workflow_owner"] == "data-eng");
  CHECK(payload["message"] == "relation \"raw.orders\" does not exist");
  CHECK(payload["error_class"] == "permanent");
  CHECK(payload["sqlstate"] == "42P01");
  CHECK(payload["exit_code"].is_null());
  CHECK(payload["attempt"] == 3);
  CHECK(payload["ds"] == "2026-11-24");
  CHECK(payload["env"] == "production");
  CHECK(payload["stage"] == "production");
  CHECK(payload["started_at"] == "2026-11-24T07:00:03Z");
  CHECK(payload["duration_seconds"] == 12.5);
  CHECK(payload["log_path"] == ".flow/logs/12/stage_orders.3.log");
  CHECK(payload["impact"]["tasks"] == json{"revenue_daily"});
  CHECK(payload["impact"]["tables"] == json{"analytics.revenue_daily"});
  CHECK(payload["impact"]["published"] == json{"analytics.revenue_daily"});
  CHECK(payload["impact"]["legacy_consumers"] == json{"finance_dashboard"});
  CHECK(payload["dedup_key"] == "oncall/daily_kpi/stage_orders/permanent");
  CHECK(payload["text"] ==
        "[high] daily_kpi/stage_orders failed (ds 2026-11-24, run 12, attempt 3): relation \"raw.orders\" does "
        "not exist [permanent, SQLSTATE 42P01]\n"
        "owner alice | impact: published analytics.revenue_daily; legacy consumers finance_dashboard; tables "
        "analytics.revenue_daily; tasks revenue_daily | log .flow/logs/12/stage_orders.3.log");
}

TEST_CASE("a command failure carries its exit code and the workflow owner stands in for the route's") {
  plan::Plan p = make_plan({});
  p.routes[0].owner = "";
  Incident i = failure(12);
  i.sqlstate = "";
  i.exit_code = 3;
  i.message = "export failed\nsecond line";
  json payload = alert::build_payload(p, *p.on_failure, i);
  CHECK(payload["owner"] == "data-eng");
  CHECK(payload["exit_code"] == 3);
  CHECK(payload["sqlstate"].is_null());
  CHECK(payload["text"].get<std::string>().starts_with(
      "[high] daily_kpi/stage_orders failed (ds 2026-11-24, run 12, attempt 3): export failed [permanent, exit 3]\n"));
}

TEST_CASE("a late run lists the workflow's published outputs as its impact") {
  plan::Plan p = make_plan({});
  Incident late;
  late.kind = Incident::Kind::Late;
  late.run_id = 12;
  late.message = "not finished by 08:00 UTC";
  json payload = alert::build_payload(p, *p.on_failure, late);
  CHECK(payload["task"].is_null());
  CHECK(payload["impact"]["published"] == json{"analytics.revenue_daily"});
  CHECK(payload["text"].get<std::string>().starts_with(
      "[high] daily_kpi is late (ds 2026-11-24, run 12): not finished by 08:00 UTC\n"));
}

TEST_CASE("the stderr block is readable") {
  plan::Plan p = make_plan({});
  json payload = alert::build_payload(p, *p.on_failure, failure(12));
  CHECK(alert::render_block(payload) ==
        "flowc alert [high] daily_kpi/stage_orders failed (ds 2026-11-24, run 12, attempt 3)\n"
        "  error:   relation \"raw.orders\" does not exist (permanent, SQLSTATE 42P01)\n"
        "  started: 2026-11-24T07:00:03Z, 12.5s\n"
        "  log:     .flow/logs/12/stage_orders.3.log\n"
        "  owner:   alice\n"
        "  impact:  published analytics.revenue_daily; legacy consumers finance_dashboard; tables "
        "analytics.revenue_daily; tasks revenue_daily\n");
}

TEST_CASE("an alert from a dev environment or a mirror run says so in its text and block") {
  plan::Plan p = make_plan({});
  p.env = "dev";
  p.stage = plan::Stage::Mirror;
  json payload = alert::build_payload(p, *p.on_failure, failure(12));
  CHECK(payload["text"].get<std::string>().starts_with(
      "[high] daily_kpi/stage_orders failed (ds 2026-11-24, env dev, stage mirror, run 12, attempt 3)"));
  CHECK(
      alert::render_block(payload).starts_with("flowc alert [high] daily_kpi/stage_orders failed (ds "
                                               "2026-11-24, env dev, stage mirror, run 12, attempt 3)\n"));
}

TEST_CASE("the Slack text escapes what Slack would read as markup") {
  plan::Plan p = make_plan({});
  Incident i = failure(12);
  i.message = "operator does not exist: integer < text & more";
  std::string text = alert::build_payload(p, *p.on_failure, i)["text"];
  CHECK(text.find("operator does not exist: integer &lt; text &amp; more") != std::string::npos);
}

TEST_CASE("the renderings accept a payload with fields missing or of the wrong type") {
  CHECK(alert::slack_text(json::object()) == "[]  failed (ds )");
  CHECK(alert::render_block(json{{"impact", 3}, {"attempt", "x"}, {"severity", "high"}}) ==
        "flowc alert [high]  failed (ds )\n");
}

TEST_CASE("invalid UTF-8 in a message does not stop the alert") {
  plan::Plan p = make_plan({});
  Incident i = failure(12);
  i.message = "bad byte \xff here";
  json payload = alert::build_payload(p, *p.on_failure, i);
  std::string text = payload.dump(-1, ' ', false, json::error_handler_t::replace);
  CHECK(text.find("bad byte") != std::string::npos);
}

// ---- real channels ------------------------------------------------------------------
