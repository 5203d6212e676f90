#include "runtime/alert/store.h"

#include <cmath>
#include <ctime>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <pqxx/pqxx>

#include "compiler/plan/plan.h"
#include "runtime/connect/connect.h"
#include "runtime/connect/statement_watchdog.h"
#include "runtime/state/schema.h"

namespace flowc::runtime::alert {
namespace {

using TimePoint = std::chrono::system_clock::time_point;

/// UTC text PostgreSQL reads as timestamptz, with microseconds.
std::string timestamp_text(TimePoint at) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  long fraction = static_cast<long>(micros % 1000000);
  if (fraction < 0) {
    fraction += 1000000;
    --seconds;
  }
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[48];
  size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &tm);
  std::snprintf(buffer + n, sizeof buffer - n, ".%06ld+00", fraction);
  return buffer;
}

/// The advisory lock id of a dedupe key: a stable 64-bit FNV-1a hash, so
/// every process computes the same one without asking the server.
int64_t lock_id(const std::string& key) { return static_cast<int64_t>(plan::stable_hash(key)); }

/// libpq's messages span lines ("...failed: ...\n\tIs the server running...");
/// the sink prints them as one.
std::string one_line(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

/// How long a delivery waits for another process's dedupe lock on the same
/// alert (it is delivering, bounded by the channels' own timeouts); inside
/// AlertStore::kStatementLimit.
constexpr std::chrono::seconds kLockTimeout{180};
static_assert(kLockTimeout < AlertStore::kStatementLimit);

}  // namespace

struct AlertStore::Impl {
  explicit Impl(std::chrono::milliseconds statement_limit) : watchdog(statement_limit) {}
  std::string dsn;
  std::string table;
  std::unique_ptr<pqxx::connection> connection;
  StatementWatchdog watchdog;  // after connection: it stops watching before the connection goes
  // After a failed connect, executor threads are not made to wait for
  // another one (libpq may wait long for a host that is down) for a while.
  std::optional<std::chrono::steady_clock::time_point> failed_at;
  std::string connect_error;

  pqxx::connection& open() {
    if (connection && connection->is_open()) return *connection;
    connection.reset();
    const auto now = std::chrono::steady_clock::now();
    if (failed_at && now - *failed_at < std::chrono::seconds(30)) throw std::runtime_error(connect_error);
    try {
      connection = open_connection(dsn);
      // Another process holding a dedupe lock is delivering (bounded by the
      // channels' own timeouts); never wait for it forever.
      {
        StatementWatchdog::Watch watch = watchdog.watch(*connection);
        pqxx::nontransaction(*connection).exec(fmt::format("set lock_timeout = '{}s'", kLockTimeout.count()));
      }
      failed_at.reset();
    } catch (const std::exception& e) {
      connection.reset();
      failed_at = now;
      connect_error = e.what();
      throw;
    }
    return *connection;
  }

  /// Runs `body`; any failure is reported in `error`, and a connection that
  /// may be broken is dropped so the next call opens a fresh one.
  template <typename Body>
  bool guarded(std::string& error, Body&& body) {
    auto action = StatementWatchdog::Action::None;
    try {
      // A connection kept from an earlier call may have been ended by a
      // restart of the server since (libpq learns it only when used): the
      // call is made once more on a fresh one, so an alert raised after a
      // restart is recorded, not only sent.
      const bool kept = connection && connection->is_open();
      try {
        watchdog.run(open(), action, body);
      } catch (const pqxx::broken_connection&) {
        if (!kept || action != StatementWatchdog::Action::None) throw;
        connection.reset();
        watchdog.run(open(), action, body);
      }
      return true;
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      error = "unknown database error";
    }
    error = action != StatementWatchdog::Action::None ? watchdog.explain(action, "the state database")
                                                      : one_line(error);
    connection.reset();
    return false;
  }
};

AlertStore::AlertStore(std::string dsn, std::string schema, std::chrono::milliseconds statement_limit)
    : impl_(std::make_unique<Impl>(statement_limit)) {
  impl_->dsn = std::move(dsn);
  impl_->table = plan::quote_identifier(schema) + ".alerts";
}

AlertStore::~AlertStore() = default;

bool AlertStore::lock(const std::string& dedup_key, std::string& error) {
  return impl_->guarded(error, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec_params("select pg_advisory_lock($1)", lock_id(dedup_key));
  });
}

void AlertStore::unlock(const std::string& dedup_key) {
  std::string ignored;
  impl_->guarded(ignored, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    tx.exec_params("select pg_advisory_unlock($1)", lock_id(dedup_key));
  });
}

std::optional<bool> AlertStore::delivered_since(const std::string& dedup_key, TimePoint since, std::string& error) {
  bool found = false;
  bool ok = impl_->guarded(error, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params("select 1 from " + impl_->table +
                                        " where dedup_key = $1 and status = 'delivered'"
                                        " and created_at > $2::timestamptz limit 1",
                                    dedup_key, timestamp_text(since));
    found = !r.empty();
  });
  if (!ok) return std::nullopt;
  return found;
}

namespace {

/// The columns of an AlertRecord, as record_of() reads them.
constexpr const char* kRecordColumns =
    "coalesce(run_id, 0), workflow, coalesce(task, ''), kind, route, channel, coalesce(channel_index, -1),"
    " severity, dedup_key, payload::text, status, coalesce(error, ''), tries,"
    " extract(epoch from created_at)::float8";
constexpr pqxx::row::size_type kRecordColumnCount = 14;

/// The record a row selected by kRecordColumns (first) holds.
AlertRecord record_of(const pqxx::row& row) {
  AlertRecord record;
  record.run_id = row[0].as<int64_t>();
  record.workflow = row[1].as<std::string>();
  record.task = row[2].as<std::string>();
  record.kind = row[3].as<std::string>();
  record.route = row[4].as<std::string>();
  record.channel = row[5].as<std::string>();
  record.channel_index = row[6].as<int>();
  record.severity = row[7].as<std::string>();
  record.dedup_key = row[8].as<std::string>();
  record.payload = row[9].as<std::string>();
  record.status = row[10].as<std::string>();
  record.error = row[11].as<std::string>();
  record.tries = row[12].as<uint32_t>();
  const double epoch = row[13].as<double>();
  record.created_at = TimePoint(std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::duration<double>(std::floor(epoch * 1e6) / 1e6)));
  return record;
}

/// Inserts one row (its status, or `sending` by `sender`); returns its id.
int64_t insert_row(pqxx::work& tx, const std::string& table, const AlertRecord& row, const Sender* sender) {
  auto null_if_empty = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
  const std::string index_text = row.channel_index >= 0 ? std::to_string(row.channel_index) : "";
  const std::string until_text = sender ? timestamp_text(sender->until) : "";
  pqxx::row r = tx.exec_params1(
      "insert into " + table +
          " (run_id, workflow, task, kind, route, channel, channel_index, severity, dedup_key, payload,"
          " status, error, tries, created_at, sender, sender_machine, sending_until)"
          " values (nullif($1::bigint, 0), $2, $3, $4, $5, $6, $7::integer, $8, $9, $10::jsonb, $11, $12, "
          "$13,"
          " $14::timestamptz, $15, $16, $17::timestamptz) returning id",
      row.run_id, row.workflow, null_if_empty(row.task), row.kind, row.route, row.channel,
      null_if_empty(index_text), row.severity, row.dedup_key, row.payload,
      sender ? std::string("sending") : row.status, null_if_empty(row.error), static_cast<int>(row.tries),
      timestamp_text(row.created_at), sender ? null_if_empty(sender->name) : nullptr,
      sender ? null_if_empty(sender->machine) : nullptr, null_if_empty(until_text));
  return r[0].as<int64_t>();
}

}  // namespace

bool AlertStore::insert(const std::vector<AlertRecord>& rows, std::string& error) {
  return impl_->guarded(error, [&](pqxx::connection& c) {
    pqxx::work tx(c);
    for (const AlertRecord& row : rows) insert_row(tx, impl_->table, row, nullptr);
    tx.commit();
  });
}

std::optional<std::vector<int64_t>> AlertStore::begin_sending(const std::vector<AlertRecord>& rows,
                                                              const Sender& sender, std::string& error) {
  std::vector<int64_t> ids;
  bool ok = impl_->guarded(error, [&](pqxx::connection& c) {
    ids.clear();
    pqxx::work tx(c);
    for (const AlertRecord& row : rows) ids.push_back(insert_row(tx, impl_->table, row, &sender));
    tx.commit();
  });
  if (!ok) return std::nullopt;
  return ids;
}

bool AlertStore::finish_sending(const std::vector<int64_t>& ids, const std::vector<AlertRecord>& rows,
                                const Sender& sender, std::string& error) {
  return impl_->guarded(error, [&](pqxx::connection& c) {
    pqxx::work tx(c);
    for (size_t i = 0; i < ids.size() && i < rows.size(); ++i) {
      const AlertRecord& row = rows[i];
      tx.exec_params("update " + impl_->table +
                         " set status = $2, error = nullif($3, ''), tries = $4, sending_until = null"
                         " where id = $1 and status = 'sending' and coalesce(sender, '') = $5",
                     ids[i], row.status, row.error, static_cast<int>(row.tries), sender.name);
    }
    tx.commit();
  });
}

std::vector<SendingAlert> AlertStore::sending(const std::string& workflow, const std::string& env,
                                              std::string& error) {
  std::vector<SendingAlert> out;
  impl_->guarded(error, [&](pqxx::connection& c) {
    out.clear();
    pqxx::nontransaction tx(c);
    pqxx::result r = tx.exec_params(std::string("select ") + kRecordColumns +
                                        ", id, coalesce(sender, ''), coalesce(sender_machine, ''),"
                                        " coalesce(sending_until < now(), true) from " +
                                        impl_->table + " where " + state::kSendingAlertsOf + " order by id",
                                    workflow, plan::env_name(env));
    for (const auto& row : r) {
      SendingAlert alert;
      alert.record = record_of(row);
      alert.id = row[kRecordColumnCount].as<int64_t>();
      alert.sender = row[kRecordColumnCount + 1].as<std::string>();
      alert.sender_machine = row[kRecordColumnCount + 2].as<std::string>();
      alert.overdue = row[kRecordColumnCount + 3].as<bool>();
      out.push_back(std::move(alert));
    }
  });
  return out;
}

bool AlertStore::take_over(int64_t id, const std::string& from, const Sender& sender, std::string& error) {
  bool taken = false;
  bool ok = impl_->guarded(error, [&](pqxx::connection& c) {
    pqxx::work tx(c);
    pqxx::result r =
        tx.exec_params("update " + impl_->table +
                           " set sender = $3, sender_machine = $4, sending_until = $5::timestamptz"
                           " where id = $1 and status = 'sending' and coalesce(sender, '') = $2"
                           " returning id",
                       id, from, sender.name, sender.machine, timestamp_text(sender.until));
    tx.commit();
    taken = !r.empty();
  });
  return ok && taken;
}

std::vector<AlertRecord> AlertStore::list(int64_t run_id, std::string& error) {
  std::vector<AlertRecord> out;
  impl_->guarded(error, [&](pqxx::connection& c) {
    pqxx::nontransaction tx(c);
    pqxx::result r =
        tx.exec_params(std::string("select ") + kRecordColumns + " from " + impl_->table +
                           " where $1::bigint = 0 or run_id = $1::bigint order by created_at, id",
                       run_id);
    for (const auto& row : r) out.push_back(record_of(row));
  });
  return out;
}

}  // namespace flowc::runtime::alert
