#include "cli/cutover_checklist.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "compiler/inventory/inventory.h"
#include "compiler/lower/impact.h"
#include "compiler/plan/compare.h"
#include "compiler/spelling/table_names.h"
#include "runtime/parity/parity.h"

namespace flowc::cli {
namespace {

using runtime::report::MirrorRun;

/// `a`, `a and b`, `a, b and c`.
std::string and_list(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
  return out;
}

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

/// The name a table will have in production: a mirror run's plan names its
/// `<schema>__mirror` copy.
std::string production_name(const plan::Plan& plan, const plan::TableName& table) {
  plan::TableName out = table;
  if (plan.stage == plan::Stage::Mirror && out.schema.ends_with(spelling::kMirrorSuffix))
    out.schema.resize(out.schema.size() - spelling::kMirrorSuffix.size());
  return out.dotted();
}

CutoverItem legacy_item(const model::Model& model, const model::Workflow& wf) {
  CutoverItem item{"legacy job documented and disableable", false, ""};
  if (!wf.replaces.valid()) {
    item.reason = "workflow `" + wf.name + "` replaces no legacy job: add `replaces = <legacy job>`";
    return item;
  }
  const model::Legacy& legacy = model.legacies[wf.replaces.index];
  // What the inventory lists as missing, so the two never disagree; the
  // rollback has an item of its own.
  std::vector<std::string> missing;
  for (const std::string& field : inventory::missing_fields(legacy))
    if (field != "rollback") missing.push_back("`" + field + "`");
  if (!missing.empty()) {
    item.reason = fmt::format("legacy job `{}` lacks {}", legacy.name, and_list(missing));
    if (!legacy.enabled_written) item.reason += " (write `enabled = true`, so that the cutover sets it to false)";
    return item;
  }
  item.ok = true;
  item.reason =
      fmt::format("`{}`: owner {}, schedule `{}`{}, writes {}, {}; `enabled = {}`", legacy.name, legacy.owner,
                  legacy.schedule, inventory::zone_suffix(legacy), fmt::join(legacy.writes, ", "),
                  plural(legacy.consumers.size(), "consumer", "consumers"), legacy.enabled);
  return item;
}

CutoverItem expectations_item(const plan::Plan& plan) {
  CutoverItem item{"error-level expectations on every published output", false, ""};
  std::vector<std::string> guarded, unguarded;
  for (const plan::Task& task : plan.tasks) {
    if (!task.publish) continue;
    std::string name =
        "`" + task.name + "`" + (task.output ? " (" + production_name(plan, *task.output) + ")" : "");
    bool error_level =
        std::any_of(task.checks.begin(), task.checks.end(), [](const plan::Check& c) { return !c.warn; });
    (error_level ? guarded : unguarded).push_back(name);
  }
  if (!unguarded.empty()) {
    item.reason = and_list(unguarded) + (unguarded.size() == 1 ? " publishes" : " publish") +
                  " without an error-level expectation: add an `expect` without `else warn`, such as "
                  "`expect row_count() > 0`";
    return item;
  }
  item.ok = true;
  item.reason = guarded.empty() ? "the workflow publishes no output (`publish = true`)"
                                : and_list(guarded) + " checked before publishing";
  return item;
}

CutoverItem route_item(const plan::Plan& plan) {
  CutoverItem item{"failure route with an owner", false, ""};
  if (!plan.on_failure || plan.on_failure->route >= plan.routes.size()) {
    item.reason = "no `on_failure` route: add `on_failure = alert(<route>)`";
    return item;
  }
  const plan::Route& route = plan.routes[plan.on_failure->route];
  if (route.owner.empty()) {
    item.reason = "route `" + route.name + "` has no `owner`: nobody answers its alerts";
    return item;
  }
  if (route.channels.empty()) {
    item.reason = "route `" + route.name + "` has no channel in `notify`";
    return item;
  }
  item.ok = true;
  item.reason = fmt::format("`on_failure` alerts route `{}`, owned by {}", route.name, route.owner);
  return item;
}

CutoverItem idempotence_item(const plan::Plan& plan) {
  CutoverItem item{"every retrying task idempotent", false, ""};
  std::vector<std::string> retrying, unsafe;
  for (const plan::Task& task : plan.tasks) {
    if (task.kind == plan::TaskKind::Source || task.retry.retries == 0) continue;
    retrying.push_back(task.name);
    // A retried append inserts its rows again, whatever the task declares (E0304).
    if (!task.idempotent || task.mode == plan::WriteMode::Append) unsafe.push_back("`" + task.name + "`");
  }
  if (!unsafe.empty()) {
    item.reason = and_list(unsafe) + (unsafe.size() == 1 ? " retries" : " retry") +
                  " but may not run twice safely: use an idempotent write mode, declare `idempotent = true`, "
                  "or `retry = retry(0)`";
    return item;
  }
  item.ok = true;
  item.reason = retrying.empty()
                    ? "no task retries"
                    : plural(retrying.size(), "retrying task, idempotent", "retrying tasks, all idempotent");
  return item;
}

/// After the cutover the workflow is all that refreshes the legacy job's
/// tables: one it does not write would silently go stale.
CutoverItem writes_item(const model::Model& model, const model::Workflow& wf) {
  CutoverItem item{"every table the legacy job writes is written by the workflow", false, ""};
  if (!wf.replaces.valid()) {
    item.reason = "no legacy job (`replaces`)";
    return item;
  }
  const model::Legacy& legacy = model.legacies[wf.replaces.index];
  if (legacy.writes.empty() && legacy.writes_written) {
    item.ok = true;
    item.reason = "legacy job `" + legacy.name + "` writes no table (`writes = []`)";
    return item;
  }
  if (legacy.writes.empty()) {
    item.reason = "legacy job `" + legacy.name + "` has no `writes`: list the tables it writes";
    return item;
  }
  std::vector<std::string> orphaned, covered;
  for (const std::string& table : legacy.writes) {
    auto writer = std::find_if(wf.nodes.begin(), wf.nodes.end(), [&](model::TaskId id) {
      return model.node(id).kind != model::NodeKind::Source &&
             lower::mentions_any(model, {table}, {lower::node_table_key(model, id)});
    });
    if (writer == wf.nodes.end()) orphaned.push_back(table);
    else covered.push_back(fmt::format("{} by `{}`", table, model.node(*writer).name));
  }
  if (!orphaned.empty()) {
    item.reason = fmt::format("no task of `{}` writes {}: after the cutover nothing would refresh {}",
                              wf.name, and_list(orphaned), orphaned.size() == 1 ? "it" : "them");
    return item;
  }
  item.ok = true;
  item.reason = and_list(covered);
  return item;
}

CutoverItem rollback_item(const model::Model& model, const model::Workflow& wf) {
  CutoverItem item{"rollback written", false, ""};
  if (!wf.replaces.valid()) {
    item.reason = "no legacy job to roll back to (`replaces`)";
    return item;
  }
  const model::Legacy& legacy = model.legacies[wf.replaces.index];
  if (legacy.rollback.empty()) {
    item.reason = "legacy job `" + legacy.name + "` has no `rollback`: write how to bring it back";
    return item;
  }
  item.ok = true;
  item.reason = "\"" + legacy.rollback + "\"";
  return item;
}

}  // namespace

std::vector<CutoverItem> static_items(const model::Model& model, model::WorkflowId workflow,
                                      const plan::Plan& plan) {
  const model::Workflow& wf = model.workflow(workflow);
  return {legacy_item(model, wf), writes_item(model, wf), expectations_item(plan),
          route_item(plan),       idempotence_item(plan),   rollback_item(model, wf)};
}

CutoverItem columns_item(const std::vector<MirrorRun>& runs, const plan::Plan& plan) {
  CutoverItem item{"production tables take the workflow's columns", false, ""};
  if (plan.stage == plan::Stage::Production) {
    item.ok = true;
    item.reason = "the workflow writes the production tables now";
    return item;
  }
  const MirrorRun* newest = nullptr;
  for (const MirrorRun& run : runs)
    if (run.parity && !run.parity->tables.empty() && (!newest || run.id > newest->id)) newest = &run;
  if (!newest) {
    // `cutover_after = 0` asks for no mirror run: nothing compared, nothing held against it.
    item.ok = plan.cutover_after == 0;
    item.reason = item.ok ? "not compared: no mirror run needed (`cutover_after = 0`)"
                          : "not known until a mirror run compares the tables";
    return item;
  }
  std::vector<std::string> lacking, unknown;
  for (const runtime::parity::TableParity& table : newest->parity->tables) {
    // A table the run could not compare says nothing of its columns.
    if (!table.error.empty()) unknown.push_back(table.legacy);
    // The run judged the mode it ran; one changed to `replace` since makes the table again.
    auto task = std::find_if(plan.tasks.begin(), plan.tasks.end(),
                             [&](const plan::Task& t) { return t.name == table.task; });
    const bool replaced_now = task != plan.tasks.end() && task->mode == plan::WriteMode::Replace;
    if (replaced_now || table.not_in_production.empty()) continue;
    lacking.push_back(fmt::format(
        "{} has no {} {}, which task `{}` writes{}", table.legacy,
        table.not_in_production.size() == 1 ? "column" : "columns", and_list(table.not_in_production),
        table.task, task == plan.tasks.end() ? "" : fmt::format(" (`{}`)", plan::to_string(task->mode))));
  }
  if (lacking.empty() && !unknown.empty()) {
    item.reason = fmt::format("not known: run {} could not compare {} (`flowc status {}` says why)",
                              newest->id, and_list(unknown), newest->id);
    return item;
  }
  if (lacking.empty()) {
    item.ok = true;
    item.reason = fmt::format("as run {} compared them", newest->id);
    return item;
  }
  item.reason = fmt::format(
      "{} (run {}): the first production run would fail on it; add the columns to the production tables, "
      "or leave them out of the select, then run a mirror day again",
      and_list(lacking), newest->id);
  return item;
}

std::string changed_since(const plan::Plan& ran, const plan::Plan& now) {
  auto find = [](const plan::Plan& plan, const std::string& name) -> const plan::Task* {
    for (const plan::Task& t : plan.tasks)
      if (t.name == name) return &t;
    return nullptr;
  };
  // A value given with --param (or a default changed since) changes the
  // SQL's values, not the workflow: said as what it is.
  for (const plan::BoundParam& param : now.params)
    for (const plan::BoundParam& before : ran.params)
      if (before.name == param.name && before.value != param.value)
        return fmt::format("it ran with `{}` = {}, where a run of its day now has {}", param.name,
                           before.value, param.value);
  constexpr std::string_view earlier = "it ran an earlier version of the workflow: ";
  for (const plan::Task& task : now.tasks) {
    const plan::Task* before = find(ran, task.name);
    if (!before) return fmt::format("{}task `{}` is new since", earlier, task.name);
    if (std::string what = plan::task_difference(*before, task, plan::TaskParts::Output); !what.empty())
      return fmt::format("{}task `{}` changed since ({})", earlier, task.name, what);
  }
  for (const plan::Task& task : ran.tasks)
    if (!find(now, task.name)) return fmt::format("{}task `{}` was removed since", earlier, task.name);
  return "";
}

namespace {

/// Whether every table of the report was empty on both sides, as far as its
/// `row_count()` says (a table compared without it counts as not empty).
bool compared_only_empty_tables(const runtime::parity::ParityReport& report) {
  for (const runtime::parity::TableParity& table : report.tables) {
    auto count =
        std::find_if(table.metrics.begin(), table.metrics.end(),
                     [](const runtime::parity::MetricComparison& m) { return m.label == "row_count()"; });
    if (count == table.metrics.end() || count->mirror != "0" || count->legacy != "0") return false;
  }
  return true;
}

}  // namespace

CutoverItem runs_item(const std::vector<MirrorRun>& runs, uint32_t needed, bool legacy_writes_nothing) {
  CutoverItem item{plural(needed, "clean mirror run", "clean mirror runs"), false, ""};
  // Clean: succeeded, and a parity report that passed (a run that failed
  // parity is also recorded as failed; the report says why) on at least one
  // table: a run that compared nothing proves nothing about the outputs.
  // A legacy job that writes no table (`writes = []`: a mail job) has
  // nothing to compare: its runs are clean when they succeeded.
  auto problem = [legacy_writes_nothing](const MirrorRun& run) -> std::string {
    const std::optional<runtime::parity::ParityReport>& report = run.parity;
    if (report && !report->ok) return "parity failed: " + report->mismatch_summary();
    if (run.status == "running" || run.status == "pending")
      return fmt::format("it has not finished (`flowc status {}`)", run.id);
    if (run.status != "succeeded") return run.status;
    if (legacy_writes_nothing) return run.changed;
    if (!report) return "no parity report";
    if (report->tables.empty())
      return "nothing compared (no output of the run is a table that `" + report->legacy_job + "` writes)";
    if (compared_only_empty_tables(*report))
      return "it compared only empty tables (0 rows on both sides): run a day that has data";
    if (!run.changed.empty()) return run.changed;
    if (!run.not_compared.empty())
      return "it did not compare " + run.not_compared + ", which `" + report->legacy_job + "` writes";
    return "";
  };
  // The runs are judged by ds, but the newest run is the latest word on the
  // workflow as it is: an older day run again and failing parity is not
  // hidden by three clean newer days, nor by a newer day's other problem.
  auto newest = std::max_element(runs.begin(), runs.end(),
                                 [](const MirrorRun& a, const MirrorRun& b) { return a.id < b.id; });
  auto newest_problem = [&]() -> std::string {
    if (newest == runs.end()) return "";
    std::string why = problem(*newest);
    return why.empty() ? ""
                       : fmt::format("the newest mirror run, run {} for {}, is not clean: {}", newest->id,
                                     newest->ds, why);
  };
  size_t clean = 0;
  for (; clean < runs.size() && clean < needed; ++clean) {
    std::string why = problem(runs[clean]);
    if (why.empty()) continue;
    const MirrorRun& run = runs[clean];
    item.reason = fmt::format("the mirror run for {} (run {}) is not clean: {}; {} since, {} needed", run.ds,
                              run.id, why, plural(clean, "clean run", "clean runs"), needed);
    if (std::string also = newest_problem(); !also.empty() && newest->id != run.id)
      item.reason += "; " + also;
    return item;
  }
  if (clean < needed) {
    item.reason = fmt::format("{} in the state database, {} needed: run {} more (`flowc run --ds ...`)",
                              plural(clean, "clean mirror run", "clean mirror runs"), needed, needed - clean);
    return item;
  }
  if (newest != runs.end() && newest - runs.begin() >= static_cast<std::ptrdiff_t>(needed)) {
    if (std::string why = newest_problem(); !why.empty()) {
      item.reason = why;
      return item;
    }
  }
  item.ok = true;
  item.reason =
      needed == 0 ? "none needed (`cutover_after = 0`)"
                  : fmt::format("the latest {} by ds all succeeded with parity ({} .. {})",
                                plural(needed, "mirror run", "mirror runs"), runs[needed - 1].ds, runs[0].ds);
  return item;
}

}  // namespace flowc::cli
