// `flowc check --db DSN`: every SQL statement of every workflow's plan is
// prepared against a live database (runtime/materialize/prepare.h) and each
// statement PostgreSQL rejects becomes an E0501 diagnostic at the place in the
// `.flow` or `.sql` file the statement came from.
#pragma once

#include <string>

#include "compiler/project/project.h"

namespace flowc::cli {

/// Prepares the plans of every workflow of `compilation` (for yesterday's ds,
/// production environment) against `dsn` and appends E0501 diagnostics to the
/// compilation's engine. Returns false, after printing one line, when the
/// database cannot be reached (an environment error: exit 2).
bool check_against_database(project::Compilation& compilation, const std::string& dsn);

}  // namespace flowc::cli
