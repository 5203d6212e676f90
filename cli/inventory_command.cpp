#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "cli/load.h"
#include "compiler/cron/crontab.h"
#include "compiler/diagnostics/render.h"
#include "compiler/dsn/withhold.h"
#include "compiler/inventory/inventory.h"

namespace flowc::cli {

namespace {

/// The crontab's text: `-` is stdin; a pipe (`/dev/stdin`, `<(crontab -l)`)
/// is read like a file, a directory or a device is refused.
std::optional<std::string> read_crontab(const std::string& path, std::string& error) {
  struct stat st {};
  if (path != "-" && ::stat(path.c_str(), &st) != 0) {
    // Worded as every command words a missing path (`flowc: x: no such file or directory`).
    error = std::strerror(errno);
    if (!error.empty()) error[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(error[0])));
    return std::nullopt;
  }
  if (path != "-" && !S_ISFIFO(st.st_mode)) return read_file(path, error);
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      error = std::strerror(errno);
      return std::nullopt;
    }
  }
  return read_stream(path == "-" ? std::cin : file, error);
}

/// Whether the project's own files (not the standard library) declare a
/// top-level `name`: a job named so would be E0102.
bool declared_in_project(const model::Model& model, std::string_view name) {
  using K = model::SymbolKind;
  return std::any_of(model.symbols.begin(), model.symbols.end(), [&](const model::Symbol& s) {
    const bool top_level = s.kind == K::Workflow || s.kind == K::Target || s.kind == K::Route ||
                           s.kind == K::Legacy || s.kind == K::Project || s.kind == K::Function;
    return top_level && !s.in_stdlib && s.name == name;
  });
}

int import_crontab(const InventoryOptions& options) {
  std::string error;
  std::optional<std::string> text = read_crontab(options.import_file, error);
  if (!text) {
    print_error(options.import_file + ": " + error);
    return kExitUsage;
  }
  uint32_t bad = 0;
  if (!is_valid_utf8(*text, bad)) {
    // Where, as an editor shows it: line and column (1-based, in bytes).
    const auto line = 1 + std::count(text->begin(), text->begin() + bad, '\n');
    const size_t line_start = text->rfind('\n', bad == 0 ? 0 : bad - 1);
    const size_t column = bad - (line_start == std::string::npos || bad == 0 ? 0 : line_start + 1) + 1;
    print_error(printable(options.import_file) + ":" + std::to_string(line) + ":" + std::to_string(column) +
                ": not a text file (invalid UTF-8 here; save it as UTF-8)");
    return kExitUsage;
  }
  // cron reads a NUL as the end of its line's text; a `.flow` string cannot
  // hold one (E0004): removed, with the line said.
  std::vector<std::pair<size_t, std::string>> warnings;  // by line, said in line order below
  for (size_t nul = text->find('\0'); nul != std::string::npos; nul = text->find('\0', nul)) {
    const auto line = 1 + std::count(text->begin(), text->begin() + static_cast<std::ptrdiff_t>(nul), '\n');
    warnings.emplace_back(static_cast<size_t>(line), "a NUL byte, removed (a .flow string cannot hold one)");
    text->erase(nul, 1);
  }
  cron::Crontab crontab = cron::parse_crontab(*text, options.import_kind == "system-crontab"
                                                         ? cron::CrontabKind::System
                                                         : cron::crontab_kind_of(options.import_file));
  for (const cron::CrontabProblem& p : crontab.problems) {
    bool withheld = false;  // a warning quotes the line: its secrets stay out of logs
    warnings.emplace_back(p.line, dsn::withhold_secrets(p.message, withheld));
  }
  std::stable_sort(warnings.begin(), warnings.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [line, message] : warnings)
    std::cerr << "warning: " << printable(options.import_file) << ":" << line << ": " << printable(message)
              << "\n";
  if (crontab.jobs.empty()) {
    print_error(options.import_file + ": no cron jobs found");
    return kExitFailed;
  }
  // The names a job may not take: the language's own (the standard library
  // gives them), and, run inside a project, the names it declares already
  // (a `target wh` and a job `/opt/wh.sh`, or a second host's `psql`).
  // The project is the one holding the crontab (`legacy/jobs.crontab` of a
  // project, imported from anywhere), else the one the command runs in.
  struct stat st {};
  const bool regular = ::stat(options.import_file.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  std::optional<std::string> root;
  if (regular)
    root = project::enclosing_project(std::filesystem::path(options.import_file).parent_path().string());
  if (!root) root = project::enclosing_project(".");
  std::vector<project::LoadError> load_errors;
  project::ProjectFiles here{".", {}};
  if (root) {
    std::vector<project::LoadError> ignored;  // an unreadable project only reserves less
    std::vector<project::ProjectFiles> found = project::discover({*root}, ignored);
    if (found.size() == 1) here = std::move(found.front());
  }
  std::unique_ptr<project::Compilation> language =
      project::compile(here, project::default_stdlib_dir(), load_errors);
  if (!load_errors.empty() && !here.files.empty()) {  // a project file it cannot read: the language alone
    load_errors.clear();
    language = project::compile(project::ProjectFiles{".", {}}, project::default_stdlib_dir(), load_errors);
  }
  for (const project::LoadError& e : load_errors) print_error(e.path + ": " + e.message);
  if (!load_errors.empty()) return kExitUsage;
  auto reserved = [&](std::string_view name) {
    return check::is_language_name(language->model, name) || declared_in_project(language->model, name);
  };
  // A pipe's path (/dev/fd/63) means nothing in a rollback note.
  std::cout << cron::legacy_blocks(crontab, regular ? options.import_file : "-", reserved) << std::flush;
  if (!std::cout) return kExitUsage;  // main() says why the blocks were not written
  std::cerr << "imported " << crontab.jobs.size() << (crontab.jobs.size() == 1 ? " job" : " jobs")
            << "; fill in the TODO fields, then run `flowc inventory`\n";
  return kExitOk;
}

}  // namespace

int run_inventory(const InventoryOptions& options) {
  if (!options.import_kind.empty()) {
    if (options.import_kind != "crontab" && options.import_kind != "system-crontab") {
      print_error("unknown --import kind `" + options.import_kind + "` (expected crontab or system-crontab)");
      return kExitUsage;
    }
    return import_crontab(options);
  }
  if (options.format != "human" && options.format != "json" && options.format != "markdown") {
    print_error("unknown --format `" + options.format + "` (expected human, json or markdown)");
    return kExitUsage;
  }
  bool environment_error = false;
  auto compilations = load_projects({options.path}, environment_error);
  if (environment_error) return kExitUsage;
  // One inventory is one document (a JSON array, a markdown table): a
  // directory of projects would print several, one after the other.
  if (compilations.size() > 1) {
    print_several_projects(options.path, compilations.size());
    return kExitUsage;
  }
  bool failed = false;
  for (const auto& c : compilations) {
    if (c->diagnostics.error_count() > 0) {
      print_error(c->root + ": the project has errors; run `flowc check` (the inventory below may be incomplete)");
      failed = true;
    }
    std::vector<inventory::Entry> entries = inventory::build(c->model);
    if (options.format == "json") {
      inventory::render_json(entries, std::cout);
      continue;
    }
    std::ostringstream text;
    if (options.format == "markdown") inventory::render_markdown(entries, text);
    else inventory::render_human(entries, text);
    print_human(text.str());
  }
  return failed ? kExitFailed : kExitOk;
}

}  // namespace flowc::cli
