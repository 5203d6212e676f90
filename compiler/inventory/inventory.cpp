#include "compiler/inventory/inventory.h"

#include "compiler/dsn/withhold.h"
#include "compiler/inventory/placeholders.h"
#include "compiler/spelling/spelling.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace flowc::inventory {

namespace {

/// A legacy job's command as the inventory shows it: a secret it spells out
/// (a DSN's password, `PGPASSWORD=...`) withheld, as the crontab import
/// withholds it; the inventory is pasted into issues.
std::string shown_command(const model::Legacy& legacy) { return dsn::withhold_secrets(legacy.command); }

std::string duration_text(std::optional<int64_t> seconds) {
  return seconds ? spelling::duration_text(*seconds) : "";
}

std::string next_step(const Entry& e) {
  // Both would write the same tables (E0303): that comes before any paperwork.
  if (e.stage == "production" && e.legacy->enabled)
    return "disable `" + e.legacy->name + "` (`enabled = false`): `" + e.replaced_by +
           "` already writes its tables in production";
  if (e.legacy->enabled && !e.legacy->written_in_production_by.empty())
    return "disable `" + e.legacy->name + "` (`enabled = false`): `" + e.legacy->written_in_production_by +
           "` already writes a table of it in production";
  if (!e.missing.empty()) return fmt::format("fill in {} in the inventory", fmt::join(e.missing, ", "));
  if (e.replaced_by.empty()) return "write a workflow with `replaces = " + e.legacy->name + "` at stage model";
  if (e.stage == "model") return "move `" + e.replaced_by + "` to stage mirror and compare outputs";
  if (e.stage == "mirror") return "run `flowc cutover " + e.replaced_by + "` until every item holds";
  return "done: migrated to production";
}

/// `text` as a CommonMark code span: fenced by one backtick more than its
/// longest run of backticks (a single one would end the span early), with
/// a space inside each fence when a backtick or space would touch it (one
/// such space on each side is stripped when the span is read).
std::string code_span(const std::string& text) {
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(longest + 1, '`');
  bool pad = text.front() == '`' || text.back() == '`' || (text.front() == ' ' && text.back() == ' ');
  std::string space = pad ? " " : "";
  return fence + space + text + space + fence;
}

}  // namespace

std::string zone_suffix(const model::Legacy& legacy) {
  return legacy.time_zone.empty() || legacy.time_zone == "UTC" ? "" : " (" + legacy.time_zone + ")";
}

std::vector<std::string> missing_fields(const model::Legacy& legacy) {
  std::vector<std::string> missing;
  auto need = [&](bool present, const char* field) {
    if (!present) missing.emplace_back(field);
  };
  need(!legacy.schedule.empty(), "schedule");
  need(!legacy.command.empty(), "command");
  need(!legacy.owner.empty(), "owner");
  // The import's suggestions, uncommented unchanged, are not filled in.
  need(legacy.reads_written && !holds_placeholder(legacy.reads, kPlaceholderTable), "reads");
  need(legacy.writes_written && !holds_placeholder(legacy.writes, kPlaceholderTable), "writes");
  need(legacy.runtime_seconds.has_value(), "runtime");
  need(legacy.consumers_written && !holds_placeholder(legacy.consumers, kPlaceholderConsumer), "consumers");
  need(!legacy.symptoms.empty() && legacy.symptoms != kPlaceholderSymptoms, "symptoms");
  need(!legacy.rollback.empty(), "rollback");
  need(legacy.enabled_written, "enabled");
  return missing;
}

std::vector<Entry> build(const model::Model& model) {
  std::vector<Entry> entries;
  for (const model::Legacy& legacy : model.legacies) {
    Entry e;
    e.legacy = &legacy;
    if (legacy.replaced_by.valid()) {
      const model::Workflow& w = model.workflow(legacy.replaced_by);
      e.replaced_by = w.name;
      e.stage = stage_name(w.stage);
    }
    e.missing = missing_fields(legacy);
    e.next_step = next_step(e);
    entries.push_back(std::move(e));
  }
  return entries;
}

void render_human(const std::vector<Entry>& entries, std::ostream& out) {
  if (entries.empty()) {
    out << "no legacy jobs in this project (add `legacy` blocks, or start with `flowc inventory --import crontab FILE`)\n";
    return;
  }
  auto or_dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
  auto list = [](const std::vector<std::string>& v, bool written = false) {
    return v.empty() ? std::string(written ? "none" : "-") : fmt::format("{}", fmt::join(v, ", "));
  };
  // A value's own line breaks continue in the value column, so that the
  // labels stay one column and the next field is not read as part of it.
  auto field = [&](std::string_view label, const std::string& value) {
    std::string text;
    for (char c : value) text += c == '\n' ? std::string("\n") + std::string(15, ' ') : std::string(1, c);
    out << fmt::format("  {:<13}{}\n", label, text);
  };
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    const model::Legacy& l = *e.legacy;
    if (i) out << "\n";
    out << fmt::format("legacy {}{}\n", l.name, l.enabled ? "" : " (disabled)");
    field("schedule", l.schedule.empty() ? "-" : l.schedule + zone_suffix(l));
    field("command", or_dash(shown_command(l)));
    field("owner", or_dash(l.owner));
    field("reads", list(l.reads, l.reads_written));
    field("writes", list(l.writes, l.writes_written));
    field("runtime", or_dash(duration_text(l.runtime_seconds)));
    field("consumers", list(l.consumers, l.consumers_written));
    field("symptoms", or_dash(l.symptoms));
    field("rollback", or_dash(l.rollback));
    field("replaced by",
          e.replaced_by.empty() ? std::string("-") : fmt::format("{} (stage {})", e.replaced_by, e.stage));
    field("missing", list(e.missing));
    field("next step", e.next_step);
  }
}

void render_json(const std::vector<Entry>& entries, std::ostream& out) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const Entry& e : entries) {
    const model::Legacy& l = *e.legacy;
    // A field not known yet is null, so that it is never mistaken for one
    // known to be empty (`writes = []`: the job writes no table).
    auto text = [](const std::string& s) {
      return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
    };
    auto list = [](const std::vector<std::string>& v, bool written) {
      return v.empty() && !written ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(v);
    };
    nlohmann::ordered_json j;
    j["name"] = l.name;
    j["enabled"] = l.enabled;
    j["schedule"] = text(l.schedule);
    j["time_zone"] = text(l.time_zone);
    j["command"] = text(shown_command(l));
    j["owner"] = text(l.owner);
    j["reads"] = list(l.reads, l.reads_written);
    j["writes"] = list(l.writes, l.writes_written);
    j["runtime_seconds"] = l.runtime_seconds ? nlohmann::ordered_json(*l.runtime_seconds) : nullptr;
    j["consumers"] = list(l.consumers, l.consumers_written);
    j["symptoms"] = text(l.symptoms);
    j["rollback"] = text(l.rollback);
    j["replaced_by"] = e.replaced_by.empty() ? nullptr : nlohmann::ordered_json(e.replaced_by);
    j["stage"] = e.stage.empty() ? nullptr : nlohmann::ordered_json(e.stage);
    j["missing"] = e.missing;
    j["next_step"] = e.next_step;
    array.push_back(std::move(j));
  }
  out << array.dump(2) << "\n";
}

void render_markdown(const std::vector<Entry>& entries, std::ostream& out) {
  auto cell = [](std::string s) {
    std::string escaped;
    for (char c : s) {
      if (c == '|') escaped += "\\|";
      else if (c == '\n') escaped += ' ';
      else escaped += c;
    }
    return escaped.empty() ? std::string("—") : escaped;
  };
  // `none`: known to be empty (`writes = []`); `—`: not known yet.
  auto list = [&](const std::vector<std::string>& v, bool written = false) {
    return v.empty() && written ? std::string("none") : cell(fmt::format("{}", fmt::join(v, ", ")));
  };
  auto code = [&](const std::string& s) { return s.empty() ? cell(s) : cell(code_span(s)); };
  out << "| job | schedule | command | owner | reads | writes | runtime | consumers | symptoms | rollback | "
         "replaced by | stage | missing |\n";
  out << "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const Entry& e : entries) {
    const model::Legacy& l = *e.legacy;
    out << fmt::format("| {}{} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", cell(l.name),
                       l.enabled ? "" : " (disabled)", code(l.schedule) + zone_suffix(l),
                       code(shown_command(l)), cell(l.owner), list(l.reads, l.reads_written),
                       list(l.writes, l.writes_written), cell(duration_text(l.runtime_seconds)),
                       list(l.consumers, l.consumers_written), cell(l.symptoms), cell(l.rollback),
                       cell(e.replaced_by), cell(e.stage), list(e.missing));
  }
}

}  // namespace flowc::inventory
