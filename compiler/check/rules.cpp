// Project rules of language.md §5 that read the finished model: duplicate
// schedules with legacy jobs (E0303), retries without idempotence (E0304),
// ownership (E0305), the production cutover checklist (E0307), sources
// without readiness (W0401), incomplete legacy inventory (W0405), legacy
// jobs that write the same table (W0408) and a legacy job switched off
// before its replacement is in production (W0410).
#include <algorithm>

#include <fmt/format.h>

#include "compiler/check/checker.h"
#include "compiler/check/literals.h"
#include "compiler/inventory/placeholders.h"

namespace flowc::check {

namespace {

/// "`a`, `b` and `c`".
template <typename Names>
std::string quoted_list(const Names& names) {
  std::string out;
  for (size_t k = 0; k < names.size(); ++k)
    out += (k == 0 ? "" : k + 1 == names.size() ? " and " : ", ") + ("`" + std::string(names[k]) + "`");
  return out;
}

/// W0401's help, for a source of the workflow and one of another workflow.
constexpr const char* kReadinessHelp =
    "add `ready = ...` (for example `partition_exists(ds)` or `row_count() > 0`) instead of "
    "assuming the data has arrived by the scheduled time";

}  // namespace

void Checker::check_rules() {
  std::vector<bool> legacy_reported(model.legacies.size(), false);
  std::vector<bool> cross_reported(model.nodes.size(), false);  // W0401 for another workflow's source: once
  for (uint32_t w = 0; w < model.workflows.size(); ++w) {
    const bool reported_no_failure_route = check_ownership(w);
    check_replacement(w, legacy_reported);
    check_cutover(w, reported_no_failure_route);
    check_readiness(w, cross_reported);
  }
  check_retry_idempotence();
  check_legacy_inventory();
  check_legacy_overlap();
}

bool Checker::check_ownership(uint32_t w) {
  const model::Workflow& wf = model.workflows[w];
  const WorkflowSite& site = workflow_sites[w];
  const SourceRange name = model.symbol(wf.symbol).name_range;
  const bool wf_broken = broken(wf.range);
  // E0305: someone answers for every workflow, and a scheduled one tells them when it fails.
  if (!site.has_owner && !wf_broken) {
    Diagnostic& d =
        diags.report(DiagKind::MissingOwnership, name, "workflow `" + wf.name + "` has no `owner`");
    d.helps.push_back("add `owner = \"team-name\"`: the team that answers when it fails");
  } else if (site.blank_owner.valid() && !wf_broken) {
    Diagnostic& d = diags.report(DiagKind::MissingOwnership, site.blank_owner,
                                 "workflow `" + wf.name + "` has an empty `owner`");
    d.helps.push_back("name the team that answers when it fails: `owner = \"team-name\"`");
  }
  bool reported_no_failure_route = false;
  if (!wf.schedule.empty() && !wf.on_failure && !site.on_failure.valid() && !wf_broken) {
    Diagnostic& d =
        diags.report(DiagKind::MissingOwnership, name,
                     "workflow `" + wf.name + "` runs on a schedule but has no `on_failure` route");
    d.helps.push_back("add `on_failure = alert(route_name)`: nobody watches a scheduled run");
    reported_no_failure_route = true;
  } else if (!wf.schedule.empty() && !wf_broken) {
    reported_no_failure_route =
        report_silent_failure_route(w, DiagKind::MissingOwnership, "runs on a schedule but");
  }
  return reported_no_failure_route;
}

bool Checker::report_silent_failure_route(uint32_t w, DiagKind kind, std::string_view why) {
  const model::Workflow& wf = model.workflows[w];
  if (!wf.on_failure || !wf.on_failure->route.valid()) return false;
  // A route that notifies nobody is no route: the failure still tells nobody.
  const SourceRange empty_notify = route_empty_notify[wf.on_failure->route.index];
  if (!empty_notify.valid()) return false;
  const model::Route& route = model.routes[wf.on_failure->route.index];
  Diagnostic& d = diags.report(
      kind, workflow_sites[w].on_failure,
      fmt::format("workflow `{}` {} its `on_failure` route `{}` notifies nobody", wf.name, why, route.name));
  d.notes.push_back({empty_notify, "`" + route.name + "` has no channels"});
  d.helps.push_back(
      "give the route a channel: `notify = [stderr()]`, `webhook(url)`, `command([...])` or `jsonl(path)`");
  return true;
}

void Checker::check_replacement(uint32_t w, std::vector<bool>& legacy_reported) {
  const model::Workflow& wf = model.workflows[w];
  const WorkflowSite& site = workflow_sites[w];
  const bool production = wf.stage == model::Stage::Production;
  // E0303: a legacy job is taken over by one workflow; a second one would
  // schedule the same work again (and compare with it, and retire it).
  if (wf.replaces.valid() && model.legacies[wf.replaces.index].replaced_by != WorkflowId{w}) {
    const model::Legacy& legacy = model.legacies[wf.replaces.index];
    const std::string& first = model.workflow(legacy.replaced_by).name;
    Diagnostic& d = diags.report(DiagKind::DuplicateSchedule, site.replaces,
                                 "the legacy job `" + legacy.name + "` is already replaced by workflow `" +
                                     first + "`: a legacy job is replaced by one workflow");
    d.notes.push_back(
        {workflow_sites[legacy.replaced_by.index].replaces, "`" + first + "` replaces it here"});
    d.helps.push_back("keep `replaces` in one of them; if `" + legacy.name +
                      "` is really several jobs, give each its own `legacy` block");
  }

  // W0410: the opposite order: the job is off and the workflow still
  // writes only its mirror (or nothing in production), so the job's
  // tables, which its consumers read, have no writer until the cutover.
  if (!production && wf.replaces.valid() && model.legacies[wf.replaces.index].replaced_by == WorkflowId{w}) {
    const model::Legacy& legacy = model.legacies[wf.replaces.index];
    const SourceRange enabled = legacy_sites[wf.replaces.index].enabled;
    if (!legacy.enabled && enabled.valid() && !legacy.writes.empty()) {
      Diagnostic& d = diags.report(
          DiagKind::DisabledBeforeCutover, enabled,
          fmt::format("legacy job `{}` is disabled, but workflow `{}`, which replaces it, is in stage {}: "
                      "nothing writes {} for its consumers",
                      legacy.name, wf.name, model::stage_name(wf.stage), quoted_list(legacy.writes)));
      d.notes.push_back({site.replaces, "`" + wf.name + "` replaces it here"});
      d.helps.push_back(
          fmt::format("keep `{}` enabled until `{}` goes to production (`flowc cutover {}`), and "
                      "switch both in one change",
                      legacy.name, wf.name, wf.name));
    }
  }

  // E0303: a production workflow and an enabled legacy job would both run.
  if (production && wf.replaces.valid() && model.legacies[wf.replaces.index].enabled) {
    const model::Legacy& legacy = model.legacies[wf.replaces.index];
    Diagnostic& d = diags.report(DiagKind::DuplicateSchedule, site.replaces,
                                 "workflow `" + wf.name + "` is in `production` but the legacy job `" +
                                     legacy.name + "` it replaces is still enabled");
    SourceRange enabled = legacy_sites[wf.replaces.index].enabled;
    d.notes.push_back({enabled.valid() ? enabled : model.symbol(legacy.symbol).name_range,
                       "`" + legacy.name + "` is enabled here"});
    d.helps.push_back(
        "disable the job (remove its crontab line) and set `enabled = false`, or keep the workflow "
        "in `mirror` until then");
    legacy_reported[wf.replaces.index] = true;
  }
  if (production) {
    for (TaskId id : wf.nodes) {
      const model::Node& node = model.node(id);
      if (node.kind != model::NodeKind::Task || node.table.empty()) continue;
      report_legacy_writers(
          node_table(node), node.table_range,
          [&](const model::Legacy& legacy) {
            return "`" + node.table + "` is also written by the enabled legacy job `" + legacy.name +
                   "`: both would run";
          },
          wf.name, legacy_reported);
    }
    check_none_writes(wf, legacy_reported);
  }
}

void Checker::check_cutover(uint32_t w, bool reported_no_failure_route) {
  const model::Workflow& wf = model.workflows[w];
  const WorkflowSite& site = workflow_sites[w];
  const SourceRange name = model.symbol(wf.symbol).name_range;
  const bool production = wf.stage == model::Stage::Production;
  const bool wf_broken = broken(wf.range);
  // E0307: the cutover checklist.
  if (production && !wf_broken) {
    for (TaskId id : wf.nodes) {
      const model::Node& node = model.node(id);
      if (!node.publish || node.table.empty()) continue;  // publishing nothing is E0103
      bool guarded = std::any_of(node.expectations.begin(), node.expectations.end(),
                                 [](const model::Expectation& e) { return !e.warn; });
      if (guarded) continue;
      Diagnostic& d = diags.report(DiagKind::CutoverChecklist, model.symbol(node.symbol).name_range,
                                   "task `" + node.name + "` publishes `" + node.table +
                                       "` in production without an error-level expectation");
      d.helps.push_back(
          "add an `expect` without `else warn`, such as `expect row_count() > 0`, so a bad result is "
          "never published");
    }
    if (wf.replaces.valid() && is_blank(model.legacies[wf.replaces.index].rollback)) {
      const model::Legacy& legacy = model.legacies[wf.replaces.index];
      Diagnostic& d = diags.report(DiagKind::CutoverChecklist, site.replaces,
                                   "workflow `" + wf.name + "` replaces `" + legacy.name +
                                       "` in production, but `" + legacy.name + "` has no `rollback`");
      d.notes.push_back({model.symbol(legacy.symbol).name_range, "`" + legacy.name + "` is declared here"});
      d.helps.push_back("write in `rollback` how to bring the legacy job back if the cutover fails");
    }
    if (!wf.on_failure && !site.on_failure.valid() && !reported_no_failure_route) {
      Diagnostic& d =
          diags.report(DiagKind::CutoverChecklist, name,
                       "workflow `" + wf.name + "` is in production without an `on_failure` route");
      d.helps.push_back("add `on_failure = alert(route_name)`");
    } else if (!reported_no_failure_route) {
      report_silent_failure_route(w, DiagKind::CutoverChecklist, "is in production, but");
    }
  }
}

void Checker::check_readiness(uint32_t w, std::vector<bool>& cross_reported) {
  const model::Workflow& wf = model.workflows[w];
  // W0401: a scheduled workflow assumes its sources are there on time,
  // also another workflow's that it reads (that one's run checks no more).
  if (!wf.schedule.empty()) {
    for (TaskId id : wf.nodes) {
      for (TaskId dep : model.node(id).deps) {
        const model::Node& source = model.node(dep);
        if (source.workflow.index == w || source.kind != model::NodeKind::Source || source.ready ||
            cross_reported[dep.index] || broken(source.range))
          continue;
        // Its own workflow, scheduled and reading it, reports it below.
        if (!model.workflows[source.workflow.index].schedule.empty() && node_read[dep.index]) continue;
        cross_reported[dep.index] = true;
        const std::string& owner = model.workflows[source.workflow.index].name;
        Diagnostic& d = diags.report(DiagKind::NoReadiness, model.symbol(source.symbol).name_range,
                                     "source `" + source.name + "` of workflow `" + owner +
                                         "` has no `ready` condition, but the scheduled workflow `" +
                                         wf.name + "` reads it");
        d.notes.push_back({model.symbol(model.node(id).symbol).name_range,
                           "`" + wf.name + "." + model.node(id).name + "` reads it"});
        d.helps.push_back(kReadinessHelp);
      }
    }
    for (TaskId id : wf.nodes) {
      const model::Node& node = model.node(id);
      if (node.kind != model::NodeKind::Source || node.ready || !node_read[id.index] || broken(node.range))
        continue;
      Diagnostic& d = diags.report(DiagKind::NoReadiness, model.symbol(node.symbol).name_range,
                                   "source `" + node.name + "` has no `ready` condition, but workflow `" +
                                       wf.name + "` runs on a schedule");
      d.helps.push_back(kReadinessHelp);
    }
  }
}

void Checker::check_retry_idempotence() {
  // E0304: retrying a write that is not idempotent duplicates or corrupts data.
  for (uint32_t i = 0; i < model.nodes.size(); ++i) {
    const model::Node& node = model.nodes[i];
    if (node.kind != model::NodeKind::Task || !node.retry || node.retry->attempts == 0) continue;
    bool append = node.mode.kind == model::WriteModeKind::Append;
    if ((!append && node.idempotent) || broken(node.range)) continue;
    const NodeSite& site = node_sites[i];
    SourceRange at = site.mode.valid()  ? site.mode
                     : site.run.valid() ? site.run
                                        : model.symbol(node.symbol).name_range;
    std::string retries =
        std::to_string(node.retry->attempts) + (node.retry->attempts == 1 ? " retry" : " retries");
    Diagnostic& d = diags.report(DiagKind::RetryNotIdempotent, at,
                                 "task `" + node.name + "` retries (" + retries + ") but its write mode `" +
                                     std::string(model::mode_name(node.mode.kind)) + "` is not idempotent");
    SourceRange retry_at = site.own_retry ? site.retry : workflow_sites[node.workflow.index].retry;
    if (retry_at.valid()) {
      d.notes.push_back({retry_at, site.own_retry ? "the retry policy is set here"
                                                  : "the workflow's retry policy applies to it"});
    }
    if (append) {
      d.helps.push_back(
          "a retried `append` inserts the rows again: use `replace`, `overwrite_partition(col)` or "
          "`merge(key = [...])`, or `retry = retry(0)`");
    } else {
      d.helps.push_back("add `idempotent = true` if running it twice is safe, or set `retry = retry(0)`");
    }
  }
}

void Checker::check_legacy_inventory() {
  // W0405: the inventory needs to know who owns a legacy job, what it writes,
  // who consumes it and how to roll back to it.
  for (uint32_t l = 0; l < model.legacies.size(); ++l) {
    const model::Legacy& legacy = model.legacies[l];
    std::vector<std::string_view> missing;
    const LegacySite& site = legacy_sites[l];
    if (!site.has_owner) missing.push_back("owner");
    if (!site.has_writes) missing.push_back("writes");
    if (!site.has_consumers) missing.push_back("consumers");
    if (!site.has_rollback) missing.push_back("rollback");
    if (missing.empty() || broken(legacy.range)) continue;
    Diagnostic& d = diags.report(
        DiagKind::IncompleteLegacy, model.symbol(legacy.symbol).name_range,
        "legacy job `" + legacy.name + "` lacks " + quoted_list(missing) + ", which the inventory needs");
    d.helps.push_back("`flowc inventory` lists what is missing before the job can be migrated");
  }
}

void Checker::check_legacy_overlap() {
  // W0408: two jobs that run today write one table: whichever runs last
  // wins, and a workflow replacing one of them still races the other.
  llvm::StringMap<std::pair<uint32_t, size_t>> first_writer;  // table -> (legacy job, its `writes` index)
  for (uint32_t l = 0; l < model.legacies.size(); ++l) {
    const model::Legacy& legacy = model.legacies[l];
    if (!legacy.enabled) continue;
    for (size_t k = 0; k < legacy.writes.size(); ++k) {
      // The import's `schema.table`, kept by two jobs, is no table yet.
      if (legacy.writes[k] == inventory::kPlaceholderTable) continue;
      auto [it, inserted] = first_writer.try_emplace(legacy_table(legacy.writes[k]), l, k);
      if (inserted || it->second.first == l) continue;  // one job naming a table twice is one schedule
      const auto [first, first_k] = it->second;
      const std::string& first_name = model.legacies[first].name;
      Diagnostic& d = diags.report(DiagKind::DuplicateLegacyWriter, legacy_sites[l].writes[k],
                                   "`" + legacy.writes[k] + "` is also written by the enabled legacy job `" +
                                       first_name + "`: two schedules write it today");
      d.notes.push_back({legacy_sites[first].writes[first_k], "`" + first_name + "` writes it here"});
      d.helps.push_back("if one of them no longer runs, set its `enabled = false`; if both do, decide which "
                        "one owns the table before either is migrated");
    }
  }
}

}  // namespace flowc::check
