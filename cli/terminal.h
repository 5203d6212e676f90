// Facts about the terminal the CLI writes to.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace flowc::cli {

/// Colour only on a TTY, and never when NO_COLOR is set (no-color.org).
inline bool use_color(FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  return ::isatty(fileno(stream)) == 1;
}

}  // namespace flowc::cli
