// Private to flow_cron: the one place that includes <date/tz.h>, configured
// the way Debian's libdate-tz was built (USE_OS_TZDB=1: it reads the system
// tzdata in /usr/share/zoneinfo and never downloads anything). Including the
// header without this define gives a different class layout than the library.
#pragma once

#ifndef USE_OS_TZDB
#define USE_OS_TZDB 1
#endif
#if !USE_OS_TZDB
#error "flow_cron needs the date library's OS tz database (USE_OS_TZDB=1)"
#endif
#ifndef ONLY_C_LOCALE
#define ONLY_C_LOCALE 1
#endif

#include <date/tz.h>

#include <string_view>

namespace flowc::cron::detail {

/// The system time zone called `name`, or nullptr when the name is not an
/// IANA zone of the system's tzdata (or the tzdata cannot be read). Never
/// throws: the date library's exceptions are caught here.
const date::time_zone* find_zone(std::string_view name);

}  // namespace flowc::cron::detail
