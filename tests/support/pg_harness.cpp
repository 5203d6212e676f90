#include "tests/support/pg_harness.h"

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <pqxx/pqxx>
#include <stdexcept>
#include <vector>

#include "runtime/localpg/localpg.h"
#include "runtime/process/process.h"

namespace flowc::testing {
namespace {

namespace fs = std::filesystem;

/// The data directories under `root` that hold a postmaster.pid: the test
/// cluster and any private cluster a test's project started and left.
std::vector<fs::path> clusters_under(const fs::path& root) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec))
    if (it->path().filename() == "postmaster.pid") out.push_back(it->path().parent_path());
  return out;
}

/// Starts a process, in a session of its own and with no output, that waits
/// for this one to end however it ends (the end of a pipe only this process
/// holds closes then, also on SIGKILL or a CTest timeout, when no atexit
/// handler runs) and then shuts down every PostgreSQL server whose data
/// directory is under `root` and removes `root`. After a normal exit the
/// atexit handler has done both already and it finds nothing to do.
/// Without it a killed test binary leaves its servers running for good.
void start_reaper(const fs::path& root) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return;  // no reaper: the atexit handler still runs
  // A server is signalled only when the pid its postmaster.pid names runs
  // in that very directory (a postmaster's working directory is its data
  // directory): a pid reused since is some other process. Then the wait is
  // for the file, which the server removes as it ends (a zombie left
  // unreaped still answers `kill -0`).
  static const char* const script =
      "cat >/dev/null\n"
      "find \"$1\" -name postmaster.pid -exec sh -c '\n"
      "  dir=$(cd \"$(dirname \"$1\")\" && pwd -P) && pid=$(head -n 1 \"$1\") || exit 0\n"
      "  [ -n \"$pid\" ] && [ \"$(readlink \"/proc/$pid/cwd\")\" = \"$dir\" ] || exit 0\n"
      "  kill -INT \"$pid\"\n"
      "  i=0; while [ -e \"$1\" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done\n"
      "' sh {} \\; 2>/dev/null\n"
      "rm -rf \"$1\"\n";
  const std::string root_text = root.string();
  const char* argv[] = {"sh", "-c", script, "sh", root_text.c_str(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  // Nothing else the test has open (a pipe whose end a test waits for) is held.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);  // out of reach of a kill of the test's group
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, "sh", &actions, &attr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(pipe_fds[0]);
  if (rc != 0) {
    ::close(pipe_fds[1]);
    std::fprintf(stderr,
                 "test harness: no reaper for %s (%s): a kill of this binary leaves its servers running\n",
                 root_text.c_str(), std::strerror(rc));
  }
  // Else pipe_fds[1] stays open, close-on-exec, until this process ends.
}

fs::path root_dir() {
  // Never destroyed: the atexit handler below is registered while `root` is
  // still being initialised, so it runs after a static's destructor would.
  static const fs::path& root = *new fs::path([] {
    fs::path dir = fs::temp_directory_path() / ("flowc-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::all);  // the postgres user must reach it as root
    start_reaper(dir);
    std::atexit([] {
      // The test cluster, and a private cluster a failed test left running.
      for (const fs::path& cluster : clusters_under(root_dir())) {
        std::string error;
        runtime::localpg::stop(cluster.string(), error);
      }
      std::error_code ec;
      fs::remove_all(root_dir(), ec);
    });
    return dir;
  }());
  return root;
}

/// Copies the suite's template cluster (FLOWC_TEST_PG_TEMPLATE, made once by
/// CTest's `pg_template` fixture) to `dir`, its socket moved there: the copy
/// costs a third of an initdb (0.5 s against 1.2 s, paid by every
/// integration test's process). `cp -a` keeps the files' owner and modes, so
/// a copy made as root still belongs to the `postgres` user.
void copy_template(const std::string& template_dir, const std::string& dir) {
  runtime::ProcessOptions copy;
  copy.argv = {"cp", "-a", template_dir, dir};
  copy.env = runtime::current_environment();
  copy.timeout = std::chrono::seconds(120);
  runtime::ProcessResult r = runtime::run_process(copy);
  if (!r.started || r.exit_code != 0)
    throw std::runtime_error("test PostgreSQL cluster: cannot copy the template " + template_dir + ": " +
                             (r.started ? r.output : r.error));
  // The server reads the last of two settings.
  std::ofstream conf(fs::path(dir) / "postgresql.conf", std::ios::app);
  conf << "\n" << runtime::localpg::socket_directory_setting(dir) << "\n";
  if (!conf.flush())
    throw std::runtime_error("test PostgreSQL cluster: cannot write " + dir + "/postgresql.conf");
}

struct Harness {
  std::string dir;
  runtime::localpg::Cluster cluster;
};

const Harness& harness() {
  static std::once_flag once;
  static Harness h;
  std::call_once(once, [] {
    h.dir = (root_dir() / "pg").string();
    if (const char* template_dir = std::getenv("FLOWC_TEST_PG_TEMPLATE"); template_dir && *template_dir)
      copy_template(template_dir, h.dir);
    std::string error;
    auto cluster = runtime::localpg::ensure_running(h.dir, error);
    if (!cluster) throw std::runtime_error("test PostgreSQL cluster: " + error);
    h.cluster = *cluster;
  });
  return h;
}

}  // namespace

std::string fresh_database(std::string_view prefix) {
  static std::atomic<int> counter{0};
  const Harness& h = harness();
  std::string name = std::string(prefix) + "_" + std::to_string(++counter);
  pqxx::connection admin(h.cluster.dsn("postgres"));
  pqxx::nontransaction tx(admin);
  tx.exec0("drop database if exists " + admin.quote_name(name));
  tx.exec0("create database " + admin.quote_name(name));
  return h.cluster.dsn(name);
}

const std::string& test_cluster_dir() { return harness().dir; }

std::string scratch_dir(std::string_view prefix) {
  static std::atomic<int> counter{0};
  fs::path dir = root_dir() / (std::string(prefix) + "-" + std::to_string(++counter));
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::all);
  return dir.string();
}

}  // namespace flowc::testing
