// The embedded default: a private PostgreSQL cluster in `<project>/.flow/pg`,
// created once with the system's initdb, started with pg_ctl, listening only
// on a Unix socket inside that directory. Works as an ordinary user and as
// root (where initdb refuses to run: the server then runs as `postgres`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace flowc::runtime::localpg {

/// Where the PostgreSQL server binaries are (highest version under
/// /usr/lib/postgresql/*/bin, or $FLOWC_PG_BIN). On failure `error` names the
/// package to install.
std::optional<std::string> find_server_bin(std::string& error);

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

/// Makes sure a cluster exists in `dir` and is running, and returns it with
/// what it found there (saying so is the caller's business). Returns nullopt
/// with `error` set when it cannot. Processes (and threads) calling it or
/// stop() for the same `dir` take turns, holding an exclusive flock on
/// `<dir>.lock` (created if missing): of two starting a new cluster at once,
/// one creates and starts it and the other then finds it running. A stale
/// postmaster.pid (its PID now another process's, not this cluster's
/// server) is removed, with the socket's lock file naming such a PID, and
/// the server started; never the pid file of a live server.
std::optional<Cluster> ensure_running(const std::string& dir, std::string& error);

/// Stops the cluster in `dir` if it runs; `was_running`, when given, says
/// whether it did. Returns false with `error` set when it cannot; stopping a
/// cluster that does not run is success. Takes turns with ensure_running().
/// A stale postmaster.pid counts as not running: its PID is not signalled.
bool stop(const std::string& dir, std::string& error, bool* was_running = nullptr);

}  // namespace flowc::runtime::localpg
