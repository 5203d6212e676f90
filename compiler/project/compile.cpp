#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "compiler/project/project.h"
#include "compiler/syntax/parse.h"

namespace flowc::project {

namespace fs = std::filesystem;

std::string default_stdlib_dir() {
  if (const char* env = std::getenv("FLOWC_STDLIB"); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "stdlib" / "std";
    if (fs::is_directory(installed, ec)) return installed.string();
    fs::path shared = exe.parent_path().parent_path() / "share" / "flowc" / "stdlib" / "std";
    if (fs::is_directory(shared, ec)) return shared.string();
  }
#ifdef FLOWC_SOURCE_DIR
  return std::string(FLOWC_SOURCE_DIR) + "/stdlib/std";
#else
  return "stdlib/std";
#endif
}

namespace {

bool is_flow_file(const std::string& path) {
  return path.ends_with(".flow") || path.ends_with("flow.project");
}

void load_stdlib(Compilation& c, const std::string& stdlib_dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (fs::directory_iterator it(stdlib_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".flow") files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  for (const std::string& path : files) {
    std::string error;
    std::optional<std::string> text = read_file(path, error);
    if (!text) continue;
    FileId id = c.sources.add(path, std::move(*text));
    c.stdlib_trees.push_back(syntax::parse(c.sources.buffer(id), id, c.diagnostics));
  }
}

void run_checker(Compilation& c) {
  check::CheckInput input;
  input.sources = &c.sources;
  for (const auto& tree : c.stdlib_trees) input.stdlib.push_back(&tree);
  for (const auto& tree : c.trees) input.project.push_back(&tree);
  c.model = check::check(input, c.diagnostics);
  c.diagnostics.sort();
}

}  // namespace

std::unique_ptr<Compilation> compile_sources(std::vector<std::pair<std::string, std::string>> files,
                                             const std::string& stdlib_dir) {
  auto c = std::make_unique<Compilation>();
  load_stdlib(*c, stdlib_dir);
  std::vector<FileId> flow_files;
  for (auto& [path, text] : files) {
    bool flow = is_flow_file(path);
    FileId id = c->sources.add(std::move(path), std::move(text));
    if (flow) flow_files.push_back(id);
  }
  for (FileId id : flow_files) c->trees.push_back(syntax::parse(c->sources.buffer(id), id, c->diagnostics));
  run_checker(*c);
  return c;
}

std::unique_ptr<Compilation> compile(const ProjectFiles& project, const std::string& stdlib_dir,
                                     std::vector<LoadError>& errors) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& path : project.files) {
    std::string error;
    std::optional<std::string> text = read_file(path, error);
    if (!text) {
      errors.push_back({path, error});
      continue;
    }
    files.emplace_back(path, std::move(*text));
  }
  auto c = compile_sources(std::move(files), stdlib_dir);
  c->root = project.root;
  return c;
}

}  // namespace flowc::project
