// STUB: replaced by the crontab importer.
#include "compiler/cron/crontab.h"

namespace flowc::cron {
Crontab parse_crontab(std::string_view text) { return {}; }
std::string legacy_blocks(const Crontab& crontab, std::string_view source_name) { return {}; }
}  // namespace flowc::cron
