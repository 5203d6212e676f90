// The PostgreSQL server the runtime tests talk to: a real cluster the test
// binary starts itself (through the embedded-default code, so as root it runs
// as `postgres`), in a temporary directory, on a Unix socket, stopped when
// the binary exits. Each test asks for a fresh database of its own.
#pragma once

#include <string>
#include <string_view>

namespace flowc::testing {

/// The DSN of a new, empty database in this binary's test cluster, starting
/// the cluster on first use. Throws std::runtime_error (failing the test)
/// when the server binaries are missing or the cluster cannot start.
std::string fresh_database(std::string_view prefix);

/// The cluster's data (and socket) directory.
const std::string& test_cluster_dir();

/// A scratch directory for one test (created, world-writable), removed at exit.
std::string scratch_dir(std::string_view prefix);

}  // namespace flowc::testing
