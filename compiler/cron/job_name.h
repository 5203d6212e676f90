// Naming a legacy job after what its command runs.
#pragma once

#include <string>
#include <string_view>

namespace flowc::cron {

/// A `.flow` identifier for a crontab command: the stem of the script it runs
/// (`psql -f /opt/jobs/refresh_kpi.sql` → `refresh_kpi`,
/// `/usr/local/bin/backup.sh --full` → `backup`), else the program's name.
/// Shell glue is looked through: `cd DIR &&`, `VAR=x`, `sleep N;`, wrappers
/// such as `nice`, `timeout`, `flock LOCK`, redirections, and the stdin part
/// after a `%`. Always matches `[a-z_][a-z0-9_]*`, is never a keyword or a
/// standard-library name (those get a `_job` suffix), and is "job" when
/// nothing usable is found. Not made unique: see legacy_blocks.
std::string job_name(std::string_view command);

}  // namespace flowc::cron
