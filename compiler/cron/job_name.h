// Naming a legacy job after what its command runs.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace flowc::cron {

/// Whether a name is taken by the language (a keyword, a standard-library
/// name): a job must not be called that. The cron library does not know the
/// language; the caller passes check::is_language_name.
using IsReservedName = std::function<bool(std::string_view)>;

/// A `.flow` identifier for a crontab command: the stem of the script it runs
/// (`psql -f /opt/jobs/refresh_kpi.sql` → `refresh_kpi`,
/// `/usr/local/bin/backup.sh --full` → `backup`), else the program's name.
/// Shell glue is looked through: `cd DIR &&`, `VAR=x`, `sleep N;`, wrappers
/// such as `nice`, `timeout`, `flock LOCK`, redirections, and the stdin part
/// after a `%`. Always matches `[a-z_][a-z0-9_]*`, is never a name
/// `reserved` holds (those get a `_job` suffix), and is "job" when nothing
/// usable is found. Not made unique: see legacy_blocks.
std::string job_name(std::string_view command, const IsReservedName& reserved);

}  // namespace flowc::cron
