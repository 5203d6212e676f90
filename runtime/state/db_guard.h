// Turning libpqxx exceptions into a Status at the edge of runtime/state.
#pragma once

#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "runtime/connect/connect.h"
#include "runtime/connect/statement_watchdog.h"
#include "runtime/state/store.h"

namespace flowc::runtime::state::detail {

/// Whether an SQL error means the session is gone (server shutdown, class 08).
bool is_connection_sqlstate(const std::string& sqlstate);

/// Runs `body(connection)`, connecting first when needed, under `watchdog`;
/// any exception becomes a failed Status, and a broken connection is
/// dropped so that the next call reconnects.
template <class Body>
Status guarded(std::unique_ptr<pqxx::connection>& connection, const std::string& dsn,
               StatementWatchdog& watchdog, Body&& body) {
  Status status;
  bool connecting = false;
  auto action = StatementWatchdog::Action::None;
  // A failure the watchdog caused says so instead of what libpq saw.
  auto explained = [&](std::string error) {
    return action == StatementWatchdog::Action::None ? error : watchdog.explain(action, "the state database");
  };
  try {
    if (!connection || !connection->is_open()) {
      connection.reset();
      connecting = true;
      connection = open_connection(dsn);
      connecting = false;
    }
    watchdog.run(*connection, action, body);
  } catch (const pqxx::broken_connection& e) {
    connection.reset();
    // Not "lost" when there was no connection to lose.
    status = {false, true, "",
              explained((connecting ? "cannot reach the state database: "
                                    : "lost the connection to the state database: ") +
                        first_line(e.what()))};
  } catch (const pqxx::in_doubt_error& e) {
    connection.reset();
    status = {false, true, "", "the state database's commit is in doubt: " + first_line(e.what())};
  } catch (const pqxx::sql_error& e) {
    bool lost = is_connection_sqlstate(e.sqlstate());
    if (lost) connection.reset();
    status = {false, lost, e.sqlstate(), explained(first_line(e.what()))};
  } catch (const std::exception& e) {
    // pqxx reports some breakages (e.g. a failed reactivation) as plain failures.
    bool lost = connection && !connection->is_open();
    if (lost) connection.reset();
    status = {false, lost, "", explained(first_line(e.what()))};
  }
  return status;
}

}  // namespace flowc::runtime::state::detail
