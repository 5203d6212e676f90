#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>

#include "compiler/project/project.h"

namespace flowc::project {

namespace fs = std::filesystem;

namespace {

bool skipped_directory(const fs::path& dir) {
  std::string name = dir.filename().string();
  return (!name.empty() && name[0] == '.' && name != "." && name != "..") || name == "build";
}

/// The nearest ancestor of `dir` (itself included) holding flow.project.
std::optional<fs::path> project_root_above(fs::path dir) {
  std::error_code ec;
  for (;;) {
    if (fs::exists(dir / "flow.project", ec)) return dir;
    fs::path parent = dir.parent_path();
    if (parent.empty() || parent == dir) return std::nullopt;
    dir = parent;
  }
}

/// Every .flow file below `root`, not descending into skipped directories or
/// into nested projects (directories with their own flow.project).
void collect(const fs::path& root, std::vector<std::string>& out, std::vector<LoadError>& errors) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    errors.push_back({root.string(), ec.message()});
    return;
  }
  for (auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
    if (ec) {
      errors.push_back({it->path().string(), ec.message()});
      break;
    }
    const fs::path& p = it->path();
    if (it->is_directory(ec)) {
      if (skipped_directory(p) || fs::exists(p / "flow.project", ec)) it.disable_recursion_pending();
      continue;
    }
    std::string name = p.filename().string();
    if (p.extension() == ".flow" || name == "flow.project") out.push_back(p.lexically_normal().string());
  }
}

}  // namespace

std::vector<ProjectFiles> discover(const std::vector<std::string>& paths, std::vector<LoadError>& errors) {
  std::vector<std::string> roots;  // in first-seen order
  std::map<std::string, std::vector<std::string>> extra;  // files named alone, outside their root's walk
  auto root_of = [](const fs::path& dir, const fs::path& fallback) {
    std::error_code ec;
    fs::path absolute = fs::absolute(dir, ec);
    std::optional<fs::path> above = project_root_above(absolute);
    if (!above) return fallback.lexically_normal();
    return (dir / fs::relative(*above, absolute, ec)).lexically_normal();
  };
  auto add_root = [&](const fs::path& root) {
    std::string key = root.string();
    if (std::find(roots.begin(), roots.end(), key) == roots.end()) roots.push_back(key);
    return key;
  };
  for (const std::string& given : paths) {
    std::error_code ec;
    fs::path path(given);
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      errors.push_back({given, "no such file or directory"});
      continue;
    }
    if (!fs::is_directory(status)) {
      fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
      extra[add_root(root_of(dir, dir))].push_back(path.lexically_normal().string());
      continue;
    }
    // Every .flow file below the directory, grouped by its project root.
    std::vector<std::string> found;
    std::error_code walk_ec;
    for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, walk_ec), end;
         !walk_ec && it != end; it.increment(walk_ec)) {
      if (it->is_directory(walk_ec)) {
        if (skipped_directory(it->path())) it.disable_recursion_pending();
        continue;
      }
      if (it->path().extension() == ".flow" || it->path().filename() == "flow.project") {
        found.push_back(it->path().string());
      }
    }
    if (found.empty()) {
      errors.push_back({given, "no .flow files found in this directory"});
      continue;
    }
    for (const std::string& file : found) add_root(root_of(fs::path(file).parent_path(), path));
  }
  std::vector<ProjectFiles> projects;
  for (const std::string& root : roots) {
    std::vector<std::string> files;
    collect(root, files, errors);
    for (const std::string& f : extra[root]) files.push_back(f);
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    projects.push_back({root, std::move(files)});
  }
  return projects;
}

}  // namespace flowc::project
