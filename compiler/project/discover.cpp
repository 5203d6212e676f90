#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
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

bool is_flow_name(const fs::path& p) { return p.extension() == ".flow" || p.filename() == "flow.project"; }

}  // namespace

bool is_flow_source(const std::string& path) { return is_flow_name(fs::path(path)); }

std::optional<std::string> enclosing_project(const std::string& dir) {
  std::error_code ec;
  std::optional<fs::path> root = project_root_above(fs::absolute(dir.empty() ? "." : dir, ec));
  if (!root) return std::nullopt;
  return root->string();
}

namespace {

/// Every .flow file below `dir`, not descending into skipped directories
/// (nor, with `stop_at_projects`, into nested projects: directories with their
/// own flow.project). A directory that cannot be listed is an error, never
/// skipped: its files would be missing from the project without a word. So
/// is a link to a file outside `top`, the project's root (empty: not checked).
void walk(const fs::path& dir, const fs::path& top, bool stop_at_projects, std::vector<std::string>& out,
          std::vector<LoadError>& errors) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    errors.push_back({dir.lexically_normal().string(), ec.message()});
    return;
  }
  std::vector<fs::path> subdirectories;
  for (fs::directory_iterator end; it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    std::error_code type_ec;
    if (it->is_directory(type_ec)) {
      // A link to a directory is not followed (it may loop), as before.
      if (!skipped_directory(p) && !it->is_symlink(type_ec)) subdirectories.push_back(p);
      continue;
    }
    if (!is_flow_name(p)) continue;
    if (!top.empty() && it->is_symlink(type_ec) && links_outside(p.string(), top.string()))
      errors.push_back({p.lexically_normal().string(), "a link to a file outside the project"});
    else
      out.push_back(p.lexically_normal().string());
  }
  if (ec) errors.push_back({dir.lexically_normal().string(), ec.message()});
  std::sort(subdirectories.begin(), subdirectories.end());
  for (const fs::path& sub : subdirectories) {
    std::error_code exists_ec;
    if (stop_at_projects && fs::exists(sub / "flow.project", exists_ec)) continue;
    walk(sub, top, stop_at_projects, out, errors);
  }
}

/// Every .flow file of the project at `root`.
void collect(const fs::path& root, std::vector<std::string>& out, std::vector<LoadError>& errors) {
  walk(root, root, true, out, errors);
}

}  // namespace

std::vector<ProjectFiles> discover(const std::vector<std::string>& paths, std::vector<LoadError>& errors) {
  std::vector<std::string> roots;  // in first-seen order
  std::map<std::string, std::vector<std::string>> extra;  // files named alone, outside their root's walk
  auto root_of = [](fs::path dir, const fs::path& fallback) {
    if (dir.empty()) dir = ".";  // the parent of `w.flow`
    std::error_code ec;
    fs::path absolute = fs::absolute(dir, ec);
    std::optional<fs::path> above = project_root_above(absolute);
    if (!above) return fallback.lexically_normal();
    // Lexically, as `above` was found: through a link to a directory the
    // root is the link's ancestor, not the target's.
    return (dir / above->lexically_relative(absolute)).lexically_normal();
  };
  // One project named two ways (`p`, `p/`, `p/.`, its absolute path) is
  // one root, spelled as it was first named.
  std::map<std::string, std::string> spelled;  // the root's canonical path -> its key
  auto add_root = [&](const fs::path& root) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(root, ec);
    const std::string identity = ec ? root.lexically_normal().string() : canonical.string();
    auto [it, inserted] = spelled.try_emplace(identity, root.string());
    if (inserted) roots.push_back(it->second);
    return it->second;
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
      if (!is_flow_name(path)) {
        errors.push_back({given, "not a .flow file"});
        continue;
      }
      fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
      fs::path root = root_of(dir, dir);
      // Spelled from the root, as the root's walk spells it (`../flows/w.flow`
      // for `w.flow` in a subdirectory), so that the two are one file.
      // Lexically: a link is kept as the link, which the walk checks.
      fs::path relative = fs::absolute(path, ec).lexically_normal().lexically_relative(
          fs::absolute(root, ec).lexically_normal());
      fs::path file = ec || relative.empty() ? path : root / relative;
      extra[add_root(root)].push_back(file.lexically_normal().string());
      continue;
    }
    // Every .flow file below the directory, grouped by its project root.
    std::vector<std::string> found;
    size_t errors_before = errors.size();
    walk(path, {}, false, found, errors);         // finds the roots; their own walks check links
    if (errors.size() > errors_before) continue;  // reported: the directory cannot be read
    if (found.empty()) {
      // A folder of a project without sources of its own (`sql/`): the
      // project above it, as a file given alone would be.
      std::error_code ec;
      fs::path absolute = fs::absolute(path, ec);
      std::optional<fs::path> above = ec ? std::nullopt : project_root_above(absolute.parent_path());
      if (above && !fs::exists(absolute / "flow.project", ec)) {
        add_root(root_of(path, path));
        continue;
      }
      errors.push_back({given, "no .flow files found in this directory", /*no_sources=*/true});
      continue;
    }
    for (const std::string& file : found) add_root(root_of(fs::path(file).parent_path(), path));
  }
  std::vector<ProjectFiles> projects;
  for (const std::string& root : roots) {
    std::vector<std::string> files;
    std::vector<LoadError> walk_errors;
    collect(root, files, walk_errors);
    // A directory the first walk reported already is reported once.
    for (LoadError& e : walk_errors) {
      auto same = [&](const LoadError& seen) { return seen.path == e.path && seen.message == e.message; };
      if (std::none_of(errors.begin(), errors.end(), same)) errors.push_back(std::move(e));
    }
    // A file named alone through a link to a directory is spelled otherwise
    // than the walk spells it (which follows no link): one file, once.
    if (!extra[root].empty()) {
      std::set<std::string> walked;
      for (const std::string& f : files) {
        std::error_code ec;
        walked.insert(fs::weakly_canonical(f, ec).string());
      }
      for (const std::string& f : extra[root]) {
        std::error_code ec;
        if (!walked.count(fs::weakly_canonical(f, ec).string())) files.push_back(f);
      }
    }
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    projects.push_back({root, std::move(files)});
  }
  return projects;
}

}  // namespace flowc::project
