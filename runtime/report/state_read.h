// Reading the state database for the reports (`history`, `status`, `ops`,
// `impact --run`, `cutover`): one read-only snapshot per command, timestamps as epoch
// milliseconds, errors as one line without the DSN's password. Only the
// report readers (runs.cpp, ops.cpp, mirror_runs.cpp) include it.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>

#include "runtime/connect/connect.h"
#include "runtime/connect/secrets.h"
#include "runtime/report/runs.h"
#include "runtime/report/state_database.h"
#include "runtime/state/migrate.h"
#include "runtime/state/schema.h"

namespace flowc::runtime::report::state_read {

using runtime::first_line;  // events.h

/// `column` as epoch milliseconds: no time zone or text format of the
/// session can change what is printed.
inline std::string ms(std::string_view column) {
  return fmt::format("(extract(epoch from {}) * 1000)::bigint", column);
}

inline TimePoint at_ms(int64_t ms) { return TimePoint{std::chrono::milliseconds(ms)}; }

inline std::optional<TimePoint> opt_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return at_ms(f.as<int64_t>());
}

/// Whether run `r` ran within the window of $2 seconds before now: it
/// started (or was created), was retried or finished in it. A run started
/// three days ago and repaired last night ran last night. One rule for
/// `history` and `ops`.
inline constexpr const char* kRanWithin =
    "greatest(coalesce(r.started_at, r.created_at), r.retried_at, r.finished_at)"
    " >= now() - make_interval(secs => $2::float8)";

inline std::string text(const pqxx::field& f) { return f.is_null() ? std::string() : f.as<std::string>(); }

/// Runs `body(tx)` in one read-only snapshot. A database nothing has run in
/// yet (no state schema) is `schema_missing`, not an error; a schema newer
/// than this flowc, or damaged, is (migrate.h: inspect_schema); pqxx exceptions
/// become a ReadStatus, with the DSN's password masked should libpq echo it.
template <class Body>
ReadStatus read_snapshot(const StateDatabase& db, Body&& body) {
  ReadStatus status;
  try {
    std::unique_ptr<pqxx::connection> connection = runtime::open_connection(db.dsn);
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(*connection);
    runtime::state::SchemaState schema = runtime::state::inspect_schema(tx, db.schema);
    if (schema.refused()) return {false, false, schema.problem};
    if (schema.kind == runtime::state::SchemaState::Kind::Absent) {
      status.schema_missing = true;
      return status;
    }
    body(tx);
  } catch (const pqxx::broken_connection& e) {
    status = {false, false,
              "cannot reach the state database: " + runtime::without_passwords(first_line(e.what()), db.dsn)};
  } catch (const std::exception& e) {
    status = {false, false,
              "cannot read the state database: " + runtime::without_passwords(first_line(e.what()), db.dsn)};
  }
  return status;
}

}  // namespace flowc::runtime::report::state_read
