#include "cli/checked_output.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "runtime/process/process.h"

namespace flowc::cli {

bool CheckedOutput::drain() {
  if (error_ == 0) error_ = runtime::write_all(fd_, std::string_view(pbase(), static_cast<size_t>(pptr() - pbase())));
  setp(buffer_.data(), buffer_.data() + buffer_.size());  // what failed is dropped
  return error_ == 0;
}

CheckedOutput::int_type CheckedOutput::overflow(int_type c) {
  if (!drain()) return traits_type::not_eof(c);  // discarded: error() tells
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  *pptr() = traits_type::to_char_type(c);
  pbump(1);
  if (line_buffered_ && c == '\n') drain();
  return c;
}

std::streamsize CheckedOutput::xsputn(const char* text, std::streamsize n) {
  for (std::streamsize done = 0; done < n;) {
    if (pptr() == epptr() && !drain()) return n;
    std::streamsize room = epptr() - pptr();
    std::streamsize take = n - done < room ? n - done : room;
    std::memcpy(pptr(), text + done, static_cast<size_t>(take));
    pbump(static_cast<int>(take));
    done += take;
  }
  if (line_buffered_ && std::memchr(text, '\n', static_cast<size_t>(n)) != nullptr) drain();
  return n;
}

int CheckedOutput::sync() { return drain() ? 0 : -1; }

}  // namespace flowc::cli
