// `flowc check --format sarif`: a SARIF 2.1.0 log for code-scanning upload
// (GitHub's subset included). One run; the driver lists one rule per
// registered code (kinds.def), so `ruleIndex` is the kind's registry index.
// Columns count UTF-16 code units (declared with `columnKind`), and a
// region's `endColumn` is the column after its last character, as SARIF says.
// Notes with a location become `relatedLocations`; notes without one, helps
// and fix-it titles are appended to the message text as `note:`/`help:`
// lines; fix-its become `fixes`.
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <optional>
#include <ostream>
#include <string>

#include "compiler/diagnostics/render.h"
#include "compiler/diagnostics/render_detail.h"

namespace flowc {
namespace {

using Json = nlohmann::ordered_json;
using render_detail::Located;

constexpr const char* kSchema = "https://json.schemastore.org/sarif-2.1.0.json";
// SARIF requires an absolute URI here. The project has no public home page
// yet: replace this placeholder when it does.
constexpr const char* kInformationUri = "https://flowc.invalid/";

const char* level_of(Severity severity) {
  switch (severity) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

bool is_unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '/';
}

// The artifactLocation of a path as stored in the SourceBuffer: relative
// paths stay relative (to %SRCROOT%, the repository root for GitHub);
// absolute ones become file:// URIs. Other characters are percent-encoded.
Json artifact_location(const std::string& path) {
  std::string uri = path.starts_with('/') ? "file://" : "";
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      uri += ch;
    } else {
      uri += fmt::format("%{:02X}", c);
    }
  }
  Json location = Json{{"uri", uri}};
  if (!path.starts_with('/')) location["uriBaseId"] = "%SRCROOT%";
  return location;
}

Json region(const Located& where) {
  return Json{{"startLine", where.start.line},
              {"startColumn", where.start_utf16},
              {"endLine", where.finish.line},
              {"endColumn", where.finish_utf16}};
}

Json physical_location(const Located& where) {
  return Json{{"artifactLocation", artifact_location(where.buffer->path())}, {"region", region(where)}};
}

Json rules() {
  Json list = Json::array();
  for (const DiagKindInfo& kind : all_kinds()) {
    Json rule = Json::object();
    rule["id"] = kind.code;
    rule["name"] = kind.id;
    rule["shortDescription"] = Json{{"text", kind.summary}};
    rule["fullDescription"] = Json{{"text", kind.summary}};
    rule["help"] =
        Json{{"text", fmt::format("docs/diagnostics.md, section {}, shows a failing and a fixed example.",
                                  kind.code)}};
    rule["defaultConfiguration"] = Json{{"level", level_of(kind.severity)}};
    list.push_back(std::move(rule));
  }
  return list;
}

Json result(const Diagnostic& d, const SourceManager& sources) {
  Json object = Json::object();
  object["ruleId"] = d.code();
  object["ruleIndex"] = static_cast<size_t>(d.kind);
  object["level"] = level_of(d.severity);
  std::string text = d.message;
  Json related = Json::array();
  for (const DiagNote& note : d.notes) {
    if (std::optional<Located> where = render_detail::locate(note.range, sources)) {
      Json location = Json::object();
      location["id"] = related.size();
      location["physicalLocation"] = physical_location(*where);
      location["message"] = Json{{"text", note.message}};
      related.push_back(std::move(location));
      // Viewers show relatedLocations apart, or not at all: the text says it too.
      text += "\nnote: " + note.message + " (" + render_detail::where_text(*where) + ")";
    } else {
      text += "\nnote: " + note.message;
    }
  }
  for (const std::string& help : d.helps) text += "\nhelp: " + help;
  // Viewers that ignore `fixes` (GitHub code scanning) still show the hint.
  for (const FixIt& fix : d.fixits) {
    if (!fix.title.empty()) text += "\nhelp: " + fix.title;
  }
  object["message"] = Json{{"text", text}};
  if (std::optional<Located> where = render_detail::locate(d.range, sources)) {
    object["locations"] = Json::array({Json{{"physicalLocation", physical_location(*where)}}});
  }
  if (!related.empty()) object["relatedLocations"] = std::move(related);
  Json fixes = Json::array();
  for (const FixIt& fix : d.fixits) {
    std::optional<Located> where = render_detail::locate(fix.range, sources);
    if (!where) continue;  // an edit needs a file to apply to
    Json replacement =
        Json{{"deletedRegion", region(*where)}, {"insertedContent", Json{{"text", fix.replacement}}}};
    Json change = Json{{"artifactLocation", artifact_location(where->buffer->path())},
                       {"replacements", Json::array({std::move(replacement)})}};
    Json item = Json::object();
    if (!fix.title.empty()) item["description"] = Json{{"text", fix.title}};
    item["artifactChanges"] = Json::array({std::move(change)});
    fixes.push_back(std::move(item));
  }
  if (!fixes.empty()) object["fixes"] = std::move(fixes);
  return object;
}

}  // namespace

void render_sarif(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                  std::ostream& out) {
  Json driver = Json::object();
  driver["name"] = "flowc";
  driver["informationUri"] = kInformationUri;
  driver["rules"] = rules();
  Json results = Json::array();
  for (const Diagnostic& d : diagnostics) results.push_back(result(d, sources));
  Json run = Json::object();
  run["tool"] = Json{{"driver", std::move(driver)}};
  run["columnKind"] = "utf16CodeUnits";
  run["results"] = std::move(results);
  Json log = Json::object();
  log["$schema"] = kSchema;
  log["version"] = "2.1.0";
  log["runs"] = Json::array({std::move(run)});
  out << log.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace flowc
