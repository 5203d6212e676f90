// The embedded cluster against the real PostgreSQL server binaries.
#include "runtime/localpg/localpg.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stop_token>
#include <thread>

#include "runtime/process/process.h"
#include "tests/support/file_text.h"

using namespace flowc::runtime;

TEST_CASE("without the server's binaries, the message names the Debian package to install") {
  std::filesystem::path empty =
      std::filesystem::temp_directory_path() / ("flowc-no-postgresql-" + std::to_string(::getpid()));
  std::filesystem::create_directories(empty / "15");  // a version without initdb and pg_ctl does not count
  const char* saved = std::getenv("FLOWC_PG_BIN");
  std::string kept = saved ? saved : "";
  ::unsetenv("FLOWC_PG_BIN");
  std::string error;
  CHECK_FALSE(localpg::find_server_bin(error, empty.string()));
  CHECK(error ==
        "no PostgreSQL server found (looked in " + empty.string() +
            "/*/bin): install the Debian package `postgresql-15` (apt-get install postgresql-15), or give "
            "a DSN (--dsn, --state-dsn or FLOW_STATE_DSN)");
  if (saved) ::setenv("FLOWC_PG_BIN", kept.c_str(), 1);
  std::filesystem::remove_all(empty);
}

TEST_CASE("a private cluster is created once, reused, answers on its socket and stops") {
  std::string error;
  if (!localpg::find_server_bin(error)) {
    MESSAGE("skipped: " << error);
    return;
  }
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("flowc-localpg-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::all);  // the postgres user must reach it as root
  std::string pg = (dir / "pg").string();

  auto cluster = localpg::ensure_running(pg, error);
  REQUIRE_MESSAGE(cluster, error);
  CHECK(cluster->found == localpg::Found::Missing);
  ProcessOptions psql;
  psql.argv = {"psql", cluster->dsn(), "-XAtc", "select 40 + 2"};
  psql.env = {"PATH=/usr/bin:/bin"};
  ProcessResult r = run_process(psql);
  CHECK(r.output == "42\n");
  // The server's recorded command line has the whole path: `pg_ctl restart -D <path>`, run from
  // anywhere, starts it again.
  CHECK(flowc::testing::file_text(std::filesystem::path(pg) / "postmaster.opts")
            .find("\"-D\" \"" + pg + "\"") != std::string::npos);

  auto again = localpg::ensure_running(pg, error);  // already running: reused
  REQUIRE(again);
  CHECK(again->dsn() == cluster->dsn());
  CHECK(again->found == localpg::Found::Running);

  CHECK(localpg::stop(pg, error));
  CHECK(run_process(psql).exit_code != 0);  // stopped: nothing answers
  auto restarted = localpg::ensure_running(pg, error);
  REQUIRE_MESSAGE(restarted, error);
  CHECK(restarted->found == localpg::Found::Stopped);
  CHECK(localpg::stop(pg, error));
  CHECK(localpg::stop(pg, error));         // stopping twice is fine
  std::filesystem::remove_all(dir);
}

namespace {

/// `SELECT 40 + 2` through psql with `dsn`: "42\n" when the cluster answers.
std::string answer(const std::string& dsn) {
  ProcessOptions psql;
  psql.argv = {"psql", dsn, "-XAtc", "select 40 + 2"};
  psql.env = {"PATH=/usr/bin:/bin"};
  return run_process(psql).output;
}

/// A new directory under the temporary directory, reachable by the
/// postgres user (as root the server runs as `postgres`).
std::filesystem::path scratch(const std::string& name) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::all);
  return dir;
}

}  // namespace

TEST_CASE("a private cluster in a path with a blank, quotes, a backslash, a `$` and non-ASCII letters") {
  std::string error;
  if (!localpg::find_server_bin(error)) {
    MESSAGE("skipped: " << error);
    return;
  }
  std::filesystem::path root = scratch("flowc-localpg-odd");
  // Each is syntax somewhere: libpq's DSN (blank, quote, backslash),
  // postgresql.conf (quote, backslash), the socket directory list (`"`),
  // the shell pg_ctl starts the server with (`"`, `$`).
  std::filesystem::path odd = root / "sp ace q'uote \"dq\" back\\slash $HOME é";
  std::filesystem::create_directories(odd);
  std::string pg = (odd / "pg").string();

  auto cluster = localpg::ensure_running(pg, error);
  REQUIRE_MESSAGE(cluster, error);
  CHECK(cluster->dir == pg);
  CHECK(cluster->dsn("postgres").starts_with("host='" + root.string() +
                                             "/sp ace q\\'uote \"dq\" back\\\\slash $HOME é/pg' port=5432 user="));
  CHECK(answer(cluster->dsn()) == "42\n");
  CHECK(localpg::stop(pg, error));
  auto restarted = localpg::ensure_running(pg, error);  // the written configuration reads back
  REQUIRE_MESSAGE(restarted, error);
  CHECK(restarted->found == localpg::Found::Stopped);
  CHECK(answer(restarted->dsn()) == "42\n");
  CHECK(localpg::stop(pg, error));

  // A comma cannot be written in libpq's `host`: refused before anything is created.
  std::filesystem::path comma = root / "a,b" / "pg";
  CHECK_FALSE(localpg::ensure_running(comma.string(), error));
  CHECK(error == "the private cluster's directory " + comma.string() +
                     " has a comma, which libpq reads as a list of hosts: move the project to a path without "
                     "one, or give a DSN (--dsn, --state-dsn or FLOW_STATE_DSN)");
  CHECK_FALSE(std::filesystem::exists(comma));
  std::filesystem::remove_all(root);
}

TEST_CASE("a project moved to another directory: its cluster's socket follows it, said once") {
  std::string error;
  if (!localpg::find_server_bin(error)) {
    MESSAGE("skipped: " << error);
    return;
  }
  std::filesystem::path root = scratch("flowc-localpg-moved");
  std::filesystem::create_directories(root / "before");
  const std::string before = (root / "before" / "pg").string();
  REQUIRE_MESSAGE(localpg::ensure_running(before, error), error);
  REQUIRE(localpg::stop(before, error));
  std::filesystem::rename(root / "before", root / "after");
  const std::string after = (root / "after" / "pg").string();

  auto moved = localpg::ensure_running(after, error);
  REQUIRE_MESSAGE(moved, error);
  CHECK(answer(moved->dsn()) == "42\n");
  CHECK(moved->notes ==
        std::vector<std::string>{"the private cluster in " + after +
                                 " was made in another directory: its socket is now in this one"});
  CHECK(localpg::stop(after, error));
  auto again = localpg::ensure_running(after, error);
  REQUIRE_MESSAGE(again, error);
  CHECK(again->notes.empty());
  CHECK(answer(again->dsn()) == "42\n");
  CHECK(localpg::stop(after, error));
  std::filesystem::remove_all(root);
}

TEST_CASE("a socket path over the Unix limit is refused before anything is created, one at the limit works") {
  std::string error;
  if (!localpg::find_server_bin(error)) {
    MESSAGE("skipped: " << error);
    return;
  }
  std::filesystem::path root = scratch("flowc-localpg-long");
  const std::string socket = "/pg/.s.PGSQL.5432";
  // A directory name that makes `<root>/<name>/pg/.s.PGSQL.5432` exactly `size` bytes.
  auto pg_at = [&](size_t size) {
    return root / std::string(size - root.string().size() - 1 - socket.size(), 'x') / "pg";
  };

  std::filesystem::path too_long = pg_at(108);
  CHECK_FALSE(localpg::ensure_running(too_long.string(), error));
  CHECK(error == "the private cluster's socket path " + too_long.string() + "/.s.PGSQL.5432 is 108 bytes, over the "
                 "107 a Unix socket path may have: move the project to a shorter path, or give a DSN (--dsn, "
                 "--state-dsn or FLOW_STATE_DSN)");
  CHECK_FALSE(std::filesystem::exists(too_long));

  std::filesystem::path at_limit = pg_at(107);
  auto cluster = localpg::ensure_running(at_limit.string(), error);
  REQUIRE_MESSAGE(cluster, error);
  CHECK(answer(cluster->dsn()) == "42\n");
  CHECK(localpg::stop(at_limit.string(), error));
  std::filesystem::remove_all(root);
}

TEST_CASE("an initdb killed half-way leaves no cluster behind: the next start makes a whole one") {
  std::string error;
  if (!localpg::find_server_bin(error)) {
    MESSAGE("skipped: " << error);
    return;
  }
  std::filesystem::path root = scratch("flowc-localpg-half");
  std::string pg = (root / "pg").string();
  // An initdb that has written PG_VERSION when it is killed.
  std::filesystem::path fake = root / "fakebin";
  std::filesystem::create_directories(fake);
  std::ofstream(fake / "initdb") << "#!/bin/sh\nmkdir -p \"$2\" && echo 15 > \"$2/PG_VERSION\" && kill -9 $$\n";
  std::filesystem::permissions(fake, std::filesystem::perms::all);
  std::filesystem::permissions(fake / "initdb", std::filesystem::perms::all);
  ::setenv("FLOWC_PG_BIN", fake.c_str(), 1);
  CHECK_FALSE(localpg::ensure_running(pg, error));
  ::unsetenv("FLOWC_PG_BIN");
  CHECK(error.starts_with("initdb failed: "));
  CHECK_FALSE(std::filesystem::exists(root / "pg"));

  auto cluster = localpg::ensure_running(pg, error);
  REQUIRE_MESSAGE(cluster, error);
  CHECK(cluster->found == localpg::Found::Missing);
  CHECK(answer(cluster->dsn()) == "42\n");
  CHECK_FALSE(std::filesystem::exists(root / "pg.new"));
  REQUIRE(localpg::stop(pg, error));

  // A directory with something else in it is not taken for a cluster, nor emptied.
  std::filesystem::create_directories(root / "other");
  std::ofstream(root / "other" / "notes.txt") << "mine\n";
  CHECK_FALSE(localpg::ensure_running((root / "other").string(), error));
  CHECK(error == (root / "other").string() +
                     " is not empty and holds no PostgreSQL cluster (no PG_VERSION): move it away, or give a DSN "
                     "(--dsn, --state-dsn or FLOW_STATE_DSN)");
  CHECK(std::filesystem::exists(root / "other" / "notes.txt"));
  std::filesystem::remove_all(root);
}

TEST_CASE("a server that does not start: the error ends with what its log says") {
  std::string error;
  if (!localpg::find_server_bin(error)) {
    MESSAGE("skipped: " << error);
    return;
  }
  std::filesystem::path root = scratch("flowc-localpg-broken");
  std::string pg = (root / "pg").string();
  REQUIRE_MESSAGE(localpg::ensure_running(pg, error), error);
  REQUIRE(localpg::stop(pg, error));
  std::ofstream(root / "pg" / "postgresql.conf", std::ios::app) << "no_such_setting = 1\n";

  CHECK_FALSE(localpg::ensure_running(pg, error));
  CHECK(error.starts_with("cannot start the private cluster in " + pg + "; the server's log (" + pg +
                          "/server.log) ends:\n  "));
  CHECK(error.find("unrecognized configuration parameter \"no_such_setting\"") != std::string::npos);
  CHECK(error.find("Examine the log output") == std::string::npos);
  std::filesystem::remove_all(root);
}

namespace {

/// A `sleep 60` child: a live process that is no server. As root it runs as
/// `postgres`, the server's user, as the process that took a server's PID
/// would have to for pg_ctl to take it for the server.
pid_t start_sleeper() {
  const passwd* server_user = ::geteuid() == 0 ? ::getpwnam("postgres") : nullptr;
  const uid_t uid = server_user ? server_user->pw_uid : ::geteuid();
  const gid_t gid = server_user ? server_user->pw_gid : ::getegid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (server_user && (::setgid(gid) != 0 || ::setuid(uid) != 0)) ::_exit(127);
    ::execl("/bin/sleep", "sleep", "60", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

/// Whether child `pid` is still running (not exited, not killed).
bool still_running(pid_t pid) { return ::waitpid(pid, nullptr, WNOHANG) == 0; }

/// `text` with its first line (the PID of a server's lock file) replaced by `pid`.
std::string with_pid(const std::string& text, pid_t pid) {
  return std::to_string(pid) + text.substr(text.find('\n'));
}

}  // namespace

TEST_CASE("a stale postmaster.pid naming a live process: removed, said, the server started, none signalled") {
  std::string error;
  if (!localpg::find_server_bin(error)) {
    MESSAGE("skipped: " << error);
    return;
  }
  std::filesystem::path root = scratch("flowc-localpg-stale");
  const std::filesystem::path pg = root / "pg";
  REQUIRE_MESSAGE(localpg::ensure_running(pg.string(), error), error);
  // What a crash leaves: the server's lock files, as they were while it ran.
  const std::filesystem::path pid_file = pg / "postmaster.pid";
  const std::filesystem::path socket_lock = pg / ".s.PGSQL.5432.lock";
  const std::string pid_text = flowc::testing::file_text(pid_file);
  const std::string socket_text = flowc::testing::file_text(socket_lock);
  REQUIRE(!pid_text.empty());
  REQUIRE(!socket_text.empty());
  REQUIRE(localpg::stop(pg.string(), error));

  // After a reboot, their PID belongs to another process of the server's user.
  const pid_t sleeper = start_sleeper();
  REQUIRE(sleeper > 0);
  auto write_stale = [&] {
    std::ofstream(pid_file) << with_pid(pid_text, sleeper);
    std::ofstream(socket_lock) << with_pid(socket_text, sleeper);
  };
  write_stale();

  // pg_ctl says "running"; flowc sees a `sleep`, removes both and starts the server.
  auto cluster = localpg::ensure_running(pg.string(), error);
  REQUIRE_MESSAGE(cluster, error);
  CHECK(cluster->found == localpg::Found::Stopped);
  const std::string why = ": its PID " + std::to_string(sleeper) + " is `sleep`, not a PostgreSQL server";
  CHECK(cluster->notes == std::vector<std::string>{"removed the stale " + pid_file.string() + why,
                                                   "removed the stale " + socket_lock.string() + why});
  CHECK(answer(cluster->dsn()) == "42\n");
  CHECK(still_running(sleeper));

  // The pid file of the live server is kept: reused, nothing removed.
  auto again = localpg::ensure_running(pg.string(), error);
  REQUIRE_MESSAGE(again, error);
  CHECK(again->found == localpg::Found::Running);
  CHECK(again->notes.empty());
  CHECK(answer(again->dsn()) == "42\n");
  REQUIRE(localpg::stop(pg.string(), error));

  // Stopping signals no one: `pg_ctl stop` would send the sleeper SIGTERM.
  write_stale();
  bool was_running = true;
  CHECK_MESSAGE(localpg::stop(pg.string(), error, &was_running), error);
  CHECK_FALSE(was_running);
  ::usleep(200 * 1000);  // for a signal, had one been sent, to have taken effect
  CHECK(still_running(sleeper));

  ::kill(sleeper, SIGKILL);
  ::waitpid(sleeper, nullptr, 0);
  std::filesystem::remove_all(root);
}

namespace {

/// A child process holding an exclusive flock on `path`, as another flowc
/// starting the cluster would, until it is killed or `seconds` pass (so that
/// a flowc that waits without limit is not held up for ever); -1 when it
/// cannot. Returns once the child holds the lock.
pid_t hold_lock(const std::filesystem::path& path, unsigned seconds) {
  int ready[2];
  if (::pipe(ready) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(ready[0]);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CREAT, 0644);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0) ::_exit(127);
    if (::write(ready[1], "x", 1) != 1) ::_exit(127);
    ::sleep(seconds);
    ::_exit(0);
  }
  ::close(ready[1]);
  char byte = 0;
  const bool holds = pid > 0 && ::read(ready[0], &byte, 1) == 1;
  ::close(ready[0]);
  return holds ? pid : -1;
}

void end(pid_t pid) {
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

/// What is written to std::cerr while it lives.
class CapturedStderr {
 public:
  CapturedStderr() : saved_(std::cerr.rdbuf(text_.rdbuf())) {}
  ~CapturedStderr() { std::cerr.rdbuf(saved_); }
  CapturedStderr(const CapturedStderr&) = delete;
  CapturedStderr& operator=(const CapturedStderr&) = delete;
  [[nodiscard]] std::string text() const { return text_.str(); }

 private:
  std::ostringstream text_;
  std::streambuf* saved_;
};

std::string waiting_line(const std::filesystem::path& lock) {
  return "flowc: waiting for another flowc that is starting or stopping the private cluster (" +
         lock.string() + ")\n";
}

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
/// Far over what the waits below take, far under the 20 s the holders hold.
constexpr auto kPromptly = std::chrono::seconds(10);

/// A scratch cluster directory `pg` whose lock file `lock` a child process
/// holds (hold_lock()) for `seconds`; the child is ended and the scratch
/// directory removed at the end of the test.
struct HeldLock {
  std::filesystem::path root, pg, lock;
  pid_t holder = -1;
  HeldLock(const std::string& name, unsigned seconds)
      : root(scratch(name)), pg(root / "pg"), lock(root / "pg.lock"), holder(hold_lock(lock, seconds)) {}
  ~HeldLock() {
    if (holder > 0) end(holder);
    std::filesystem::remove_all(root);
  }
  HeldLock(const HeldLock&) = delete;
  HeldLock& operator=(const HeldLock&) = delete;
};

}  // namespace

TEST_CASE("another process holding the cluster lock: ensure_running says it waits, gives up at its limit") {
  std::string error;
  if (!localpg::find_server_bin(error)) {
    MESSAGE("skipped: " << error);
    return;
  }
  const HeldLock held("flowc-localpg-lock-limit", 20);
  REQUIRE(held.holder > 0);
  const std::filesystem::path& pg = held.pg;
  const std::filesystem::path& lock = held.lock;

  const Clock::time_point began = Clock::now();
  std::optional<localpg::Cluster> cluster;
  std::string said;
  {
    CapturedStderr captured;
    cluster = localpg::ensure_running(pg.string(), error, {.limit = milliseconds(300)});
    said = captured.text();
  }
  CHECK(Clock::now() - began < kPromptly);
  CHECK_FALSE(cluster);
  CHECK(error == "gave up after 300 ms waiting for " + lock.string() + ": another flowc process (PID " +
                     std::to_string(held.holder) +
                     ") holds it, starting or stopping the private cluster; if it hangs (suspended with "
                     "Ctrl-Z?), resume or end it");
  CHECK(said == waiting_line(lock));
  CHECK_FALSE(std::filesystem::exists(pg));  // nothing made without the lock
  if (cluster) localpg::stop(pg.string(), error);
}

TEST_CASE("another process holding the cluster lock: stop gives up at its limit too") {
  std::string error;
  if (!localpg::find_server_bin(error)) {
    MESSAGE("skipped: " << error);
    return;
  }
  const HeldLock held("flowc-localpg-lock-stop", 20);
  REQUIRE(held.holder > 0);
  const std::filesystem::path& pg = held.pg;
  const std::filesystem::path& lock = held.lock;
  std::filesystem::create_directories(pg);
  std::ofstream(pg / "PG_VERSION") << "15\n";  // what stop() looks for before it takes the lock

  const Clock::time_point began = Clock::now();
  bool stopped = true;
  std::string said;
  {
    CapturedStderr captured;
    stopped = localpg::stop(pg.string(), error, nullptr, {.limit = milliseconds(200)});
    said = captured.text();
  }
  CHECK(Clock::now() - began < kPromptly);
  CHECK_FALSE(stopped);
  CHECK(error.starts_with("gave up after 200 ms waiting for " + lock.string() + ": another flowc process"));
  CHECK(said == waiting_line(lock));
}

TEST_CASE("a stop request ends the wait for the cluster lock at once") {
  std::string error;
  if (!localpg::find_server_bin(error)) {
    MESSAGE("skipped: " << error);
    return;
  }
  const HeldLock held("flowc-localpg-lock-cancel", 20);
  REQUIRE(held.holder > 0);
  const std::filesystem::path& pg = held.pg;
  const std::filesystem::path& lock = held.lock;

  // What flowc's Interrupts does at Ctrl-C, while the default limit is far off.
  std::stop_source interrupt;
  std::jthread ctrl_c([&interrupt] {
    std::this_thread::sleep_for(milliseconds(200));
    interrupt.request_stop();
  });
  const Clock::time_point began = Clock::now();
  std::optional<localpg::Cluster> cluster;
  {
    CapturedStderr captured;
    cluster = localpg::ensure_running(pg.string(), error, {.cancel = interrupt.get_token()});
  }
  CHECK(Clock::now() - began < kPromptly);
  CHECK_FALSE(cluster);
  CHECK(error == "interrupted while waiting for another flowc that is starting or stopping the private "
                 "cluster (" + lock.string() + ")");
  CHECK_FALSE(std::filesystem::exists(pg));
  if (cluster) localpg::stop(pg.string(), error);
}

TEST_CASE("the wait for the cluster lock is said once and ends when the holder lets go: the cluster starts") {
  std::string error;
  if (!localpg::find_server_bin(error)) {
    MESSAGE("skipped: " << error);
    return;
  }
  HeldLock held("flowc-localpg-lock-turn", 1);  // the holder exits after a second, which drops its lock
  REQUIRE(held.holder > 0);
  const std::filesystem::path& pg = held.pg;
  const std::filesystem::path& lock = held.lock;

  std::optional<localpg::Cluster> cluster;
  std::string said;
  {
    CapturedStderr captured;
    cluster = localpg::ensure_running(pg.string(), error);
    said = captured.text();
  }
  REQUIRE_MESSAGE(cluster, error);
  CHECK(cluster->found == localpg::Found::Missing);
  CHECK(said == waiting_line(lock));  // once, not once per look at the lock
  CHECK(answer(cluster->dsn()) == "42\n");

  ::waitpid(held.holder, nullptr, 0);
  held.holder = -1;
  CHECK(localpg::stop(pg.string(), error));
}
