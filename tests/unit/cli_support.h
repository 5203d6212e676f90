// What the tests of the flowc binary as a user meets it share: running
// `flowc ARGS` with its output captured, scratch projects, and running as
// `nobody` where permissions matter (cli_test.cpp, cli_project_test.cpp).
#pragma once

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>

namespace cli_testing {

namespace fs = std::filesystem;

/// This process's scratch directories (flowc() output files, scratch()
/// projects), removed when the process ends: CTest runs each case as a
/// process of its own, so no case's files outlive it in /tmp.
struct ScratchCleanup {
  ScratchCleanup() = default;
  ScratchCleanup(const ScratchCleanup&) = delete;
  ScratchCleanup& operator=(const ScratchCleanup&) = delete;
  ~ScratchCleanup() {
    std::error_code ec;
    const std::string pid = std::to_string(::getpid());
    fs::remove_all(fs::temp_directory_path(ec) / ("flowc-cli-test-" + pid), ec);
    fs::remove_all(fs::temp_directory_path(ec) / ("flowc-cli-" + pid), ec);
  }
};
inline ScratchCleanup scratch_cleanup;

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// The one file reader of the tests is tests/support/file_text.h; these
// tests see no `flowc` namespace (their flowc() runs the binary), so they
// keep their own.
inline std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// How flowc is started: `before` goes in front of the command (variables,
/// setpriv), `stdin` is what it reads (a shell redirect or pipe source), and
/// stdout goes to `stdout_to` instead of the captured file when set.
struct Launch {
  std::string before{};
  std::string stdin_redirect = "</dev/null";
  std::string stdout_to{};
};

/// Runs `flowc ARGS` with stdin from /dev/null and a 60 s limit (a hang fails
/// the test instead of blocking the suite).
inline Result flowc(const std::string& args, const Launch& launch = {}) {
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() / ("flowc-cli-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path out = dir / ("out" + std::to_string(counter));
  fs::path err = dir / ("err" + std::to_string(counter++));
  std::string command = launch.before + " timeout 60 " + std::string(FLOWC_BINARY) + " " + args + " " +
                        launch.stdin_redirect + " >" + (launch.stdout_to.empty() ? out.string() : launch.stdout_to) +
                        " 2>" + err.string();
  int status = std::system(("bash -c '" + command + "'").c_str());
  Result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

/// Permissions are ignored for root: as root, flowc runs as `nobody` for the
/// tests of unreadable files. Empty (and the test skipped) when root cannot
/// drop its privileges.
inline std::optional<Launch> unprivileged() {
  if (::geteuid() != 0) return Launch{};
  if (std::system("setpriv --reuid=nobody --regid=nogroup --clear-groups true >/dev/null 2>&1") != 0)
    return std::nullopt;
  return Launch{"setpriv --reuid=nobody --regid=nogroup --clear-groups"};
}


inline fs::path scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("flowc-cli-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

/// A copy of examples/daily_kpi that `nobody` can read: its files, not the
/// `.flow` that `make demo` leaves there (a running cluster's socket cannot
/// be copied).
inline fs::path copy_example(const std::string& name) {
  fs::path dir = scratch(name);
  fs::create_directories(dir);
  for (const fs::directory_entry& entry : fs::directory_iterator(fs::path(FLOWC_SOURCE_DIR) / "examples" / "daily_kpi")) {
    if (entry.path().filename() == ".flow") continue;
    fs::copy(entry.path(), dir / entry.path().filename(), fs::copy_options::recursive);
  }
  return dir;
}

inline void write(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}


}  // namespace cli_testing
