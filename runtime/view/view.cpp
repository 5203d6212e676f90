#include "runtime/view/view.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace flowc::runtime::view {

LiveViewOptions live_options_for(int fd) {
  LiveViewOptions options;
  const char* no_color = std::getenv("NO_COLOR");
  options.color = ::isatty(fd) == 1 && !(no_color && *no_color);
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    options.columns = size.ws_col;
    // Header, counts and a spare line; never fewer than a handful of rows.
    if (size.ws_row > 0) options.max_rows = std::max<size_t>(5, size.ws_row > 4 ? size.ws_row - 4 : 0);
  }
  return options;
}

std::unique_ptr<RunObserver> make_view(std::ostream& out, bool terminal, LiveViewOptions live) {
  if (terminal) return std::make_unique<LiveView>(out, std::move(live));
  return std::make_unique<PlainView>(out);
}

}  // namespace flowc::runtime::view
