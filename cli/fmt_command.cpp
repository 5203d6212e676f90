#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>

#include "cli/commands.h"
#include "cli/load.h"
#include "cli/terminal.h"
#include "compiler/diagnostics/render.h"
#include "compiler/dsn/written_passwords.h"
#include "compiler/format/format.h"
#include "compiler/syntax/parse.h"
#include "compiler/textdiff/diff.h"
#include "runtime/connect/secrets.h"

namespace flowc::cli {

namespace {

/// Writes through a temporary file and a rename, so an interrupted `fmt`
/// never leaves a half-written source file. The file keeps its permissions
/// (and its owner and group, when this process may set them: as root).
/// A symbolic link is followed: the file it names is rewritten, the link stays.
/// A file this process may not write is refused, although the rename needs
/// only the directory: read-only means "do not rewrite me".
bool write_atomically(const std::string& given, const std::string& text, std::string& error) {
  std::error_code resolve_ec;
  std::filesystem::path resolved = std::filesystem::canonical(given, resolve_ec);
  const std::string path = resolve_ec ? given : resolved.string();
  struct stat original {};
  if (::stat(path.c_str(), &original) != 0) {
    error = std::strerror(errno);
    return false;
  }
  if (::access(path.c_str(), W_OK) != 0) {
    error = "cannot write it: " + std::string(std::strerror(errno));
    return false;
  }
  // Root may write anything; a file no one may write (`chmod a-w`) was
  // made read-only on purpose, and fmt leaves it alone for root too.
  if ((original.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0) {
    error = "cannot write it: " + std::string(std::strerror(EACCES));
    return false;
  }
  // A fresh name (O_EXCL, never a link someone left in its place), created
  // 0600 and given the file's mode before any of the text is in it.
  const std::filesystem::path target(path);
  std::string temporary =
      (target.parent_path() / ("." + target.filename().string() + ".flowc-fmt-XXXXXX")).string();
  int fd = ::mkstemp(temporary.data());
  if (fd < 0) {
    error = "cannot create a temporary file beside it: " + std::string(std::strerror(errno));
    return false;
  }
  auto fail = [&](const std::string& what) {
    error = what + ": " + std::strerror(errno);
    ::close(fd);
    ::unlink(temporary.c_str());
    return false;
  };
  // Owner first: chown may clear set-id bits that chmod then restores.
  if (::fchown(fd, original.st_uid, original.st_gid) != 0 && errno != EPERM)
    return fail("cannot set its owner");
  if (::fchmod(fd, original.st_mode & 07777) != 0) return fail("cannot set its permissions");
  for (size_t written = 0; written < text.size();) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("cannot write " + temporary);
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot write " + temporary);
  if (::close(fd) != 0) {
    error = "cannot write " + temporary + ": " + std::strerror(errno);
    ::unlink(temporary.c_str());
    return false;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    error = std::strerror(errno);
    ::unlink(temporary.c_str());
    return false;
  }
  return true;
}

/// The user part of each `http(s)://user@host` in `text`: a webhook's token
/// (E0203 for `check`, as a DSN's password is).
std::vector<std::string> url_tokens(std::string_view text) {
  std::vector<std::string> tokens;
  for (size_t at = text.find("://"); at != std::string_view::npos; at = text.find("://", at + 3)) {
    const size_t scheme =
        text.find_last_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+.-", at - 1);
    const std::string_view name = text.substr(scheme == std::string_view::npos ? 0 : scheme + 1,
                                              at - (scheme == std::string_view::npos ? 0 : scheme + 1));
    if (name != "http" && name != "https") continue;
    const std::string_view rest = text.substr(at + 3);
    const std::string_view authority = rest.substr(0, rest.find_first_of("/?#\"' \t\n"));
    const size_t user_end = authority.rfind('@');
    if (user_end == std::string_view::npos || user_end == 0) continue;
    const std::string_view user = authority.substr(0, user_end);
    if (user.find(':') == std::string_view::npos) tokens.emplace_back(user);  // user:password: a password
  }
  return tokens;
}

/// The passwords and tokens the file spells out in its strings and comments.
/// A diff shows lines of the file, and nothing secret is ever printed: a DSN
/// with a written password (E0203 for `check`) is shown with `***` instead.
/// Each string is read twice: decoded, and as written (an escape or a `${}`
/// inside a password makes the written form differ from the decoded one).
std::vector<std::string> written_secrets(const syntax::SyntaxTree& tree, const SourceBuffer& buffer) {
  std::vector<std::string> secrets;
  auto add = [&](std::string_view text) {
    for (std::string& password : dsn::written_passwords(text)) secrets.push_back(std::move(password));
    for (std::string& token : url_tokens(text)) secrets.push_back(std::move(token));
  };
  auto written = [&](SourceRange range) {
    return std::string_view(buffer.text()).substr(range.begin, range.end - range.begin);
  };
  for (const syntax::StringPart& part : tree.string_parts)
    if (!part.is_interpolation) add(part.text);
  for (const syntax::Expr& e : tree.exprs)
    if (e.kind == syntax::ExprKind::String) add(written(e.range));
  for (const syntax::Comment& comment : tree.comments) add(written(comment.range));
  return secrets;
}

}  // namespace

int run_fmt(const FmtOptions& options) {
  std::vector<std::string> paths = options.paths;
  if (paths.empty()) paths.push_back(".");
  std::vector<project::LoadError> errors;
  // A file named alone is formatted alone; a directory formats every file below it.
  std::vector<std::string> directories;
  std::vector<project::ProjectFiles> projects;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) directories.push_back(path);
    else if (project::is_flow_source(path)) projects.push_back({"", {path}});
    else errors.push_back({path, "not a .flow file"});
  }
  if (!directories.empty()) {
    for (auto& p : project::discover(directories, errors)) projects.push_back(std::move(p));
  }
  // Everything is read before anything is written: a file or directory
  // that cannot be read stops `fmt` (exit 2) with nothing changed.
  SourceManager sources;
  std::set<std::string> seen;  // each file once, however it is spelled or reached
  for (const project::ProjectFiles& p : projects) {
    for (const std::string& path : p.files) {
      std::error_code ec;
      const std::filesystem::path real = std::filesystem::weakly_canonical(path, ec);
      if (!seen.insert(ec ? path : real.string()).second) continue;
      std::string error;
      std::optional<std::string> text = read_file(path, error);
      if (text) sources.add(path, std::move(*text));
      else errors.push_back({path, error});
    }
  }
  if (!errors.empty()) {
    for (const project::LoadError& e : errors) print_error(e.path + ": " + e.message);
    return kExitUsage;
  }
  bool syntax_errors = false;
  size_t would_change = 0;
  for (uint32_t i = 0; i < sources.size(); ++i) {
    FileId id{i};
    const SourceBuffer& buffer = sources.buffer(id);
    const std::string& path = buffer.path();
    std::string error;
    DiagnosticEngine diagnostics;
    syntax::SyntaxTree tree = syntax::parse(buffer, id, diagnostics);
    if (diagnostics.error_count() > 0) {
      render_human(diagnostics.diagnostics(), sources, std::cerr, {use_color(stderr)});
      syntax_errors = true;
      continue;
    }
    std::string formatted = format::format(tree, buffer);
    if (formatted == buffer.text()) continue;
    ++would_change;
    if (options.check) {
      // As every human form: no raw escape sequence from a string, comment
      // or file name reaches the terminal. Line ends stay as they are, so a
      // CRLF file's diff still applies with `patch`.
      std::cout << printable(runtime::without_secrets(textdiff::unified_diff(path, buffer.text(), formatted),
                                                      written_secrets(tree, buffer)),
                             "\n\t\r");
      continue;
    }
    if (!write_atomically(path, formatted, error)) {
      errors.push_back({path, error});
      continue;
    }
    std::cerr << "formatted " << printable(path) << "\n";
  }
  for (const project::LoadError& e : errors) print_error(e.path + ": " + e.message);
  if (!errors.empty()) return kExitUsage;
  if (syntax_errors) return kExitFailed;
  if (options.check && would_change > 0) {
    std::cerr << would_change << (would_change == 1 ? " file needs" : " files need") << " formatting (run `flowc fmt`)\n";
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace flowc::cli
