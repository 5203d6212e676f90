#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/check_db.h"
#include "cli/commands.h"
#include "cli/load.h"
#include "cli/terminal.h"
#include "compiler/diagnostics/render.h"

namespace flowc::cli {

namespace {

/// json and sarif are one document even when several projects were checked.
void render_merged(DiagnosticFormat format, const std::vector<std::unique_ptr<project::Compilation>>& compilations) {
  nlohmann::ordered_json merged;
  for (const auto& c : compilations) {
    std::ostringstream out;
    render(format, c->diagnostics.diagnostics(), c->sources, out);
    nlohmann::ordered_json doc = nlohmann::ordered_json::parse(out.str());
    if (format == DiagnosticFormat::Json) {
      if (merged.is_null()) merged = nlohmann::ordered_json::array();
      for (auto& d : doc) merged.push_back(std::move(d));
    } else if (merged.is_null()) {
      merged = std::move(doc);
    } else {
      for (auto& r : doc["runs"][0]["results"]) merged["runs"][0]["results"].push_back(std::move(r));
    }
  }
  if (merged.is_null()) {
    std::ostringstream out;
    SourceManager none;
    render(format, {}, none, out);
    std::cout << out.str();
    return;
  }
  std::cout << merged.dump(2) << "\n";
}

}  // namespace

int run_check(const CheckOptions& options) {
  DiagnosticFormat format{};
  if (!parse_diagnostic_format(options.format, format)) {
    print_error("unknown --format `" + options.format + "` (expected human, json, sarif or github)");
    return kExitUsage;
  }
  bool environment_error = false;
  auto compilations = load_projects(options.paths, environment_error);
  // Files that were not read leave bogus errors (unknown names) behind.
  if (environment_error) return kExitUsage;
  if (!options.db.empty()) {
    // Only a project without errors has plans to prepare.
    for (auto& c : compilations) {
      if (c->diagnostics.error_count() == 0 && !check_against_database(*c, options.db)) return kExitUsage;
    }
  }
  size_t errors = 0;
  size_t warnings = 0;
  for (const auto& c : compilations) {
    errors += c->diagnostics.error_count();
    warnings += c->diagnostics.warning_count();
  }
  if (format == DiagnosticFormat::Json || format == DiagnosticFormat::Sarif) {
    render_merged(format, compilations);
  } else {
    // Several projects (paths, or a directory holding them): one closing
    // line for all, as for one project.
    const RenderOptions human{.color = use_color(stderr), .summary = false};
    for (const auto& c : compilations) {
      if (format == DiagnosticFormat::Human) {
        render_human(c->diagnostics.diagnostics(), c->sources, std::cerr, human);
      } else {
        render(format, c->diagnostics.diagnostics(), c->sources, std::cout);
      }
    }
    if (format == DiagnosticFormat::Human) render_human_summary(errors, warnings, std::cerr, human);
  }
  if (errors > 0 || (options.strict && warnings > 0)) return kExitFailed;
  return kExitOk;
}

}  // namespace flowc::cli
