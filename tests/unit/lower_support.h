// The projects and helpers of the lowering tests (lower_test.cpp,
// lower_plan_test.cpp): two workflows sharing a warehouse, compiled in
// memory with the standard library, and lookups into the plans they lower to.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <utility>
#include <vector>
#include "compiler/diagnostics/render.h"
#include "compiler/lower/lower.h"
#include "compiler/plan/json.h"
#include "compiler/plan/render.h"
#include "compiler/project/project.h"

namespace flowc::testing::lower_support {

using Files = std::vector<std::pair<std::string, std::string>>;

/// The start of a project of one workflow `w` (owner `o`, target `t` with
/// schema `s`, `on_failure` to route `r`, `param ds`): a test appends the
/// workflow's other members and its closing brace.
inline const std::string kOneWorkflow = R"(
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
)";

// Two workflows sharing a warehouse: `shop` (mirror stage, replacing a legacy
// job) and `ingest`, which `shop` waits on.
inline const char* kTargets = R"(
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

inline const char* kIngest = R"(
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

inline const char* kShop = R"(
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

inline std::unique_ptr<project::Compilation> compile(Files files) {
  auto c = project::compile_sources(std::move(files), project::default_stdlib_dir());
  std::ostringstream rendered;
  render_human(c->diagnostics.diagnostics(), c->sources, rendered);
  INFO(rendered.str());
  REQUIRE(c->diagnostics.error_count() == 0);
  return c;
}

inline model::WorkflowId workflow_named(const model::Model& model, const std::string& name) {
  for (uint32_t i = 0; i < model.workflows.size(); ++i) {
    if (model.workflows[i].name == name) return model::WorkflowId{i};
  }
  FAIL("no workflow " << name);
  return {};
}

inline Lowered lower_shop(const std::string& workflow = "shop", const std::string& env = "") {
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

inline const plan::Task& task(const plan::Plan& p, const std::string& name) {
  for (const plan::Task& t : p.tasks) {
    if (t.name == name) return t;
  }
  FAIL("no task " << name);
  return p.tasks.front();
}

inline size_t index_of(const plan::Plan& p, const std::string& name) {
  for (size_t i = 0; i < p.tasks.size(); ++i) {
    if (p.tasks[i].name == name) return i;
  }
  FAIL("no task " << name);
  return 0;
}

const plan::BoundParam ds_param{"ds", "date", "2026-11-24"};

}  // namespace flowc::testing::lower_support
