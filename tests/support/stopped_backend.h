// A wedged database session for tests: the one other client session of a
// database, SIGSTOPped while a StoppedBackend lives. It answers neither its
// statements nor a cancel, yet its server and socket stay up (keepalives
// are still answered), as with a backend stuck in storage.
#pragma once

#include <signal.h>

#include <doctest/doctest.h>

#include <chrono>
#include <pqxx/pqxx>
#include <string>
#include <thread>

namespace flowc::testing {

class StoppedBackend {
 public:
  /// Stops the one client session of `dsn`'s database other than the
  /// connection this opens to find it.
  explicit StoppedBackend(const std::string& dsn) {
    pqxx::connection admin(dsn);
    // A session closed just before may still be on its way out: its
    // backend leaves pg_stat_activity when its process has exited.
    pqxx::result r;
    for (int tries = 0; tries < 100; ++tries) {
      pqxx::nontransaction tx(admin);
      r = tx.exec(
          "select pid from pg_stat_activity where datname = current_database() "
          "and pid <> pg_backend_pid() and backend_type = 'client backend'");
      tx.commit();
      if (r.size() == 1) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(r.size() == 1);
    pid_ = r[0][0].as<int>();
    REQUIRE(::kill(pid_, SIGSTOP) == 0);
  }
  ~StoppedBackend() { ::kill(pid_, SIGCONT); }
  StoppedBackend(const StoppedBackend&) = delete;
  StoppedBackend& operator=(const StoppedBackend&) = delete;

 private:
  int pid_ = 0;
};

}  // namespace flowc::testing
