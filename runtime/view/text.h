// Small text helpers the operator view's renderings share.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "runtime/events/events.h"

namespace flowc::runtime::view {

using runtime::first_line;  // events.h
using runtime::format_utc;
using runtime::text_width;

/// A duration for people, rounded to the nearest unit shown: `0.4s`,
/// `12.5s`, `1m05s`, `2h03m`. Every human duration of flowc is this one.
std::string format_duration(std::chrono::milliseconds duration);

/// How long a run took, after its status: ` in 4.2s`; for a retry both
/// what the retry took and the run's duration (first start to this finish):
/// `; retry took 0.3s, run 5.6s since its first start`.
std::string run_took(const RunSummary& summary);

/// Whole seconds, for a display that ticks once a second: `0s`, `12s`,
/// `1m05s`, `2h03m`.
std::string format_elapsed(std::chrono::milliseconds duration);

/// The first line of a message (an error a task's command or the server
/// wrote) cut at `max` characters, safe for a terminal: control characters
/// as Unicode control pictures, as every human form of flowc shows them.
std::string shown_message(std::string_view message, size_t max);

/// Text padded with spaces to `width` characters (UTF-8 aware).
std::string pad(std::string_view text, size_t width);

}  // namespace flowc::runtime::view
