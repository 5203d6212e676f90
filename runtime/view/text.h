// Small text helpers the operator view's renderings share.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "runtime/events/events.h"

namespace flowc::runtime::view {

using runtime::format_utc;  // events.h

/// A duration for people: `0.4s`, `12.5s`, `1m05s`, `2h03m`.
std::string format_duration(std::chrono::milliseconds duration);

/// Whole seconds, for a display that ticks once a second: `0s`, `12s`,
/// `1m05s`, `2h03m`.
std::string format_elapsed(std::chrono::milliseconds duration);

/// The first line of a message, at most `limit` characters (UTF-8 aware),
/// with `...` when cut.
std::string first_line(std::string_view text, size_t limit);

/// Text padded with spaces to `width` characters (UTF-8 aware).
std::string pad(std::string_view text, size_t width);

/// Characters (code points) in UTF-8 text.
size_t text_width(std::string_view text);

}  // namespace flowc::runtime::view
