// Time-zone names against the system tzdata: validity and "did you mean".
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "compiler/cron/cron.h"
#include "compiler/cron/tzdb.h"
#include "compiler/diagnostics/diagnostic.h"

namespace flowc::cron {
namespace detail {

namespace {
/// "localtime" is a file in /usr/share/zoneinfo on Debian (a link to
/// /etc/localtime), so the date library accepts it; it is not an IANA name
/// and means something different on every machine.
bool is_machine_specific(std::string_view name) { return name == "localtime"; }
}  // namespace

const date::time_zone* find_zone(std::string_view name) {
  if (name.empty() || is_machine_specific(name)) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (...) {
    // Unknown name, or no readable tzdata: both mean "not a valid zone".
    return nullptr;
  }
}

}  // namespace detail

bool is_valid_time_zone(std::string_view name) { return detail::find_zone(name) != nullptr; }

namespace {

/// Lower-case, with spaces as underscores: "new york" matches "New_York".
std::string normalize(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = c == ' ' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view last_component(std::string_view s) {
  size_t slash = s.rfind('/');
  return slash == std::string_view::npos ? s : s.substr(slash + 1);
}

}  // namespace

std::string closest_time_zone(std::string_view name) {
  if (name.empty()) return {};
  std::vector<std::string> zones;
  try {
    for (const date::time_zone& zone : date::get_tzdb().zones) {
      if (!detail::is_machine_specific(zone.name())) zones.push_back(zone.name());
    }
  } catch (...) {
    return {};
  }
  std::sort(zones.begin(), zones.end());  // ties resolve the same way everywhere

  const std::string wanted = normalize(name);
  const std::string wanted_city(last_component(wanted));
  std::string best;
  size_t best_rank = SIZE_MAX;
  for (const std::string& zone : zones) {
    const std::string candidate = normalize(zone);
    // Compare the whole name ("Europe/Berln") and the city alone ("berlin"
    // for "Europe/Berlin"); the better of the two counts.
    size_t whole = edit_distance(wanted, candidate);
    size_t city = edit_distance(wanted_city, last_component(candidate));
    size_t allowed_whole = std::clamp<size_t>(wanted.size() / 3, 1, 3);
    size_t allowed_city = std::clamp<size_t>(wanted_city.size() / 3, 1, 3);
    // Rank: twice the distance, plus one for a city-only match, so an equal
    // whole-name match wins ("utc" → "UTC", not "Etc/UTC").
    size_t rank = SIZE_MAX;
    if (whole <= allowed_whole) rank = 2 * whole;
    if (city <= allowed_city) rank = std::min(rank, 2 * city + 1);
    if (rank < best_rank) {
      best_rank = rank;
      best = zone;
    }
  }
  return best;
}

}  // namespace flowc::cron
