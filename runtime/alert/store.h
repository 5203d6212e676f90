// The alerts table (runtime/state/schema.cpp) as the alert sink uses it:
// the dedupe lookup, one row per channel delivery, and a read-back for
// tests and `flowc ops`. Its own connection; not thread-safe (the sink
// holds a mutex around it). This header deliberately includes no pqxx and
// no runtime/events: the pqxx types stay inside store.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace flowc::runtime::alert {

/// One row of `<schema>.alerts`.
struct AlertRecord {
  int64_t run_id = 0;            // 0 = NULL
  std::string workflow;
  std::string task;              // "" = NULL
  std::string kind;              // failure | warning | late | parity
  std::string route;
  std::string channel;           // webhook | command | jsonl | stderr
  std::string severity;
  std::string dedup_key;
  std::string payload;           // JSON text
  std::string status;            // delivered | suppressed | failed
  std::string error;             // "" = NULL
  uint32_t tries = 0;
  std::chrono::system_clock::time_point created_at;
};

/// The alerts table of one state database. Every method reports failure in
/// `error` (and its return value) instead of throwing; a broken connection is
/// reopened on the next call.
class AlertStore {
 public:
  /// How long one operation may wait for the server before it is cancelled
  /// (and, unanswered 5 s later, its connection closed): the dedupe lock
  /// may wait its whole 180 s lock_timeout, and a minute more.
  static constexpr std::chrono::seconds kStatementLimit{240};

  /// Connects lazily, on first use.
  AlertStore(std::string dsn, std::string schema, std::chrono::milliseconds statement_limit = kStatementLimit);
  ~AlertStore();
  AlertStore(const AlertStore&) = delete;
  AlertStore& operator=(const AlertStore&) = delete;

  /// Takes the session advisory lock for a dedupe key, so that two
  /// processes raising the same alert decide one after the other.
  bool lock(const std::string& dedup_key, std::string& error);
  /// Releases what lock() took; errors are ignored (a lost session releases it too).
  void unlock(const std::string& dedup_key);

  /// Whether an alert with this key was delivered after `since`; nullopt on error.
  std::optional<bool> delivered_since(const std::string& dedup_key, std::chrono::system_clock::time_point since,
                                      std::string& error);

  /// Inserts the rows in one transaction.
  bool insert(const std::vector<AlertRecord>& rows, std::string& error);

  /// The rows of one run (or all, with run_id 0), oldest first.
  std::vector<AlertRecord> list(int64_t run_id, std::string& error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flowc::runtime::alert
