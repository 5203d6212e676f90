// A line-based unified diff, for `flowc fmt --check`.
#pragma once

#include <string>
#include <string_view>

namespace flowc::textdiff {

/// The unified diff (3 lines of context) turning `before` into `after`, with
/// `---`/`+++` headers naming `path`; empty when the texts are equal.
std::string unified_diff(std::string_view path, std::string_view before, std::string_view after);

}  // namespace flowc::textdiff
