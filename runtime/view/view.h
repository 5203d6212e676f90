// Choosing the operator view for `flowc run` (cli.md: a live view on a TTY,
// plain timestamped lines otherwise).
#pragma once

#include <memory>
#include <ostream>

#include "runtime/view/live_view.h"
#include "runtime/view/plain_view.h"
#include "runtime/view/summary.h"

namespace flowc::runtime::view {

/// LiveView options fitted to the terminal on `fd`: its width, a row budget
/// a few lines short of its height, colour unless NO_COLOR is set. Defaults
/// when `fd` is not a terminal.
LiveViewOptions live_options_for(int fd);

/// A LiveView when `terminal`, else a PlainView; both write to `out`, which
/// must outlive the view.
std::unique_ptr<RunObserver> make_view(std::ostream& out, bool terminal, LiveViewOptions live = {});

}  // namespace flowc::runtime::view
