// The state database's schema, as versioned migrations. Migration N's
// statements run in one transaction that also records N in
// `<schema>.schema_version`; applying them is runtime/state's job
// (migrate.h: migrate). Every table the runtime, `flowc history/status/ops`
// and the alert dedupe read is defined here and nowhere else.
#pragma once

#include <string>
#include <vector>

namespace flowc::runtime::state {

struct Migration {
  int version = 0;
  std::string description;
  std::vector<std::string> statements;  // `{schema}` stands for the quoted schema name
};

/// Every migration, oldest first. Append; never edit a released one.
const std::vector<Migration>& migrations();

/// A statement with `{schema}` replaced by the quoted schema name.
std::string with_schema(const std::string& statement, const std::string& schema);

/// The rows of `alerts` still `sending` of workflow `$1` in environment `$2`
/// (plan::env_name): what the alert store delivers once their sender has
/// ended, and what a scheduler's wake looks for before starting that. The
/// payload names the default environment `production` (an earlier flowc
/// wrote "" for it).
inline constexpr const char* kSendingAlertsOf =
    "status = 'sending' and workflow = $1 and coalesce(nullif(payload->>'env', ''), 'production') = $2";

}  // namespace flowc::runtime::state
