#include "cli/run_report_format.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "cli/text_table.h"
#include "runtime/parity/parity.h"
#include "runtime/view/text.h"

namespace flowc::cli {

std::string parity_mismatch(const runtime::report::RunRecord& r) {
  if (!r.parity) return "";
  std::optional<runtime::parity::ParityReport> report = runtime::parity::from_json(*r.parity);
  return report && !report->ok ? report->mismatch_summary() : "";
}

namespace {

using json = nlohmann::ordered_json;  // keys in the order written: run first, then its parts
using runtime::report::AlertRecord;
using runtime::report::AttemptRecord;
using runtime::report::ExpectationRecord;
using runtime::report::RunRecord;
using runtime::report::RunReport;
using runtime::report::TaskRecord;
using runtime::report::TimePoint;
using runtime::view::first_line;
using runtime::view::format_duration;
using runtime::view::format_utc;
using runtime::view::pad;

constexpr size_t kMessageWidth = 100;  // the full text is in --format json and the log

// ---------------------------------------------------------------------------
// Aligned tables.

using Cell = TableCell;
using Row = std::vector<Cell>;

const char* color_of(const std::string& word) {
  static const std::map<std::string, const char*, std::less<>> colors = {
      {"succeeded", "32"}, {"delivered", "32"},       {"passed", "32"},    {"failed", "31"},
      {"timed_out", "31"}, {"upstream_failed", "33"}, {"running", "33"},   {"retry_wait", "33"},
      {"fenced", "33"},    {"not_ready", "33"},       {"suppressed", "2"},     {"not_run", "2"},
      {"not_retried", "2"},
  };
  auto it = colors.find(word);
  return it == colors.end() ? nullptr : it->second;
}

// ---------------------------------------------------------------------------
// Values.

std::string when(const std::optional<TimePoint>& at) { return at ? format_utc(*at) : "-"; }

std::optional<std::chrono::milliseconds> elapsed(const std::optional<TimePoint>& from,
                                                 const std::optional<TimePoint>& to) {
  if (!from || !to) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*to - *from);
}
std::string duration(const std::optional<TimePoint>& from, const std::optional<TimePoint>& to) {
  auto d = elapsed(from, to);
  return d ? format_duration(*d) : "-";
}
std::string number(const std::optional<int64_t>& n) { return n ? std::to_string(*n) : "-"; }
std::string message(const std::string& text) { return first_line(text, kMessageWidth); }

json time_json(const std::optional<TimePoint>& at) { return at ? json(format_utc(*at)) : json(nullptr); }
json duration_json(const std::optional<TimePoint>& from, const std::optional<TimePoint>& to) {
  auto d = elapsed(from, to);
  return d ? json(d->count()) : json(nullptr);
}
template <class T>
json opt_json(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}
json text_json(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

/// What `history` and `status` say of a run whose driving process is gone.
/// A run a later run of its day replaced: `flowc retry` refuses it, so the
/// later run is what to look at.
std::string replaced_note(const RunRecord& r, const std::string& project) {
  return fmt::format("run {} ({}) of the same day replaced it: `flowc status {}{}`", r.later_run,
                     r.later_status, r.later_run, project);
}

std::string process_gone_note(const RunRecord& r, const std::string& project) {
  if (r.later_run != 0) return "its process is gone; " + replaced_note(r, project);
  return fmt::format("its process is gone: `flowc retry {}{}` finishes it", r.id, project);
}

json run_json(const RunRecord& r) {
  return {{"id", r.id},
          {"workflow", r.workflow},
          {"ds", r.ds},
          {"env", plan::env_name(r.env)},
          {"stage", r.stage},
          {"trigger", r.trigger},
          {"status", r.status},
          {"created", format_utc(r.created)},
          {"started", time_json(r.started)},
          {"finished", time_json(r.finished)},
          {"deadline", time_json(r.deadline)},
          {"duration_ms", duration_json(r.started, r.finished)},
          {"plan_hash", r.plan_hash},
          {"failed_tasks", r.failed_tasks},
          {"stopped_tasks", r.stopped_tasks},
          {"unfinished_tasks", r.unfinished},
          {"process_gone", r.process_gone},
          {"retries", r.retries},
          {"replaced_by", r.later_run != 0 ? json(r.later_run) : json(nullptr)},
          {"owner", text_json(r.owner)},
          {"on_failure", r.failure_route.empty()
                             ? json(nullptr)
                             : json{{"route", r.failure_route}, {"owner", text_json(r.failure_route_owner)}}},
          {"parity_mismatch", text_json(parity_mismatch(r))}};
}

/// A finished run's status with the retries that drove it again:
/// "succeeded (1 retry)", so a run repaired by hand does not read as one
/// that went well.
std::string status_with_retries(const RunRecord& r) {
  if (r.retries == 0) return r.status;
  return fmt::format("{} ({} {})", r.status, r.retries, r.retries == 1 ? "retry" : "retries");
}

/// What a failed run with tasks that never finished says: what an
/// operator's stop cancelled, then how many tasks it ended before (a stop,
/// or a process killed or lost: one in retry backoff had run already, so
/// they did not finish rather than not run). "" otherwise. History shows
/// it only when no task failed.
std::string stopped_note(const RunRecord& r) {
  if (r.status != "failed" || (r.unfinished == 0 && r.stopped_tasks.empty())) return "";
  std::string during =
      r.stopped_tasks.empty() ? "" : fmt::format("stopped during {}", fmt::join(r.stopped_tasks, ", "));
  if (r.unfinished == 0) return during;
  return fmt::format("{}{} {} finished", during, during.empty() ? "ended before" : ", before",
                     r.unfinished == 1 ? "1 task" : std::to_string(r.unfinished) + " tasks");
}

/// The parity report compactly: the jsonb text as PostgreSQL prints it has
/// spaces after every `:` and `,`.
json parity_json(const std::optional<std::string>& parity) {
  if (!parity) return nullptr;
  json parsed = json::parse(*parity, nullptr, false);
  return parsed.is_discarded() ? json(*parity) : parsed;
}

}  // namespace

std::string history_human(const std::vector<RunRecord>& runs, const std::string& since, bool color,
                          const std::string& project) {
  if (runs.empty()) return "no runs in the last " + since + "\n";
  std::vector<Row> rows;
  std::vector<std::pair<std::string, size_t>> counts;  // by status, in order of first appearance
  for (const RunRecord& r : runs) {
    std::string failed;
    for (const std::string& t : r.failed_tasks) failed += (failed.empty() ? "" : ", ") + t;
    // A mirror run fails with every task succeeded when its parity did not hold.
    if (std::string mismatch = parity_mismatch(r); failed.empty() && !mismatch.empty())
      failed = message("parity mismatch: " + mismatch);
    // What a stop cancelled or kept from running is said as such, never as a failure.
    if (std::string stopped = stopped_note(r); !stopped.empty())
      failed += (failed.empty() ? "" : "; ") + stopped;
    rows.push_back({{std::to_string(r.id)},
                    {r.workflow},
                    {r.ds},
                    {plan::env_name(r.env)},
                    {r.stage},
                    {r.trigger},
                    {status_with_retries(r), color_of(r.status)},
                    {when(r.started)},
                    {duration(r.started, r.finished)},
                    {failed, "31"}});
    auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == r.status; });
    if (it == counts.end())
      counts.push_back({r.status, 1});
    else
      ++it->second;
  }
  std::string out = text_table(
      {"ID", "WORKFLOW", "DS", "ENV", "STAGE", "TRIGGER", "STATUS", "STARTED", "DURATION", "FAILED TASKS"},
      rows, color);
  std::string tally;
  for (const auto& [status, n] : counts)
    tally += fmt::format("{}{} {}", tally.empty() ? "" : ", ", n, status);
  out +=
      fmt::format("\n{} run{} in the last {}: {}\n", runs.size(), runs.size() == 1 ? "" : "s", since, tally);
  for (const RunRecord& r : runs)
    if (r.process_gone)
      out += fmt::format("run {} is recorded running, but {}\n", r.id, process_gone_note(r, project));
  return out;
}

std::string history_json(const std::vector<RunRecord>& runs, const std::string& since,
                         const std::string& workflow) {
  json list = json::array();
  for (const RunRecord& r : runs) list.push_back(run_json(r));
  json out = {{"since", since}, {"workflow", text_json(workflow)}, {"runs", list}};
  return out.dump(2) + "\n";
}

std::string status_human(const RunReport& report, bool color, const std::string& project) {
  const RunRecord& r = report.run;
  std::string out =
      fmt::format("run {}: workflow {}, ds {}, {}\n", r.id, r.workflow, r.ds, plan::env_name(r.env));
  auto field = [&](std::string_view key, const std::string& value, const char* c = nullptr) {
    out += "  " + pad(key, 11) +
           (color && c != nullptr ? fmt::format("\x1b[{}m{}\x1b[0m", c, value) : value) + "\n";
  };
  field("status", r.status, color_of(r.status));
  if (r.process_gone) field("", process_gone_note(r, project));
  if (std::string stopped = stopped_note(r); !stopped.empty())
    field("", stopped + (r.later_run != 0 ? "; " + replaced_note(r, project)
                                          : fmt::format(" (`flowc retry {}{}` runs them)", r.id, project)));
  else if (r.later_run != 0 && !r.process_gone)
    field("", replaced_note(r, project));
  if (r.retries > 0)
    field("retries", fmt::format("{} (`flowc retry`), the last started {}", r.retries, when(r.retried)));
  if (!r.owner.empty() || !r.failure_route.empty())
    field("owner",
          (r.owner.empty() ? std::string("-") : r.owner) +
              (r.failure_route.empty()
                   ? std::string()
                   : fmt::format(" (failures page route {}{})", r.failure_route,
                                 r.failure_route_owner.empty() ? "" : ", owner " + r.failure_route_owner)));
  field("stage", r.stage);
  field("trigger", r.trigger);
  field("started", when(r.started));
  field("finished", when(r.finished));
  field("duration", duration(r.started, r.finished));
  if (r.deadline) field("deadline", format_utc(*r.deadline));
  field("plan hash", r.plan_hash);

  std::vector<Row> tasks, attempts;
  for (const TaskRecord& t : report.tasks) {
    std::string state = shown_state(r.status, t.state);
    tasks.push_back({{t.task},
                     {state, color_of(state)},
                     {fmt::format("{}/{}", t.attempts, t.max_attempts)},
                     {duration(t.started, t.finished)},
                     {number(t.rows_written)},
                     {or_dash(t.error_class)},
                     {message(t.message)}});
    for (const AttemptRecord& a : t.attempt_records) {
      std::string code = !a.sqlstate.empty() ? a.sqlstate
                         : a.exit_code       ? "exit " + std::to_string(*a.exit_code)
                                             : "-";
      attempts.push_back(
          {{t.task},
           {std::to_string(a.attempt)},
           {a.outcome.empty() ? "running" : a.outcome, color_of(a.outcome.empty() ? "running" : a.outcome)},
           {format_utc(a.started)},
           {duration(a.started, a.finished)},
           {code},
           {or_dash(a.error_class)},
           {or_dash(a.worker)},
           {a.log_path},
           {message(a.message)}});
    }
  }
  out += fmt::format("\ntasks, in plan order ({}):\n", tasks.size());
  out += text_table({"TASK", "STATE", "ATTEMPTS", "DURATION", "ROWS", "CLASS", "ERROR"}, tasks, color);
  if (attempts.empty()) {
    out += "\nattempts: none\n";
  } else {
    out += fmt::format("\nattempts ({}):\n", attempts.size());
    // WORKER says where: with `flowc worker` on several machines, the log
    // is on the machine of the executor that ran the attempt.
    out += text_table({"TASK", "#", "OUTCOME", "STARTED", "DURATION", "CODE", "CLASS", "WORKER", "LOG", "MESSAGE"},
                      attempts, color);
  }

  if (report.expectations.empty()) {
    out += "\nexpectations: none\n";
  } else {
    std::vector<Row> rows;
    for (const ExpectationRecord& e : report.expectations) {
      const char* failed_color = e.severity == "error" ? "31" : "33";
      rows.push_back({{e.task},
                      {std::to_string(e.attempt)},
                      {e.expectation},
                      {e.severity},
                      {e.metric},
                      {e.value.value_or("null")},
                      {e.passed ? "passed" : "failed", e.passed ? "32" : failed_color}});
    }
    out += fmt::format("\nexpectations ({}):\n", rows.size());
    out += text_table({"TASK", "#", "CHECK", "SEVERITY", "METRIC", "VALUE", "RESULT"}, rows, color);
  }

  if (report.alerts.empty()) {
    out += "\nalerts: none\n";
  } else {
    std::vector<Row> rows;
    for (const AlertRecord& a : report.alerts)
      rows.push_back({{a.kind},
                      {or_dash(a.task)},
                      {a.route},
                      {a.channel},
                      {a.severity},
                      {a.status, color_of(a.status)},
                      {message(a.error)}});
    out += fmt::format("\nalerts ({}):\n", rows.size());
    out += text_table({"KIND", "TASK", "ROUTE", "CHANNEL", "SEVERITY", "STATUS", "ERROR"}, rows, color);
  }

  if (r.parity) {
    // The stored report as the run printed it; JSON that is not a report, compactly.
    if (std::optional<runtime::parity::ParityReport> report = runtime::parity::from_json(*r.parity)) {
      out += "\n" + runtime::parity::render_human(*report, 0, color);
    } else {
      json parity = parity_json(r.parity);
      out += "\nparity:\n  " + (parity.is_string() ? parity.get<std::string>() : parity.dump()) + "\n";
    }
  }
  return out;
}

std::string status_json(const RunReport& report) {
  json tasks = json::array(), attempts = json::array(), expectations = json::array(), alerts = json::array();
  for (const TaskRecord& t : report.tasks) {
    tasks.push_back({{"task", t.task},
                     {"index", t.index},
                     {"state", t.state},
                     {"attempts", t.attempts},
                     {"max_attempts", t.max_attempts},
                     {"started", time_json(t.started)},
                     {"finished", time_json(t.finished)},
                     {"duration_ms", duration_json(t.started, t.finished)},
                     {"rows_written", opt_json(t.rows_written)},
                     {"error_class", text_json(t.error_class)},
                     {"message", text_json(t.message)}});
    for (const AttemptRecord& a : t.attempt_records)
      attempts.push_back({{"task", t.task},
                          {"attempt", a.attempt},
                          {"worker", a.worker},
                          {"outcome", text_json(a.outcome)},
                          {"started", format_utc(a.started)},
                          {"finished", time_json(a.finished)},
                          {"duration_ms", duration_json(a.started, a.finished)},
                          {"sqlstate", text_json(a.sqlstate)},
                          {"exit_code", opt_json(a.exit_code)},
                          {"error_class", text_json(a.error_class)},
                          {"message", text_json(a.message)},
                          {"rows_written", opt_json(a.rows_written)},
                          {"log_path", a.log_path}});
  }
  for (const ExpectationRecord& e : report.expectations)
    expectations.push_back({{"task", e.task},
                            {"attempt", e.attempt},
                            {"check", e.expectation},
                            {"severity", e.severity},
                            {"metric", e.metric},
                            {"value", opt_json(e.value)},
                            {"passed", e.passed}});
  for (const AlertRecord& a : report.alerts)
    alerts.push_back({{"id", a.id},
                      {"kind", a.kind},
                      {"task", text_json(a.task)},
                      {"route", a.route},
                      {"channel", a.channel},
                      {"severity", a.severity},
                      {"status", a.status},
                      {"error", text_json(a.error)},
                      {"tries", a.tries},
                      {"created", format_utc(a.created)}});
  json out = {{"run", run_json(report.run)},  {"tasks", tasks},   {"attempts", attempts},
              {"expectations", expectations}, {"alerts", alerts}, {"parity", parity_json(report.run.parity)}};
  return out.dump(2) + "\n";
}

}  // namespace flowc::cli
