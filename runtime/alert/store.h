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
  int channel_index = -1;        // which of the route's channels; -1 = NULL
  std::string severity;
  std::string dedup_key;
  std::string payload;           // JSON text
  std::string status;            // sending | delivered | suppressed | failed
  std::string error;             // "" = NULL
  uint32_t tries = 0;
  std::chrono::system_clock::time_point created_at;
};

/// Who is delivering alerts, and until when a delivery it began may still
/// be on its way (beyond, it was interrupted).
struct Sender {
  std::string name;     // state::default_worker()
  std::string machine;  // state::machine_key()
  std::chrono::system_clock::time_point until;
};

/// A row still `sending`: being delivered, or interrupted.
struct SendingAlert {
  int64_t id = 0;
  AlertRecord record;
  std::string sender;
  std::string sender_machine;
  bool overdue = false;  // its sending_until has passed (the server's clock)
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

  /// Inserts the rows in one transaction as `sending` by `sender`, before
  /// their channels are tried; their ids, in order, or nullopt on error.
  std::optional<std::vector<int64_t>> begin_sending(const std::vector<AlertRecord>& rows,
                                                    const Sender& sender, std::string& error);
  /// Records how each delivery `sender` began (begin_sending(), or
  /// take_over()) ended: rows[i]'s status, error and tries for ids[i], in
  /// one transaction; a row another process has taken over since is left
  /// to it.
  bool finish_sending(const std::vector<int64_t>& ids, const std::vector<AlertRecord>& rows,
                      const Sender& sender, std::string& error);

  /// The rows still `sending` of the workflow's runs in environment `env`
  /// ("" = production), oldest first.
  std::vector<SendingAlert> sending(const std::string& workflow, const std::string& env, std::string& error);
  /// Makes an interrupted row `sender`'s, if it is still `sending` by
  /// `from`; false when it is not (another process took it first) or on error.
  bool take_over(int64_t id, const std::string& from, const Sender& sender, std::string& error);

  /// The rows of one run (or all, with run_id 0), oldest first.
  std::vector<AlertRecord> list(int64_t run_id, std::string& error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flowc::runtime::alert
