// `flowc check --db`: every SQL statement of a plan checked by PostgreSQL
// itself (names, columns, types, syntax) without running it, in dependency
// order, inside one transaction that is rolled back.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compiler/plan/plan.h"

// libpqxx 6.4 declares `connection` as an alias of a template (as attempt.h does).
namespace pqxx {
class connect_direct;
template <typename CONNECTPOLICY> class basic_connection_base;
using connection = basic_connection_base<connect_direct>;
}  // namespace pqxx

namespace flowc::runtime {

/// One statement PostgreSQL rejected.
struct PrepareProblem {
  std::string workflow;      // plan::Plan::workflow
  std::string task;          // plan::Task::name
  /// Where the statement came from: the task's `sql` (Task::sql_origin) for
  /// its select and output table, the task's origin for what its write mode
  /// names (partition column, merge key), the `compare` element for a parity
  /// metric, the failing check's origin for the expectation query (the
  /// check whose metric holds the error position, else the first check),
  /// the source's origin for its readiness probe.
  plan::Origin origin;
  /// Which statement: "select", "output table", "partition column",
  /// "merge key", "insert into the output table",
  /// "`compare` metric on the mirror|legacy table <name>",
  /// "expectations", "readiness", "output schema", "connection".
  std::string statement;
  std::string message;       // PostgreSQL's primary message: `column "nope" does not exist`
  std::string sqlstate;      // "42703"
  /// The error position inside the statement text (plan::Statement::sql),
  /// when PostgreSQL gives one inside it: 1-based line and column (in
  /// bytes), and the 1-based byte offset.
  uint32_t line = 0;
  uint32_t column = 0;
  std::optional<uint32_t> position;
  std::string sql;           // the statement text
  /// The statement waited too long (`lock_timeout`: another session holds a
  /// lock on a table it uses; or `statement_timeout`): the database was
  /// busy, the plan may be fine. Always the last problem: checking stops.
  bool gave_up = false;
};

/// How long a statement of prepare_plans() may wait, unless the session
/// sets its own (PGOPTIONS, the role's or the database's settings): a
/// table locked by another session (a running `replace`, an `alter
/// table`) would otherwise make the check wait for as long as it is held.
struct PrepareLimits {
  std::chrono::milliseconds lock_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds statement_timeout{std::chrono::minutes(5)};
};

/// Checks every statement of `plans`, task by task, each after its upstream
/// tasks, those of other workflows included (their outputs are there for
/// it), over the extended protocol, one statement at a time: creates the
/// output and mirror/environment schemas that do not exist, PREPAREs each task's select and
/// creates its output table from the select `with no data`, so downstream
/// statements see its columns. An append, merge or overwrite_partition
/// finds an existing table as it is, and its insert of the select's
/// columns is prepared on it; a replace's existing table with other
/// columns is dropped and made again from the select, as the run's swap
/// would, and what the swap would refuse (foreign keys referencing the
/// table, views on it when its columns change) is reported. Then each task's mirror parity `compare` metrics
/// on the mirror and the legacy table, its expectation query and each source's readiness probe. All of it in
/// one transaction that is rolled back, every prepared statement deallocated: nothing is left behind. A
/// problem caused only by an upstream problem (a table or schema that could not be made) is not reported
/// again. A statement that exceeds `limits` ends the check with a problem marked `gave_up`; so does a
/// read-only session (statement "session", no task), where no output table can be made. Never throws: a lost
/// connection is a problem with statement "connection", the last one.
std::vector<PrepareProblem> prepare_plans(pqxx::connection& connection, const std::vector<plan::Plan>& plans,
                                          const PrepareLimits& limits = {});

}  // namespace flowc::runtime
