#include "cli/impact_format.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "cli/text_table.h"
#include "compiler/plan/plan.h"

namespace flowc::cli {
namespace {

using json = nlohmann::ordered_json;
using impact::ImpactConsumer;
using impact::ImpactLegacy;
using impact::ImpactOwner;
using impact::ImpactReport;
using impact::ImpactSubject;
using impact::ImpactTable;
using impact::ImpactTask;

std::string kind_name(ImpactSubject::Kind kind) {
  switch (kind) {
    case ImpactSubject::Kind::Task: return "task";
    case ImpactSubject::Kind::Source: return "source";
    case ImpactSubject::Kind::Table: return "table";
    case ImpactSubject::Kind::Run: return "run";
  }
  return "task";
}

std::string joined(const std::vector<std::string>& items) {
  return items.empty() ? "-" : fmt::format("{}", fmt::join(items, ", "));
}

/// A section: `title (n):` and its table, or `title: none`.
std::string section(const std::string& title, size_t count, const std::string& body) {
  if (count == 0) return fmt::format("\n{}: none\n", title);
  return fmt::format("\n{} ({}):\n{}", title, count, body);
}

}  // namespace

std::string impact_human(const ImpactReport& r) {
  const bool with_run = r.run.has_value();
  const std::string stale_head = with_run ? "STALE" : "";
  auto stale = [&](bool s) { return with_run && s ? std::string("stale") : std::string(); };
  auto head = [&](std::vector<std::string> h) {
    if (with_run) h.push_back(stale_head);
    return h;
  };
  auto row = [&](std::vector<std::string> cells, bool s) {
    if (with_run) cells.push_back(stale(s));
    return cells;
  };

  std::string out;
  if (r.subject.kind == ImpactSubject::Kind::Table) {
    std::vector<std::string> by;
    if (!r.subject.written_by.empty()) by.push_back("written by " + joined(r.subject.written_by));
    if (!r.subject.read_by.empty()) by.push_back("read by " + joined(r.subject.read_by));
    out += fmt::format("impact of table {}{}\n", r.subject.name,
                       by.empty() ? std::string() : fmt::format(" ({})", fmt::join(by, "; ")));
  } else if (r.subject.kind == ImpactSubject::Kind::Run) {
    out += fmt::format("impact of the failures of {}\n", r.subject.name);
  } else if (r.subject.table.empty()) {
    out += fmt::format("impact of {} {}\n", kind_name(r.subject.kind), r.subject.name);
  } else {
    out += fmt::format("impact of {} {} ({})\n", kind_name(r.subject.kind), r.subject.name, r.subject.table);
  }
  if (with_run) {
    out += fmt::format(
        "run {}: workflow {}, ds {}{}, {}{}; failed: {}; blocked: {}{}\n", r.run->id, r.run->workflow,
        r.run->ds, r.run->env.empty() ? std::string() : ", environment " + r.run->env, r.run->status,
        r.run->ended && r.run->status == "running" ? " (its process is gone)" : "", joined(r.run_failed),
        joined(r.run_blocked), r.run_not_run.empty() ? "" : "; not run: " + joined(r.run_not_run));
    if (const auto& later = r.run->superseded_by; later && r.run_rebuilt.empty()) {
      out += fmt::format("a later run of the same ds, run {} ({}), rebuilt none of them\n", later->id,
                         later->status);
    } else if (later) {
      out += fmt::format("superseded by run {} ({}) of the same ds: rebuilt since, no longer stale: {}\n",
                         later->id, later->status, joined(r.run_rebuilt));
    }
    if (!r.run_unknown.empty())
      out += fmt::format(
          "not in the project now (renamed, or the workflow removed, since the run): {}: what {} made stale "
          "cannot be followed here; `flowc status {}` has the run's record\n",
          joined(r.run_unknown), r.run_unknown.size() == 1 ? "it" : "they", r.run->id);
    if (!r.run->parity_mismatch.empty())
      out += "parity mismatch: " + r.run->parity_mismatch +
             ": every table the run wrote is in doubt, the mirror tables of all its tasks\n";
    if (r.run->mirror)
      out += "a mirror run: only the mirror tables of those tasks are stale; the production tables and their "
             "consumers are still the legacy job's\n";
    else if (!r.run->env.empty())
      out +=
          "a run in environment " + r.run->env +
          ": only that environment's tables are stale, of those tasks and of the tasks that read them there; "
          "the production tables, their readers and consumers are not affected\n";
  }

  std::vector<std::vector<std::string>> rows;
  for (const ImpactTask& t : r.tasks) rows.push_back(row({t.name, or_dash(t.table)}, t.stale));
  out += section("downstream tasks", r.tasks.size(), text_table(head({"TASK", "WRITES"}), rows));

  rows.clear();
  std::vector<std::vector<std::string>> published;
  for (const ImpactTable& t : r.tables) {
    rows.push_back(row({t.name, t.published ? "published" : ""}, t.stale));
    if (t.published) published.push_back(row({t.name}, t.stale));
  }
  out += section("tables", r.tables.size(), text_table(head({"TABLE", "PUBLISHED"}), rows));
  out += section("published outputs", published.size(), text_table(head({"TABLE"}), published));

  rows.clear();
  for (const ImpactLegacy& l : r.legacies) {
    rows.push_back(row(
        {l.enabled ? l.name : l.name + " (disabled)", or_dash(l.owner), joined(l.reads), joined(l.writes)},
        l.stale));
  }
  out +=
      section("legacy jobs", r.legacies.size(), text_table(head({"JOB", "OWNER", "READS", "WRITES"}), rows));

  rows.clear();
  for (const ImpactConsumer& c : r.consumers) rows.push_back(row({c.name, joined(c.via)}, c.stale));
  out += section("legacy consumers", r.consumers.size(), text_table(head({"CONSUMER", "VIA"}), rows));

  rows.clear();
  for (const ImpactOwner& o : r.owners) rows.push_back(row({o.owner, joined(o.roles)}, o.stale));
  out += section("owners to tell", r.owners.size(), text_table(head({"OWNER", "AS OWNER OF"}), rows));
  return out;
}

std::string impact_json(const ImpactReport& r) {
  const bool with_run = r.run.has_value();
  auto item = [&](json j, bool stale) {
    if (with_run) j["stale"] = stale;
    return j;
  };
  json out;
  out["subject"] = {{"kind", kind_name(r.subject.kind)},
                    {"name", r.subject.name},
                    {"table", r.subject.table.empty() ? json(nullptr) : json(r.subject.table)}};
  if (r.subject.kind == ImpactSubject::Kind::Table) {
    out["subject"]["written_by"] = r.subject.written_by;
    out["subject"]["read_by"] = r.subject.read_by;
  }
  if (with_run) {
    out["run"] = {
        {"id", r.run->id},
        {"workflow", r.run->workflow},
        {"ds", r.run->ds},
        {"status", r.run->status},
        {"env", plan::env_name(r.run->env)},
        {"mirror", r.run->mirror},
        {"parity_mismatch", r.run->parity_mismatch.empty() ? json(nullptr) : json(r.run->parity_mismatch)},
        {"failed_tasks", r.run_failed},
        {"blocked_tasks", r.run_blocked},
        {"not_run_tasks", r.run_not_run},
        {"superseded_by", r.run->superseded_by ? json(r.run->superseded_by->id) : json(nullptr)},
        {"rebuilt_tasks", r.run_rebuilt},
        {"unknown_tasks", r.run_unknown}};
  } else {
    out["run"] = nullptr;
  }
  out["tasks"] = json::array();
  for (const ImpactTask& t : r.tasks) {
    out["tasks"].push_back(item({{"name", t.name},
                                 {"writes", t.table.empty() ? json(nullptr) : json(t.table)},
                                 {"published", t.published}},
                                t.stale));
  }
  out["tables"] = json::array();
  out["published"] = json::array();
  for (const ImpactTable& t : r.tables) {
    out["tables"].push_back(item({{"name", t.name}, {"published", t.published}}, t.stale));
    if (t.published) out["published"].push_back(item({{"name", t.name}}, t.stale));
  }
  out["legacy_jobs"] = json::array();
  for (const ImpactLegacy& l : r.legacies) {
    out["legacy_jobs"].push_back(item({{"name", l.name},
                                       {"owner", l.owner},
                                       {"enabled", l.enabled},
                                       {"reads", l.reads},
                                       {"writes", l.writes},
                                       {"consumers", l.consumers}},
                                      l.stale));
  }
  out["legacy_consumers"] = json::array();
  for (const ImpactConsumer& c : r.consumers) {
    out["legacy_consumers"].push_back(item({{"name", c.name}, {"via", c.via}}, c.stale));
  }
  out["owners"] = json::array();
  for (const ImpactOwner& o : r.owners) {
    out["owners"].push_back(item({{"owner", o.owner}, {"roles", o.roles}}, o.stale));
  }
  return out.dump(2) + "\n";
}

}  // namespace flowc::cli
