// The state database a report reads, and how a read went. Which database
// that is, the command line decides (cli/state_database.h:
// find_state_database); the reads take it as it is (runs.h, ops.h,
// mirror_runs.h).
#pragma once

#include <string>

namespace flowc::runtime::report {

/// Where run history lives. The DSN is a secret: never print it.
struct StateDatabase {
  std::string dsn;
  std::string schema = "flow";  // the project's `state_schema`
  bool embedded = false;        // the private cluster in `.flow/pg`
};

/// The outcome of a read. `schema_missing`: the state schema does not exist
/// yet, so nothing has ever run there (not an error).
struct ReadStatus {
  bool ok = true;
  bool schema_missing = false;
  std::string error;  // one line, never the DSN's password
};

}  // namespace flowc::runtime::report
