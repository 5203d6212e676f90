// `flowc graph`: the dependency graph of one workflow as dot, mermaid, or
// svg (dot piped through Graphviz, which must be on PATH at run time).
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/load.h"
#include "cli/plan_load.h"
#include "compiler/plan/render.h"
#include "runtime/process/process.h"

namespace flowc::cli {

namespace {

/// True when an executable `program` is in one of PATH's directories.
bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::filesystem::path candidate = std::filesystem::path(dir) / program;
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
      return true;
    }
  }
  return false;
}

int render_svg(const plan::Plan& plan) {
  if (!on_path("dot")) {
    print_error("--format svg needs Graphviz `dot` (Debian package graphviz)");
    return kExitUsage;
  }
  std::ostringstream dot;
  plan::render_dot(plan, dot);
  runtime::ProcessOptions options;
  options.argv = {"dot", "-Tsvg"};
  options.env = runtime::current_environment();
  options.stdin_data = dot.str();
  options.timeout = std::chrono::seconds(60);
  runtime::ProcessResult result = runtime::run_process(options);
  if (!result.started) {
    print_error("cannot run Graphviz `dot`: " + result.error);
    return kExitUsage;
  }
  // A `dot` that failed without reading its input (flowc's writes then met
  // a closed pipe) is told apart by its exit status, and so is one that
  // exited 0 without an SVG.
  if (result.timed_out || result.exit_code != 0 || result.output.empty()) {
    std::string why = result.timed_out     ? "timed out after 60 s"
                      : result.signal != 0 ? "killed by signal " + std::to_string(result.signal)
                      : result.exit_code != 0 ? "exit code " + std::to_string(result.exit_code)
                                              : "it printed nothing";
    std::string said = result.exit_code != 0 ? result.output : std::string();
    while (!said.empty() && std::isspace(static_cast<unsigned char>(said.back()))) said.pop_back();
    std::replace(said.begin(), said.end(), '\n', ' ');  // one line
    print_error("Graphviz `dot` failed (" + why + ")" + (said.empty() ? "" : ": " + said));
    return kExitUsage;
  }
  std::cout << result.output;
  return kExitOk;
}

}  // namespace

int run_graph(const GraphOptions& options) {
  if (options.format != "dot" && options.format != "mermaid" && options.format != "svg") {
    print_error("unknown --format `" + options.format + "` (expected dot, mermaid or svg)");
    return kExitUsage;
  }
  int exit_code = kExitOk;
  std::optional<LoadedPlan> loaded = load_plan(options.selection, exit_code);
  if (!loaded) return exit_code;
  if (options.format == "svg") return render_svg(loaded->plan);
  if (options.format == "dot") {
    plan::render_dot(loaded->plan, std::cout);
  } else {
    plan::render_mermaid(loaded->plan, std::cout);
  }
  return kExitOk;
}

}  // namespace flowc::cli
