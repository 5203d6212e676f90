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

std::vector<StdlibFile> read_stdlib(const std::string& dir, std::vector<LoadError>* errors) {
  std::vector<std::string> paths;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".flow") paths.push_back(it->path().string());
  }
  if (errors != nullptr && (ec || paths.empty())) {
    errors->push_back({dir, "cannot read the standard library: " +
                                (ec ? ec.message() : std::string("no .flow files in this directory")) +
                                " (FLOWC_STDLIB names its directory)"});
    return {};
  }
  std::sort(paths.begin(), paths.end());
  std::vector<StdlibFile> files;
  for (std::string& path : paths) {
    std::string error;
    std::optional<std::string> text = read_file(path, error);
    if (!text) {
      if (errors != nullptr) errors->push_back({path, error});
      continue;
    }
    files.push_back({std::move(path), std::move(*text)});
  }
  return files;
}

namespace {

/// Parses the standard library into `c`.
void load_stdlib(Compilation& c, const std::string& stdlib_dir, std::vector<LoadError>* errors) {
  for (StdlibFile& file : read_stdlib(stdlib_dir, errors)) {
    FileId id = c.sources.add(std::move(file.path), std::move(file.text));
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
    bool flow = is_flow_source(path);
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
