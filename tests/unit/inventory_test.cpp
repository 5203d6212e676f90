// `flowc inventory` (cli.md): what it lists as missing and the next step it
// gives, agreeing with `flowc cutover`; its human, markdown and JSON forms
// on values that could break them (line breaks, backticks, `|`).
#include "compiler/inventory/inventory.h"

#include <doctest/doctest.h>

#include <memory>
#include <sstream>
#include <string>

#include "cli/cutover_checklist.h"
#include "compiler/project/project.h"

using namespace flowc;

namespace {

/// A legacy job with every inventory field but `enabled`, replaced by a
/// workflow at `stage`; `extra` is added to the legacy block.
std::string project_text(const std::string& stage, const std::string& extra) {
  return R"(legacy old {
  schedule  = cron("0 7 * * *")
  command   = "psql -f old.sql"
  owner     = "team"
  reads     = ["raw.orders"]
  writes    = ["dash.kpi"]
  runtime   = 5m
  consumers = ["dashboard"]
  symptoms  = "stale numbers"
  rollback  = "re-enable the crontab line"
)" + extra + R"(}

route r {
  owner  = "team"
  notify = [stderr()]
}

workflow w {
  owner      = "team"
  replaces   = old
  stage      = )" + stage + R"(
  on_failure = alert(r)

  task t {
    writes  = "dash.kpi"
    sql     = "select 1 as x"
    publish = true
    expect row_count() > 0
  }
}
)";
}

std::unique_ptr<project::Compilation> compile(const std::string& text) {
  return project::compile_sources({{"p.flow", text}}, std::string(FLOWC_SOURCE_DIR) + "/stdlib/std");
}

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("inventory and cutover apply one rule: a job without `enabled` is not ready for either") {
  auto c = compile(project_text("mirror", ""));
  std::vector<inventory::Entry> entries = inventory::build(c->model);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].missing == std::vector<std::string>{"enabled"});
  CHECK(entries[0].next_step == "fill in enabled in the inventory");
  auto items = cli::static_items(c->model, model::WorkflowId{0}, plan::Plan{});
  CHECK_FALSE(items[0].ok);
  CHECK(items[0].reason ==
        "legacy job `old` lacks `enabled` (write `enabled = true`, so that the cutover sets it to false)");

  auto with_enabled = compile(project_text("mirror", "  enabled   = true\n"));
  entries = inventory::build(with_enabled->model);
  CHECK(entries[0].missing.empty());
  CHECK(entries[0].next_step == "run `flowc cutover w` until every item holds");
  CHECK(cli::static_items(with_enabled->model, model::WorkflowId{0}, plan::Plan{})[0].ok);
}

TEST_CASE("inventory and cutover: a job that writes no table says `writes = []`, and is complete") {
  // A mail job: it reads the warehouse and sends a report.
  std::string text = project_text("mirror", "  enabled   = true\n");
  const std::string listed = "  writes    = [\"dash.kpi\"]\n";
  text.replace(text.find(listed), listed.size(), "  writes    = []\n");
  auto c = compile(text);
  REQUIRE(c->diagnostics.diagnostics().empty());  // no W0405: `writes = []` says it
  std::vector<inventory::Entry> entries = inventory::build(c->model);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].missing.empty());
  std::ostringstream human;
  inventory::render_human(entries, human);
  CHECK(contains(human.str(), "  writes       none\n"));
  std::ostringstream json, markdown;
  inventory::render_json(entries, json);
  inventory::render_markdown(entries, markdown);
  CHECK(contains(json.str(), "\"writes\": [],\n"));
  CHECK(contains(markdown.str(), " | none | 5m | "));
  auto items = cli::static_items(c->model, model::WorkflowId{0}, plan::Plan{});
  CHECK(items[1].ok);
  CHECK(items[1].reason == "legacy job `old` writes no table (`writes = []`)");

  // Nothing to compare: its mirror runs are clean when they succeeded.
  runtime::report::MirrorRun succeeded;
  succeeded.id = 2;
  succeeded.ds = "2026-11-24";
  succeeded.status = "succeeded";
  succeeded.parity = runtime::parity::ParityReport{"old", true, {}};
  runtime::report::MirrorRun failed = succeeded;
  failed.id = 1;
  failed.ds = "2026-11-23";
  failed.status = "failed";
  CHECK(cli::runs_item({succeeded}, 1, true).ok);
  CHECK_FALSE(cli::runs_item({succeeded}, 1, false).ok);
  CHECK(cli::runs_item({succeeded, failed}, 2, true).reason ==
        "the mirror run for 2026-11-23 (run 1) is not clean: failed; 1 clean run since, 2 needed");
  // The newest run, of an older day, failing too is named beside the first problem by ds.
  runtime::report::MirrorRun rerun = failed;
  rerun.id = 3;
  rerun.ds = "2026-11-20";
  CHECK(cli::runs_item({succeeded, failed, rerun}, 3, true).reason ==
        "the mirror run for 2026-11-23 (run 1) is not clean: failed; 1 clean run since, 3 needed; the newest "
        "mirror "
        "run, run 3 for 2026-11-20, is not clean: failed");
}

TEST_CASE("inventory: `consumers = []` is written (nobody uses the output), not missing") {
  std::string text = project_text("mirror", "  enabled   = true\n");
  const std::string listed = "  consumers = [\"dashboard\"]\n";
  text.replace(text.find(listed), listed.size(), "  consumers = []\n");
  auto c = compile(text);
  CHECK(c->diagnostics.diagnostics().empty());  // no W0405
  std::vector<inventory::Entry> entries = inventory::build(c->model);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].missing.empty());
  std::ostringstream human, json, markdown;
  inventory::render_human(entries, human);
  inventory::render_json(entries, json);
  inventory::render_markdown(entries, markdown);
  CHECK(contains(human.str(), "  consumers    none\n"));
  CHECK(contains(json.str(), "\"consumers\": [],\n"));
  CHECK(contains(markdown.str(), " | 5m | none | "));
}

TEST_CASE("inventory: an enabled job another production workflow writes a table of is to be disabled first") {
  // `other` is replaced by nothing, but `w` (production, replacing `old`)
  // writes dash.kpi, which `other` writes too: E0303, and the next step.
  std::string text = project_text("production", "  enabled   = false\n") + R"(
legacy other {
  schedule  = cron("0 8 * * *")
  command   = "psql -f other.sql"
  owner     = "team"
  reads     = []
  writes    = ["dash.kpi"]
  runtime   = 5m
  consumers = ["dashboard"]
  symptoms  = "stale numbers"
  rollback  = "re-enable it"
  enabled   = true
}
)";
  auto c = compile(text);
  std::vector<inventory::Entry> entries = inventory::build(c->model);
  REQUIRE(entries.size() == 2);
  CHECK(entries[1].next_step ==
        "disable `other` (`enabled = false`): `w` already writes a table of it in production");
}

TEST_CASE("inventory: a production workflow beside an enabled legacy job says to disable it first") {
  // E0303: both write dash.kpi. Fields still missing come after that.
  std::string text = project_text("production", "  enabled   = true\n");
  text.replace(text.find("  runtime   = 5m\n"), 16, "");
  auto c = compile(text);
  std::vector<inventory::Entry> entries = inventory::build(c->model);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].missing == std::vector<std::string>{"runtime"});
  CHECK(entries[0].next_step ==
        "disable `old` (`enabled = false`): `w` already writes its tables in production");
}

TEST_CASE(
    "inventory --format json: no replacing workflow and fields not written are null, not strings or lists") {
  auto c = compile(R"(legacy old {
  schedule = cron("0 7 * * *")
}
)");
  std::ostringstream out;
  inventory::render_json(inventory::build(c->model), out);
  CHECK(contains(out.str(), "\"replaced_by\": null,\n    \"stage\": null,\n"));
  CHECK(contains(out.str(), "\"runtime_seconds\": null,\n"));
  // A field not written is null, never "" or [] (which say "known to be empty").
  CHECK(contains(out.str(),
                 "\"command\": null,\n    \"owner\": null,\n    \"reads\": null,\n    \"writes\": null,\n"));
  CHECK(contains(out.str(), "\"consumers\": null,\n    \"symptoms\": null,\n    \"rollback\": null,\n"));
}

TEST_CASE("inventory: a schedule's time zone is shown with it in every form, UTC's is not") {
  auto c = compile(R"(legacy paris {
  schedule = cron("0 6 * * *", tz = "Europe/Paris")
}

legacy utc {
  schedule = cron("0 7 * * *")
}
)");
  std::vector<inventory::Entry> entries = inventory::build(c->model);
  std::ostringstream human, json, markdown;
  inventory::render_human(entries, human);
  inventory::render_json(entries, json);
  inventory::render_markdown(entries, markdown);
  CHECK(contains(human.str(), "  schedule     0 6 * * * (Europe/Paris)\n"));
  CHECK(contains(human.str(), "  schedule     0 7 * * *\n"));
  CHECK(contains(json.str(), "\"schedule\": \"0 6 * * *\",\n    \"time_zone\": \"Europe/Paris\",\n"));
  CHECK(contains(json.str(), "\"schedule\": \"0 7 * * *\",\n    \"time_zone\": \"UTC\",\n"));
  CHECK(contains(markdown.str(), "| paris | `0 6 * * *` (Europe/Paris) | "));
  CHECK(contains(markdown.str(), "| utc | `0 7 * * *` | "));
}

TEST_CASE("inventory --format markdown: a command with backticks and pipes stays one code span") {
  auto c = compile(R"(legacy old {
  schedule = cron("0 7 * * *")
  command  = "echo `date` | tee a|b"
}

legacy ticks {
  command = "`whoami`"
}
)");
  std::ostringstream out;
  inventory::render_markdown(inventory::build(c->model), out);
  CHECK(contains(out.str(), "| old | `0 7 * * *` | ``echo `date` \\| tee a\\|b`` | — |"));
  CHECK(contains(out.str(), "| ticks | — | `` `whoami` `` | — |"));
}

TEST_CASE("inventory: a line break in a value continues in the value column") {
  auto c = compile(R"(legacy old {
  schedule = cron("0 7 * * *")
  symptoms = "the dashboard is stale\nthe deck is empty"
}
)");
  std::ostringstream out;
  inventory::render_human(inventory::build(c->model), out);
  CHECK(contains(out.str(),
                 "  symptoms     the dashboard is stale\n"
                 "               the deck is empty\n"
                 "  rollback     -\n"));
  std::ostringstream markdown;
  inventory::render_markdown(inventory::build(c->model), markdown);
  CHECK(contains(markdown.str(), "| the dashboard is stale the deck is empty |"));
}

TEST_CASE("inventory: a secret written in a legacy job's command is withheld in every form") {
  std::string text = project_text("mirror", "  enabled   = true\n");
  text.replace(
      text.find("psql -f old.sql"), 15,
      "PGPASSWORD=hunter2 psql postgresql://etl:s3cretpw@db/wh -f old.sql; sh -c 'PGPASSWORD=nested9 x'");
  auto c = compile(text);
  std::vector<inventory::Entry> entries = inventory::build(c->model);
  std::ostringstream human, json, markdown;
  inventory::render_human(entries, human);
  inventory::render_json(entries, json);
  inventory::render_markdown(entries, markdown);
  for (const std::string& out : {human.str(), json.str(), markdown.str()}) {
    INFO(out);
    CHECK_FALSE(contains(out, "hunter2"));
    CHECK_FALSE(contains(out, "s3cretpw"));
    CHECK_FALSE(contains(out, "nested9"));
    CHECK(contains(out, "psql postgresql://etl:***@db/wh -f old.sql"));
  }
}

TEST_CASE("inventory: the import's suggested values, uncommented unchanged, are still missing") {
  std::string text = project_text("mirror", "  enabled   = true\n");
  text.replace(text.find("writes    = [\"dash.kpi\"]"), 22, "writes    = [\"schema.table\"]");
  text.replace(text.find("consumers = [\"dashboard\"]"), 25, "consumers = [\"dashboard or team\"]");
  text.replace(text.find("symptoms  = \"stale numbers\""), 27, "symptoms  = \"...\"");
  auto c = compile(text);
  REQUIRE(!c->model.legacies.empty());
  CHECK(inventory::missing_fields(c->model.legacies[0]) ==
        std::vector<std::string>{"writes", "consumers", "symptoms"});
}
