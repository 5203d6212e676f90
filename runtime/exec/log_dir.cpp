#include "runtime/exec/log_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>

#include <fmt/format.h>

#include "compiler/source/source.h"
#include "runtime/process/process.h"

namespace flowc::runtime::exec {
namespace {

namespace fs = std::filesystem;

/// The offset of the first byte of `text` that is not valid UTF-8 (as
/// PostgreSQL's UTF8 encoding accepts it), or npos.
size_t invalid_utf8_at(std::string_view text) {
  uint32_t bad = 0;
  return is_valid_utf8(text, bad) ? std::string_view::npos : bad;
}

std::string errno_text(int error) { return std::strerror(error); }

/// The first line of the marker `file`, read as flowc wrote it: a regular
/// file (not a FIFO that would block the open, nor a link to /dev/zero that
/// never ends), and at most a line's worth of it; "" otherwise.
std::string first_line_of(const fs::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return "";
  struct stat st {};
  std::string text;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    char buffer[4096];  // an identity is a few hundred bytes at most (names of 63)
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) text.assign(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return text.substr(0, text.find('\n'));
}

/// Writes `text` to a new file `path`; "" or why not.
std::string write_new_file(const fs::path& path, std::string_view text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return errno_text(errno);
  int error = write_all(fd, text);
  if (::close(fd) != 0 && error == 0) error = errno;
  return error == 0 ? "" : errno_text(error);
}

enum class Made : uint8_t { Yes, Taken, Error };

/// Makes `dir` with its marker naming `identity`: under a temporary name in
/// `log_dir`, then renamed, so it never exists without its marker. Taken:
/// `dir` appeared meanwhile (another process made it).
Made make_with_marker(const fs::path& log_dir, const fs::path& dir, const std::string& identity,
                      std::string& error) {
  static std::atomic<uint64_t> made{0};
  fs::path temporary = log_dir / fmt::format(".{}.{}-{}.tmp", dir.filename().string(), ::getpid(), made++);
  if (::mkdir(temporary.c_str(), 0777) != 0) {
    error = fmt::format("cannot create {}: {}", escape_invalid_utf8(temporary.string()), errno_text(errno));
    return Made::Error;
  }
  std::string written = write_new_file(temporary / kRunMarker, identity + "\n");
  int renamed = written.empty() ? ::rename(temporary.c_str(), dir.c_str()) : -1;
  int rename_error = errno;
  if (renamed == 0) return Made::Yes;
  std::error_code ignored;
  fs::remove_all(temporary, ignored);
  if (!written.empty()) {
    error = fmt::format("cannot write {}: {}", escape_invalid_utf8((temporary / kRunMarker).string()), written);
    return Made::Error;
  }
  if (rename_error == EEXIST || rename_error == ENOTEMPTY) return Made::Taken;
  error = fmt::format("cannot create {}: {}", escape_invalid_utf8(dir.string()), errno_text(rename_error));
  return Made::Error;
}

}  // namespace

std::string log_dir_problem(const std::string& log_dir) {
  const std::string shown = escape_invalid_utf8(log_dir);
  if (invalid_utf8_at(log_dir) != std::string_view::npos)
    return fmt::format(
        "the attempt log directory {} is not a UTF-8 path: the state database (PostgreSQL) cannot store "
        "the paths of the logs; rename the directory",
        shown);
  std::error_code ec;
  fs::create_directories(log_dir, ec);
  if (ec) return fmt::format("the attempt log directory {} cannot be created: {}", shown, ec.message());
  if (!fs::is_directory(log_dir, ec))
    return fmt::format("the attempt log directory {} cannot be created: it is not a directory", shown);
  std::string probe = (fs::path(log_dir) / ".flowc-write-check-XXXXXX").string();
  int fd = ::mkstemp(probe.data());
  if (fd < 0)
    return fmt::format("the attempt log directory {} cannot be written: {}", shown, errno_text(errno));
  // A byte written tells a full disk from a writable one.
  int write_error = write_all(fd, "\n");
  ::close(fd);
  ::unlink(probe.c_str());
  if (write_error != 0)
    return fmt::format("the attempt log directory {} cannot be written: {}", shown, errno_text(write_error));
  return "";
}

RunLogDir run_log_dir(const std::string& log_dir, int64_t run_id, const std::string& run_identity) {
  RunLogDir out;
  // The marker's first line is the identity.
  std::string identity = run_identity;
  for (char& c : identity)
    if (c == '\n' || c == '\r') c = ' ';
  std::error_code ec;
  fs::create_directories(log_dir, ec);
  if (ec) {
    out.error =
        fmt::format("the attempt log directory {} cannot be created: {}", escape_invalid_utf8(log_dir), ec.message());
    return out;
  }
  // Far more than any project sees: one more per state database used with it.
  constexpr int kNames = 1000;
  for (int n = 1; n <= kNames; ++n) {
    fs::path dir = fs::path(log_dir) / (n == 1 ? std::to_string(run_id) : fmt::format("{}-{}", run_id, n));
    // Once more when another process made the directory meanwhile: it may be this run's.
    for (int look = 0; look < 2; ++look) {
      if (fs::exists(fs::symlink_status(dir, ec))) {
        if (fs::is_directory(dir, ec) && first_line_of(dir / kRunMarker) == identity) {
          out.path = dir.string();
          return out;
        }
        break;  // another run's: the next name
      }
      switch (make_with_marker(log_dir, dir, identity, out.error)) {
        case Made::Yes: out.path = dir.string(); return out;
        case Made::Error: return out;
        case Made::Taken: continue;
      }
    }
  }
  out.error = fmt::format("no free directory for the logs of run {} in {} ({} names tried)", run_id,
                          escape_invalid_utf8(log_dir), kNames);
  return out;
}

std::string attempt_log_path(const std::string& run_dir, const std::string& task, uint32_t attempt) {
  return (fs::path(run_dir) / fmt::format("{}.{}.log", task, attempt)).string();
}

}  // namespace flowc::runtime::exec
