// The golden runner: each tests/golden/check/*.flow file is a project (split
// into files by `# --- path` lines) whose expected human-rendered diagnostics
// are the `# CHECK: ` lines at its end. `--autoupdate` rewrites them.
//
//   golden_runner [--autoupdate] FILE...
//
// Naming is part of the expectation: `fail_*` files must produce at least one
// diagnostic, `ok_*` files none.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/diagnostics/render.h"
#include "compiler/project/project.h"

namespace {

namespace fs = std::filesystem;
constexpr std::string_view kCheckPrefix = "# CHECK:";
constexpr std::string_view kSplitPrefix = "# --- ";

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

struct GoldenCase {
  std::string body;                      // the file without its CHECK lines
  std::vector<std::string> expected;     // CHECK lines, prefix removed
};

GoldenCase read_case(const std::string& text) {
  GoldenCase c;
  for (const std::string& line : split_lines(text)) {
    std::string_view view(line);
    if (view.starts_with(kCheckPrefix)) {
      view.remove_prefix(kCheckPrefix.size());
      if (view.starts_with(" ")) view.remove_prefix(1);
      c.expected.emplace_back(view);
    } else {
      c.body += line;
      c.body += '\n';
    }
  }
  // Blank lines before the CHECK block belong to neither side.
  while (c.body.size() >= 2 && c.body.ends_with("\n\n")) c.body.pop_back();
  if (text.empty()) c.body.clear();
  return c;
}

/// The project files of a case: one file named after the case, or the pieces
/// introduced by `# --- path` lines.
std::vector<std::pair<std::string, std::string>> project_files(const std::string& name, const std::string& body) {
  std::vector<std::pair<std::string, std::string>> files;
  std::string current_path = name;
  std::string current;
  bool split = false;
  for (const std::string& line : split_lines(body)) {
    if (std::string_view(line).starts_with(kSplitPrefix)) {
      if (split || !current.empty()) files.emplace_back(current_path, current);
      current_path = line.substr(kSplitPrefix.size());
      current.clear();
      split = true;
      continue;
    }
    current += line;
    current += '\n';
  }
  files.emplace_back(current_path, current);
  return files;
}

std::vector<std::string> run_case(const std::string& name, const std::string& body) {
  auto compilation = flowc::project::compile_sources(project_files(name, body), flowc::project::default_stdlib_dir());
  std::ostringstream out;
  flowc::render_human(compilation->diagnostics.diagnostics(), compilation->sources, out);
  return split_lines(out.str());
}

}  // namespace

int main(int argc, char** argv) {
  bool autoupdate = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--autoupdate") autoupdate = true;
    else files.push_back(arg);
  }
  if (files.empty()) {
    std::cerr << "usage: golden_runner [--autoupdate] FILE...\n";
    return 2;
  }
  int failures = 0;
  for (const std::string& path : files) {
    std::string error;
    std::optional<std::string> text = flowc::read_file(path, error);
    if (!text) {
      std::cerr << path << ": " << error << "\n";
      return 2;
    }
    std::string name = fs::path(path).filename().string();
    GoldenCase c = read_case(*text);
    std::vector<std::string> actual = run_case(name, c.body);
    bool ok = actual == c.expected;
    if (name.starts_with("fail_") && actual.empty()) {
      std::cerr << path << ": a fail_ case produced no diagnostic\n";
      ++failures;
    }
    if (name.starts_with("ok_") && !actual.empty()) {
      std::cerr << path << ": an ok_ case produced diagnostics\n";
      ++failures;
    }
    if (ok) continue;
    if (autoupdate) {
      std::ofstream out(path, std::ios::binary);
      out << c.body;
      if (!actual.empty()) {
        if (!c.body.empty() && !c.body.ends_with("\n\n")) out << "\n";
        for (const std::string& line : actual) out << kCheckPrefix << (line.empty() ? "" : " ") << line << "\n";
      }
      std::cerr << "updated " << path << "\n";
      continue;
    }
    ++failures;
    std::cerr << path << ": output differs\n--- expected\n";
    for (const auto& line : c.expected) std::cerr << "  " << line << "\n";
    std::cerr << "--- actual\n";
    for (const auto& line : actual) std::cerr << "  " << line << "\n";
  }
  if (failures == 0) std::cout << files.size() << " passed, 0 failed\n";
  return failures == 0 ? 0 : 1;
}
