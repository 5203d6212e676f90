#include "cli/load.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.h"
#include "cli/terminal.h"
#include "compiler/check/literals.h"
#include "compiler/diagnostics/render.h"

namespace flowc::cli {

std::string env_value(const std::string& name) {
  if (name.empty()) return "";
  const char* value = std::getenv(name.c_str());
  return value != nullptr ? std::string(value) : std::string();
}

void print_several_projects(const std::string& path, size_t count) {
  print_error("`" + path + "` holds " + std::to_string(count) + " projects; name one project directory");
}

std::unique_ptr<project::Compilation> load_checked_project(const std::string& path, int& exit_code) {
  exit_code = kExitUsage;
  bool environment_error = false;
  auto compilations = load_projects({path}, environment_error);
  if (environment_error || compilations.empty()) return nullptr;
  if (compilations.size() > 1) {
    print_several_projects(path, compilations.size());
    return nullptr;
  }
  std::unique_ptr<project::Compilation> c = std::move(compilations.front());
  if (c->diagnostics.error_count() > 0) {
    render_human(c->diagnostics.diagnostics(), c->sources, std::cerr, {use_color(stderr)});
    exit_code = kExitFailed;
    return nullptr;
  }
  exit_code = kExitOk;
  return c;
}

std::string unknown_workflow(const model::Model& model, const std::string& name) {
  if (model.workflow_named(name).valid()) return "";
  std::vector<std::string_view> names;
  for (const model::Workflow& w : model.workflows) names.push_back(w.name);
  std::string_view near = closest_name(name, names);
  return fmt::format("no workflow `{}` in the project{}", name,
                     near.empty() ? std::string() : fmt::format("; did you mean `{}`?", near));
}

/// The selected workflow, or an invalid id after printing why (exit 2).
model::WorkflowId pick_workflow(const model::Model& model, const std::string& name) {
  if (name.empty()) {
    if (model.workflows.size() == 1) return model::WorkflowId{0};
    if (model.workflows.empty()) {
      print_error("the project has no workflow");
      return {};
    }
    std::vector<std::string> names;
    for (const model::Workflow& w : model.workflows) names.push_back(w.name);
    print_error(fmt::format("the project has {} workflows; choose one with --workflow ({})", names.size(),
                            fmt::join(names, ", ")));
    return {};
  }
  if (model::WorkflowId id = model.workflow_named(name); id.valid()) return id;
  print_error(unknown_workflow(model, name));
  return {};
}

bool is_human_or_json(const std::string& format) {
  if (format == "human" || format == "json") return true;
  print_error("unknown --format `" + format + "` (expected human or json)");
  return false;
}

std::optional<int64_t> parse_run_id(const std::string& text) {
  int64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

std::optional<int64_t> parse_since(const std::string& since) {
  bool too_large = false;
  std::optional<int64_t> seconds = check::parse_duration(since, &too_large);
  if ((seconds && *seconds > kMaxSinceSeconds) || too_large) {
    // Checked here: PostgreSQL would say "timestamp out of range", which
    // reads like a problem of the database.
    print_error("--since `" + since + "` is too far back (at most 36500d, 100 years)");
    return std::nullopt;
  }
  if (seconds && *seconds > 0) return seconds;
  if (seconds) {
    print_error("--since `" + since + "` is an empty window: give a duration longer than 0s");
    return std::nullopt;
  }
  print_error("--since `" + since + "` is not a duration (write it like 30m, 24h, 7d or 1h30m)");
  return std::nullopt;
}

void print_error(const std::string& message) { std::cerr << "flowc: " << printable(message) << "\n"; }

void print_human(const std::string& text) { std::cout << printable(text, "\n\t"); }

std::string project_argument(const std::string& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  const fs::path project = fs::absolute(root, ec).lexically_normal();
  if (!ec && fs::equivalent(project, cwd, ec)) return "";
  // Relative to the current directory when the project is below it, as the
  // user would type it; else the absolute path.
  std::string path = project.string();
  if (!ec) {
    const fs::path relative = project.lexically_relative(cwd);
    if (!relative.empty() && *relative.begin() != "..") path = relative.string();
  }
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path.starts_with('-')) path = "./" + path;  // not an option
  bool plain = !path.empty();
  for (char c : path) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("/._-+,:@").find(c) == std::string_view::npos) {
      plain = false;
    }
  }
  if (!plain) {
    std::string quoted = "'";
    for (char c : path) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    path = quoted + "'";
  }
  return " " + path;
}

std::string absolute_directory(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path.empty() ? "." : path, ec);
  if (std::filesystem::is_regular_file(p, ec)) p = p.parent_path();
  return p.lexically_normal().string();
}

std::vector<std::unique_ptr<project::Compilation>> load_projects(std::vector<std::string> paths,
                                                                 bool& environment_error) {
  if (paths.empty()) paths.push_back(".");
  std::vector<project::LoadError> errors;
  std::vector<project::ProjectFiles> projects = project::discover(paths, errors);
  std::vector<std::unique_ptr<project::Compilation>> compilations;
  std::string stdlib = project::default_stdlib_dir();
  for (const project::ProjectFiles& files : projects) compilations.push_back(project::compile(files, stdlib, errors));
  // Each project reports a missing standard library: once is enough.
  std::vector<project::LoadError> reported;
  for (const project::LoadError& e : errors) {
    auto same = [&](const project::LoadError& r) { return r.path == e.path && r.message == e.message; };
    if (std::any_of(reported.begin(), reported.end(), same)) continue;
    print_error(e.path + ": " + e.message);
    reported.push_back(e);
  }
  environment_error = !errors.empty();
  return compilations;
}

}  // namespace flowc::cli
