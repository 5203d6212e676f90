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

/// Parses the standard library into `c`. Without `errors` its problems are
/// ignored (its names are then unknown); with it, a directory that cannot be
/// listed, holds no .flow file, or has one that cannot be read is reported.
void load_stdlib(Compilation& c, const std::string& stdlib_dir, std::vector<LoadError>* errors) {
  std::vector<std::string> files;
  std::error_code ec;
  fs::directory_iterator it(stdlib_dir, ec);
  for (fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".flow") files.push_back(it->path().string());
  }
  if (errors != nullptr && (ec || files.empty())) {
    errors->push_back({stdlib_dir, "cannot read the standard library: " +
                                       (ec ? ec.message() : std::string("no .flow files in this directory")) +
                                       " (FLOWC_STDLIB names its directory)"});
    return;
  }
  std::sort(files.begin(), files.end());
  for (const std::string& path : files) {
    std::string error;
    std::optional<std::string> text = read_file(path, error);
    if (!text) {
      if (errors != nullptr) errors->push_back({path, error});
      continue;
    }
    FileId id = c.sources.add(path, std::move(*text));
    c.stdlib_trees.push_back(syntax::parse(c.sources.buffer(id), id, c.diagnostics));
  }
}

void run_checker(Compilation& c, std::vector<check::UnreadableFile>* unreadable) {
  check::CheckInput input;
  input.sources = &c.sources;
  input.unreadable = unreadable;
  input.root = c.root;
  for (const auto& tree : c.stdlib_trees) input.stdlib.push_back(&tree);
  for (const auto& tree : c.trees) input.project.push_back(&tree);
  c.model = check::check(input, c.diagnostics);
  c.diagnostics.sort();
}

/// compile_sources(), reporting what cannot be read into `errors` when set,
/// for the project at `root` ("" = none known).
std::unique_ptr<Compilation> compile_files(std::vector<std::pair<std::string, std::string>> files,
                                           const std::string& stdlib_dir, std::vector<LoadError>* errors,
                                           const std::string& root) {
  auto c = std::make_unique<Compilation>();
  c->root = root;
  load_stdlib(*c, stdlib_dir, errors);
  std::vector<FileId> flow_files;
  for (auto& [path, text] : files) {
    bool flow = is_flow_file(path);
    FileId id = c->sources.add(std::move(path), std::move(text));
    if (flow) flow_files.push_back(id);
  }
  for (FileId id : flow_files) c->trees.push_back(syntax::parse(c->sources.buffer(id), id, c->diagnostics));
  std::vector<check::UnreadableFile> unreadable;
  run_checker(*c, errors != nullptr ? &unreadable : nullptr);
  for (check::UnreadableFile& file : unreadable) {
    auto same = [&](const LoadError& e) { return e.path == file.path; };
    if (std::none_of(errors->begin(), errors->end(), same)) errors->push_back({file.path, file.message});
  }
  return c;
}

}  // namespace

std::unique_ptr<Compilation> compile_sources(std::vector<std::pair<std::string, std::string>> files,
                                             const std::string& stdlib_dir) {
  return compile_files(std::move(files), stdlib_dir, nullptr, "");
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
  return compile_files(std::move(files), stdlib_dir, &errors, project.root);
}

}  // namespace flowc::project
