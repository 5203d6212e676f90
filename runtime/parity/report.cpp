// A parity report as JSON (stored with the run) and as text for people (the
// end of `flowc run`, `flowc status`). Both renderings read the same data.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "compiler/sql/sql_words.h"
#include "runtime/parity/parity.h"

namespace flowc::runtime::parity {
namespace {

using json = nlohmann::ordered_json;

std::string key_text(const KeyValues& key) {
  std::string out;
  for (const auto& v : key) out += (out.empty() ? "" : ", ") + v.value_or("NULL");
  return "(" + out + ")";
}

std::string count_text(int64_t n, std::string_view what, bool rows) {
  return fmt::format("{} {} {}{}", n, what, rows ? "row" : "key", n == 1 ? "" : "s");
}

std::string tolerance_text(double tolerance) {
  return tolerance <= 0 ? "exact" : fmt::format("{:g} rel", tolerance);
}

/// "loaded_at, amount": the columns of a diff that differ, most often first.
std::string columns_text(const std::vector<ColumnDifference>& columns) {
  std::vector<std::string> names;
  for (const ColumnDifference& c : columns) names.push_back(c.column);
  return fmt::format("{}", fmt::join(names, ", "));
}

/// A column that differs in every different key or changed row of `k`, of
/// two or more: a load time or a batch id, as likely as a wrong value. A
/// changed row is a missing one and an extra one; rows only missing or only
/// extra differ in every column, which says nothing about any of them.
const ColumnDifference* everywhere(const KeyDiff& k) {
  int64_t all = k.rows ? std::min(k.missing, k.extra) : k.different;
  for (const ColumnDifference& c : k.columns)
    if (all >= 2 && c.count >= all) return &c;
  return nullptr;
}

/// Whether a `compare` metric of `t` reads `column` (its label names it as
/// a word: `sum(revenue)`): a column the workflow compares on purpose, so
/// never one to leave out of the diff.
bool compared_on_purpose(const TableParity& t, const std::string& column) {
  return std::any_of(t.metrics.begin(), t.metrics.end(),
                     [&](const MetricComparison& m) { return !sql::whole_words(m.label, column).empty(); });
}

json optional_text(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }
std::optional<std::string> text_of(const json& v) {
  return v.is_string() ? std::optional<std::string>(v.get<std::string>()) : std::nullopt;
}

json keys_json(const std::vector<KeyValues>& keys) {
  json out = json::array();
  for (const KeyValues& key : keys) {
    json values = json::array();
    for (const auto& v : key) values.push_back(optional_text(v));
    out.push_back(values);
  }
  return out;
}

std::vector<KeyValues> keys_from(const json& list) {
  std::vector<KeyValues> out;
  if (!list.is_array()) return out;
  for (const json& key : list) {
    KeyValues values;
    if (key.is_array())
      for (const json& v : key) values.push_back(text_of(v));
    out.push_back(std::move(values));
  }
  return out;
}

json columns_json(const std::vector<ColumnDifference>& columns) {
  json out = json::array();
  for (const ColumnDifference& c : columns) out.push_back({{"column", c.column}, {"count", c.count}});
  return out;
}

std::vector<ColumnDifference> columns_from(const json& list) {
  std::vector<ColumnDifference> out;
  if (list.is_array())
    for (const json& c : list)
      if (c.is_object() && c.contains("column") && c["column"].is_string())
        out.push_back({c["column"].get<std::string>(), c.value("count", int64_t{0})});
  return out;
}

std::vector<std::string> strings_from(const json& list) {
  std::vector<std::string> out;
  if (list.is_array())
    for (const json& v : list)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::string str(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

/// What is wrong with one table, in a few words each.
std::vector<std::string> problems(const TableParity& t) {
  std::vector<std::string> out;
  if (!t.error.empty()) out.push_back(t.error);
  for (const MetricComparison& m : t.metrics)
    if (!m.ok)
      out.push_back(
          fmt::format("{} {} vs {}", m.label, m.mirror.value_or("NULL"), m.legacy.value_or("NULL")));
  if (t.keys) {
    auto add = [&](int64_t n, std::string_view what, const std::vector<KeyValues>& sample) {
      if (n == 0) return;
      std::string text = count_text(n, what, t.keys->rows);
      if (!sample.empty()) text += " " + key_text(sample.front()) + (n > 1 ? ", ..." : "");
      out.push_back(text);
    };
    add(t.keys->missing, "missing", t.keys->missing_sample);
    add(t.keys->extra, "extra", t.keys->extra_sample);
    add(t.keys->different, "different", t.keys->different_sample);
    auto repeated = [&](int64_t n, std::string_view where) {
      if (n > 0) out.push_back(fmt::format("{} key{} repeated in {}", n, n == 1 ? "" : "s", where));
    };
    repeated(t.keys->repeated_in_mirror, "the mirror");
    repeated(t.keys->repeated_in_legacy, "legacy");
    if (!t.keys->columns.empty()) out.push_back("differing in " + columns_text(t.keys->columns));
  }
  if (!t.only_in_legacy.empty())
    out.push_back(fmt::format("column{} missing in the mirror: {}", t.only_in_legacy.size() == 1 ? "" : "s",
                              fmt::join(t.only_in_legacy, ", ")));
  return out;
}

}  // namespace

std::string ParityReport::mismatch_summary() const {
  std::string out;
  for (const TableParity& t : tables) {
    if (t.ok) continue;
    std::vector<std::string> list = problems(t);
    if (list.empty()) list.push_back("mismatch");
    out += fmt::format("{}{}: {}", out.empty() ? "" : "; ", t.legacy, fmt::join(list, ", "));
  }
  return out;
}

std::string to_json(const ParityReport& report) {
  json tables = json::array();
  for (const TableParity& t : report.tables) {
    json metrics = json::array();
    for (const MetricComparison& m : t.metrics)
      metrics.push_back({{"metric", m.label},
                         {"mirror", optional_text(m.mirror)},
                         {"legacy", optional_text(m.legacy)},
                         {"tolerance", m.tolerance},
                         {"ok", m.ok}});
    json keys = nullptr;
    if (t.keys)
      keys = {{"rows", t.keys->rows},
              {"key", t.keys->key},
              {"compared", t.keys->compared},
              {"missing", t.keys->missing},
              {"extra", t.keys->extra},
              {"different", t.keys->different},
              {"repeated_in_mirror", t.keys->repeated_in_mirror},
              {"repeated_in_legacy", t.keys->repeated_in_legacy},
              {"sample",
               {{"missing", keys_json(t.keys->missing_sample)},
                {"extra", keys_json(t.keys->extra_sample)},
                {"different", keys_json(t.keys->different_sample)}}},
              {"columns", columns_json(t.keys->columns)}};
    tables.push_back({{"task", t.task},
                      {"mirror", t.mirror},
                      {"legacy", t.legacy},
                      {"partition", t.partition},
                      {"ok", t.ok},
                      {"error", t.error.empty() ? json(nullptr) : json(t.error)},
                      {"metrics", metrics},
                      {"keys", keys},
                      {"only_in_legacy", t.only_in_legacy},
                      {"only_in_mirror", t.only_in_mirror},
                      {"not_in_production", t.not_in_production},
                      {"ignored", t.ignored}});
    if (!t.run_columns.empty()) tables.back()["run_columns"] = t.run_columns;
  }
  json out = {{"legacy_job", report.legacy_job}, {"ok", report.ok}, {"tables", tables}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<ParityReport> from_json(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("ok") || !j["ok"].is_boolean() ||
      !j.contains("tables") || !j["tables"].is_array())
    return std::nullopt;
  ParityReport report;
  report.legacy_job = str(j, "legacy_job");
  report.ok = j["ok"].get<bool>();
  for (const json& t : j["tables"]) {
    if (!t.is_object()) return std::nullopt;
    TableParity table;
    table.task = str(t, "task");
    table.mirror = str(t, "mirror");
    table.legacy = str(t, "legacy");
    table.partition = str(t, "partition");
    table.ok = t.value("ok", false);
    table.error = str(t, "error");
    if (t.contains("metrics") && t["metrics"].is_array())
      for (const json& m : t["metrics"]) {
        if (!m.is_object()) continue;
        MetricComparison c;
        c.label = str(m, "metric");
        c.mirror = text_of(m.value("mirror", json()));
        c.legacy = text_of(m.value("legacy", json()));
        c.tolerance = m.value("tolerance", 0.0);
        c.ok = m.value("ok", false);
        table.metrics.push_back(std::move(c));
      }
    if (t.contains("keys") && t["keys"].is_object()) {
      const json& k = t["keys"];
      KeyDiff diff;
      diff.rows = k.value("rows", false);
      diff.key = strings_from(k.value("key", json()));
      diff.compared = strings_from(k.value("compared", json()));
      diff.missing = k.value("missing", int64_t{0});
      diff.extra = k.value("extra", int64_t{0});
      diff.different = k.value("different", int64_t{0});
      diff.repeated_in_mirror =
          k.value("repeated_in_mirror", int64_t{0});  // absent in reports stored before it
      diff.repeated_in_legacy = k.value("repeated_in_legacy", int64_t{0});
      json sample = k.value("sample", json::object());
      if (sample.is_object()) {
        diff.missing_sample = keys_from(sample.value("missing", json()));
        diff.extra_sample = keys_from(sample.value("extra", json()));
        diff.different_sample = keys_from(sample.value("different", json()));
      }
      diff.columns = columns_from(k.value("columns", json()));  // absent in reports stored before it
      table.keys = std::move(diff);
    }
    table.only_in_legacy = strings_from(t.value("only_in_legacy", json()));
    table.only_in_mirror = strings_from(t.value("only_in_mirror", json()));
    table.not_in_production = strings_from(t.value("not_in_production", json()));
    table.ignored = strings_from(t.value("ignored", json()));
    table.run_columns = strings_from(t.value("run_columns", json()));
    report.tables.push_back(std::move(table));
  }
  return report;
}

std::string render_human(const ParityReport& report, int indent, bool color) {
  const std::string pad(static_cast<size_t>(std::max(indent, 0)), ' ');
  auto verdict = [&](bool ok) {
    std::string word = ok ? "ok" : "mismatch";
    return color ? fmt::format("\x1b[{}m{}\x1b[0m", ok ? "32" : "31", word) : word;
  };
  std::string out = pad + "parity";
  if (!report.legacy_job.empty()) out += " with legacy job " + report.legacy_job;
  if (report.tables.empty()) return out + ": nothing to compare (no output of this run is written by it)\n";
  size_t bad =
      std::count_if(report.tables.begin(), report.tables.end(), [](const TableParity& t) { return !t.ok; });
  out += ": " + verdict(report.ok);
  if (!report.ok)
    out +=
        fmt::format(" ({} of {} table{})", bad, report.tables.size(), report.tables.size() == 1 ? "" : "s");
  out += "\n";

  for (const TableParity& t : report.tables) {
    out += fmt::format("{}  {}: {} vs {}{}: {}\n", pad, t.task, t.mirror, t.legacy,
                       t.partition.empty() ? ", whole tables" : ", " + t.partition, verdict(t.ok));
    if (!t.error.empty()) out += fmt::format("{}    {}\n", pad, t.error);
    if (!t.metrics.empty()) {
      // Columns padded to their widest cell; the result column is last.
      std::vector<std::array<std::string, 5>> rows = {{"metric", "mirror", "legacy", "tolerance", "result"}};
      for (const MetricComparison& m : t.metrics)
        rows.push_back({m.label, m.mirror.value_or("NULL"), m.legacy.value_or("NULL"),
                        tolerance_text(m.tolerance), m.ok ? "ok" : "differs"});
      std::array<size_t, 4> widths{};
      for (const auto& row : rows)
        for (size_t i = 0; i < widths.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
      for (const auto& row : rows) {
        out += pad + "    ";
        for (size_t i = 0; i < widths.size(); ++i) out += fmt::format("{:<{}}  ", row[i], widths[i]);
        out += row[4] + "\n";
      }
    }
    if (t.keys) {
      const KeyDiff& k = *t.keys;
      if (k.rows)
        out += fmt::format("{}    rows ({}): {} missing, {} extra\n", pad, fmt::join(k.key, ", "), k.missing,
                           k.extra);
      else
        out += fmt::format(
            "{}    keys ({}): {} missing, {} extra, {} different{}{}\n", pad, fmt::join(k.key, ", "),
            k.missing, k.extra, k.different,
            k.repeated_in_mirror ? fmt::format(", {} repeated in the mirror", k.repeated_in_mirror) : "",
            k.repeated_in_legacy ? fmt::format(", {} repeated in legacy", k.repeated_in_legacy) : "");
      auto sample = [&](std::string_view what, int64_t n, const std::vector<KeyValues>& keys) {
        if (keys.empty()) return;
        std::vector<std::string> texts;
        for (const KeyValues& key : keys) texts.push_back(key_text(key));
        out += fmt::format(
            "{}      {}: {}{}\n", pad, what, fmt::join(texts, " "),
            n > static_cast<int64_t>(keys.size()) ? fmt::format(" and {} more", n - keys.size()) : "");
      };
      sample("missing (in legacy only)", k.missing, k.missing_sample);
      sample("extra (in mirror only)", k.extra, k.extra_sample);
      sample("different", k.different, k.different_sample);
      if (!k.columns.empty()) {
        std::vector<std::string> texts;
        for (const ColumnDifference& c : k.columns)
          texts.push_back(fmt::format("{} ({} {}{})", c.column, c.count, k.rows ? "value" : "key",
                                      c.count == 1 ? "" : "s"));
        out += fmt::format("{}    columns that differ: {}\n", pad, fmt::join(texts, ", "));
        if (const ColumnDifference* c = everywhere(k); c && !compared_on_purpose(t, c->column))
          out += fmt::format(
              "{}      {} differs wherever anything does: if it is a load time or a batch id, leave it out "
              "with `compare_ignore = [\"{}\"]`\n",
              pad, c->column, c->column);
      }
    }
    if (!t.only_in_legacy.empty())
      out += fmt::format("{}    columns missing in the mirror: {}\n", pad, fmt::join(t.only_in_legacy, ", "));
    if (!t.only_in_mirror.empty())
      out += fmt::format("{}    new columns in the mirror (not compared): {}\n", pad,
                         fmt::join(t.only_in_mirror, ", "));
    if (!t.not_in_production.empty())
      out += fmt::format(
          "{}    written by task `{}` into a table it keeps, and missing in {}: its first production run "
          "would "
          "fail; add them there before the cutover\n",
          pad, t.task, t.legacy);
    if (!t.ignored.empty())
      out +=
          fmt::format("{}    left out of the diff (compare_ignore): {}\n", pad, fmt::join(t.ignored, ", "));
    if (!t.ok && !t.run_columns.empty())
      out += fmt::format(
          "{}    compared whole: the tables may hold earlier runs' rows too (legacy's from before the "
          "mirror began); a column {} in both tables narrows the comparison to this run's rows\n",
          pad, fmt::join(t.run_columns, " or "));
  }
  return out;
}

}  // namespace flowc::runtime::parity
