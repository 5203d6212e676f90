// The embedded default: a private PostgreSQL cluster in `<project>/.flow/pg`,
// created once with the system's initdb, started with pg_ctl, listening only
// on a Unix socket inside that directory. Works as an ordinary user and as
// root (where initdb refuses to run: the server then runs as `postgres`).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace flowc::runtime::localpg {

/// Where the PostgreSQL server binaries are (highest version under
/// `<packages>/*/bin`, where Debian's packages put them, or $FLOWC_PG_BIN).
/// On failure `error` names the package to install.
std::optional<std::string> find_server_bin(std::string& error,
                                           const std::string& packages = "/usr/lib/postgresql");

/// What ensure_running() found in the directory.
enum class Found : uint8_t {
  Running,  // a running cluster: reused
  Stopped,  // a stopped one: started
  Missing,  // none: created, then started
};

struct Cluster {
  std::string dir;     // the data directory (also the socket directory)
  std::string user;    // the superuser initdb created
  int port = 5432;     // names the socket file; nothing listens on TCP
  Found found = Found::Running;
  /// What ensure_running() repaired on the way, one sentence each, for the
  /// caller to say: `removed the stale <dir>/postmaster.pid: its PID 4242 is
  /// `sleep`, not a PostgreSQL server`.
  std::vector<std::string> notes;
  /// A libpq connection string for `database`.
  [[nodiscard]] std::string dsn(const std::string& database = "postgres") const;
};

/// How long ensure_running() and stop() wait for their turn by default: longer
/// than a holder legitimately takes. The longest turn is a first start:
/// `pg_ctl status` (30 s at most), initdb (120 s) and `pg_ctl start` (90 s),
/// 240 s in all; a holder past 300 s is stuck or suspended (Ctrl-Z).
inline constexpr std::chrono::seconds kLockWaitLimit{300};

/// How to wait while another process holds `<dir>.lock`.
struct LockWait {
  std::chrono::milliseconds limit = kLockWaitLimit;  // then the call fails, naming the lock file
  /// A stop request ends the wait at once, the call failing: the caller's
  /// Ctrl-C where it handles SIGINT itself (where it does not, the process
  /// dies of it and the kernel drops its place in the queue).
  std::stop_token cancel{};
};

/// Makes sure a cluster exists in `dir` and is running, and returns it with
/// what it found there (saying so is the caller's business). Returns nullopt
/// with `error` set when it cannot. Processes (and threads) calling it or
/// stop() for the same `dir` take turns, holding an exclusive flock on
/// `<dir>.lock` (created if missing): of two starting a new cluster at once,
/// one creates and starts it and the other then finds it running. When the
/// lock is taken, says so once on stderr and waits as `wait` says. A stale
/// postmaster.pid (its PID now another process's, not this cluster's
/// server) is removed, with the socket's lock file naming such a PID, and
/// the server started; never the pid file of a live server.
std::optional<Cluster> ensure_running(const std::string& dir, std::string& error, const LockWait& wait = {});

/// Stops the cluster in `dir` if it runs; `was_running`, when given, says
/// whether it did. Returns false with `error` set when it cannot; stopping a
/// cluster that does not run is success. Takes turns with ensure_running(),
/// waiting as `wait` says.
/// A stale postmaster.pid counts as not running: its PID is not signalled.
bool stop(const std::string& dir, std::string& error, bool* was_running = nullptr, const LockWait& wait = {});

/// The postgresql.conf line that puts a cluster's Unix socket in `dir` and
/// nowhere else (`unix_socket_directories = ...`, no newline), quoted so
/// that nothing in the path is read as the file's or the list's syntax.
std::string socket_directory_setting(const std::string& dir);

}  // namespace flowc::runtime::localpg
