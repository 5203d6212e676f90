// STUB: replaced by the cron parser.
#include "compiler/cron/cron.h"

namespace flowc::cron {
std::optional<CronSpec> parse(std::string_view text, CronError& error) { return CronSpec{}; }
bool is_valid_time_zone(std::string_view name) { return true; }
std::string closest_time_zone(std::string_view name) { return {}; }
std::optional<std::chrono::sys_seconds> next_fire(const CronSpec&, std::string_view, std::chrono::sys_seconds) {
  return std::nullopt;
}
}  // namespace flowc::cron
