// The suffixes flowc adds to the names of the tables it writes. The checker
// measures names with them (PostgreSQL cuts identifiers at 63 bytes), the
// lowering and the runtime build the physical names, and the CLI and the
// language server show them: one spelling for all.
#pragma once

#include <string_view>

namespace flowc::spelling {

/// The staging table a `replace` builds, checks and swaps in: `<name>__flow_new`.
inline constexpr std::string_view kStagingSuffix = "__flow_new";

/// The schema of a mirror run's tables: `<schema>__mirror`.
inline constexpr std::string_view kMirrorSuffix = "__mirror";

}  // namespace flowc::spelling
