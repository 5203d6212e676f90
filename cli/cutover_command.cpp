// `flowc cutover W [PATH]` (cli.md): the cutover checklist of one workflow,
// each item ✓ or ✗ with why. The static items come from the checked project
// (cutover_checklist.h), the clean mirror runs from the state database.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/cutover_checklist.h"
#include "cli/load.h"
#include "cli/plan_load.h"
#include "cli/state_database.h"
#include "cli/stored_plan.h"
#include "cli/terminal.h"
#include "compiler/lower/lower.h"
#include "compiler/plan/json.h"
#include "runtime/parity/parity.h"
#include "runtime/report/mirror_runs.h"

namespace flowc::cli {
namespace {

using runtime::report::MirrorRun;
using runtime::report::read_mirror_runs;

std::string human(const plan::Plan& plan, const std::vector<CutoverItem>& items, bool color) {
  auto mark = [&](bool ok) {
    const char* symbol = ok ? "✓" : "✗";
    return color ? fmt::format("\x1b[{}m{}\x1b[0m", ok ? "32" : "31", symbol) : std::string(symbol);
  };
  std::string out =
      fmt::format("cutover checklist for workflow {} (stage {}{}):\n", plan.workflow,
                  plan::to_string(plan.stage), plan.replaces ? ", replaces " + plan.replaces->name : "");
  size_t failing = 0;
  for (const CutoverItem& item : items) {
    out += fmt::format("  {} {}: {}\n", mark(item.ok), item.name, item.reason);
    failing += item.ok ? 0 : 1;
  }
  if (plan.stage == plan::Stage::Production) {
    // The project checked, so a legacy job it replaces is disabled (E0303).
    std::string legacy = plan.replaces ? " and `" + plan.replaces->name + "` is disabled" : "";
    // Done, but items that no longer hold are not called done.
    out += failing == 0
               ? fmt::format("\ncutover done: `{}` runs in production{}\n", plan.workflow, legacy)
               : fmt::format("\n`{}` runs in production{}, but {} of {} items no longer {}\n", plan.workflow,
                             legacy, failing, items.size(), failing == 1 ? "holds" : "hold");
  } else if (failing == 0) {
    // A job already disabled (W0410 while in mirror) is not asked to be disabled again.
    std::string legacy = plan.replaces && plan.replaces->enabled
                             ? "disable `" + plan.replaces->name + "` (`enabled = false`), then "
                             : "";
    out += "\nready for cutover: " + legacy + "set `stage = production`\n";
  } else {
    out += fmt::format("\nnot ready for cutover: {} of {} items {}\n", failing, items.size(),
                       failing == 1 ? "fails" : "fail");
  }
  return out;
}

std::string json_text(const plan::Plan& plan, const std::vector<CutoverItem>& items) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  bool ready = true;
  for (const CutoverItem& item : items) {
    list.push_back({{"item", item.name}, {"ok", item.ok}, {"reason", item.reason}});
    ready = ready && item.ok;
  }
  nlohmann::ordered_json out = {
      {"workflow", plan.workflow},
      {"stage", plan::to_string(plan.stage)},
      {"replaces", plan.replaces ? nlohmann::ordered_json(plan.replaces->name) : nullptr},
      {"cutover_after", plan.cutover_after},
      {"ready", ready},
      {"items", list}};
  return out.dump(2) + "\n";
}

}  // namespace

int run_cutover(const CutoverOptions& options) {
  if (!is_human_or_json(options.format)) return kExitUsage;
  int exit_code = kExitOk;
  std::unique_ptr<project::Compilation> compilation = load_checked_project(options.path, exit_code);
  if (!compilation) return exit_code;
  const project::Compilation& c = *compilation;
  model::WorkflowId workflow = pick_workflow(c.model, options.workflow);
  if (!workflow.valid()) return kExitUsage;

  // The plan of a production run for a typical day: what the runtime would
  // run, so the items judge exactly that.
  lower::LowerOptions lowering;
  lowering.ds = default_ds();
  lowering.params = given_params(options.params);
  // The checklist reads the workflow's recent runs, whatever their day: it
  // has no logical date to be given (lowering would point to a --ds it lacks).
  if (std::any_of(lowering.params.begin(), lowering.params.end(),
                  [](const auto& p) { return p.first == "ds"; })) {
    print_error("--param ds: cutover judges the workflow's recent runs, whatever their day: it takes no ds");
    return kExitUsage;
  }
  lowering.root = c.root;
  if (std::string problem = lower::check_options(c.model, workflow, lowering); !problem.empty()) {
    print_error(problem);
    return kExitUsage;
  }
  plan::Plan plan = lower::lower(c.model, workflow, lowering, c.sources);
  std::vector<CutoverItem> items = static_items(c.model, workflow, plan);

  std::optional<StateDatabase> db = find_state_database({options.path, options.workflow, options.state_dsn, ""});
  if (!db) return kExitUsage;
  std::string error;
  // A workflow without a `ds` param runs unpartitioned: its runs are not
  // of a day (their ds is only the `--ds` they were given), so each counts.
  const model::Workflow& wf = c.model.workflow(workflow);
  const bool by_ds =
      std::any_of(wf.params.begin(), wf.params.end(), [](const model::Param& p) { return p.name == "ds"; });
  std::vector<MirrorRun> runs = read_mirror_runs(*db, plan.workflow, plan.cutover_after, by_ds, error);
  if (!error.empty()) {
    print_error(error);
    return kExitUsage;
  }
  // Each judged run against what the workflow runs now for its ds. After
  // the cutover the plan writes production tables, so nothing is compared.
  if (plan.stage == plan::Stage::Mirror) {
    // What a clean run must have compared: every table of the legacy job
    // the workflow writes now (its `writes` may have grown since).
    std::vector<std::string> compared_now;
    for (const plan::Task& task : plan.tasks)
      if (task.parity) compared_now.push_back(task.parity->legacy.dotted());
    for (MirrorRun& run : runs) {
      if (run.parity) {
        std::vector<std::string> missing;
        for (const std::string& table : compared_now)
          if (std::none_of(run.parity->tables.begin(), run.parity->tables.end(),
                           [&](const runtime::parity::TableParity& t) { return t.legacy == table; }))
            missing.push_back(table);
        run.not_compared = fmt::format("{}", fmt::join(missing, ", "));
      }
    }
    for (MirrorRun& run : runs) {
      if (!run.plan) continue;
      std::string unreadable;
      std::optional<plan::Plan> ran =
          plan::plan_from_json(nlohmann::json::parse(*run.plan, nullptr, false), unreadable);
      // What a production run of that day runs now: a param without a
      // default takes the run's value, the others their defaults.
      std::optional<plan::Plan> now =
          ran ? relowered(c, workflow, *ran, lowering, RunParams::WithoutDefault) : std::nullopt;
      if (!now) continue;
      run.changed = changed_since(*ran, *now);
    }
  }
  const bool writes_nothing = wf.replaces.valid() && c.model.legacies[wf.replaces.index].writes_written &&
                              c.model.legacies[wf.replaces.index].writes.empty();
  items.push_back(runs_item(runs, plan.cutover_after, writes_nothing));
  if (!writes_nothing) items.push_back(columns_item(runs, plan));

  std::cout << (options.format == "json" ? json_text(plan, items) : human(plan, items, use_color(stdout)));
  bool ready = std::all_of(items.begin(), items.end(), [](const CutoverItem& item) { return item.ok; });
  return ready ? kExitOk : kExitFailed;
}

}  // namespace flowc::cli
