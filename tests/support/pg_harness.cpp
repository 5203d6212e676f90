#include "tests/support/pg_harness.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <pqxx/pqxx>
#include <stdexcept>

#include "runtime/localpg/localpg.h"

namespace flowc::testing {
namespace {

namespace fs = std::filesystem;

fs::path root_dir() {
  // Never destroyed: the atexit handler below is registered while `root` is
  // still being initialised, so it runs after a static's destructor would.
  static const fs::path& root = *new fs::path([] {
    fs::path dir = fs::temp_directory_path() / ("flowc-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::all);  // the postgres user must reach it as root
    std::atexit([] {
      std::string error;
      runtime::localpg::stop((root_dir() / "pg").string(), error);
      std::error_code ec;
      fs::remove_all(root_dir(), ec);
    });
    return dir;
  }());
  return root;
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
