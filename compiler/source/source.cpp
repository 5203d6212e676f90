#include "compiler/source/source.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "compiler/source/lines.h"

namespace flowc {

SourceBuffer::SourceBuffer(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (LineSpan line = line_at(text_, 0); line.next != std::string_view::npos;
       line = line_at(text_, line.next))
    line_starts_.push_back(static_cast<uint32_t>(line.next));
}

LineCol SourceBuffer::line_col(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  auto line = static_cast<uint32_t>(it - line_starts_.begin());  // 1-based
  return {line, offset - line_starts_[line - 1] + 1};
}

uint32_t SourceBuffer::line_start(uint32_t line) const {
  if (line == 0) return 0;
  if (line > line_starts_.size()) return static_cast<uint32_t>(text_.size());
  return line_starts_[line - 1];
}

std::string_view SourceBuffer::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts_.size()) return {};
  uint32_t begin = line_starts_[line - 1];
  return std::string_view(text_).substr(begin, line_at(text_, begin).content_end - begin);
}

namespace {
// Length in bytes of the UTF-8 sequence starting with `lead` (1 for invalid
// lead bytes, so that malformed text still advances).
uint32_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}
}  // namespace

Utf16Position SourceBuffer::utf16_position(uint32_t offset) const {
  LineCol lc = line_col(offset);
  uint32_t begin = line_starts_[lc.line - 1];
  uint32_t units = 0;
  for (uint32_t i = begin; i < offset && i < text_.size();) {
    uint32_t len = utf8_length(static_cast<unsigned char>(text_[i]));
    units += len == 4 ? 2 : 1;
    i += len;
  }
  return {lc.line - 1, units};
}

uint32_t SourceBuffer::offset_of(Utf16Position pos) const {
  if (pos.line >= line_starts_.size()) return static_cast<uint32_t>(text_.size());
  std::string_view line = line_text(pos.line + 1);
  uint32_t begin = line_starts_[pos.line];
  uint32_t i = 0;
  uint32_t units = 0;
  while (i < line.size() && units < pos.character) {
    uint32_t len = utf8_length(static_cast<unsigned char>(line[i]));
    units += len == 4 ? 2 : 1;
    i = std::min<uint32_t>(i + len, static_cast<uint32_t>(line.size()));
  }
  return begin + i;
}

uint32_t SourceBuffer::offset_of_utf8(uint32_t line, uint32_t byte_column) const {
  if (line >= line_starts_.size()) return static_cast<uint32_t>(text_.size());
  std::string_view text = line_text(line + 1);
  return line_starts_[line] + std::min<uint32_t>(byte_column, static_cast<uint32_t>(text.size()));
}

FileId SourceManager::add(std::string path, std::string text) {
  buffers_.push_back(std::make_unique<SourceBuffer>(std::move(path), std::move(text)));
  return FileId{static_cast<uint32_t>(buffers_.size() - 1)};
}

void SourceManager::replace(FileId id, std::string text) {
  std::string path = buffers_[id.index]->path();
  buffers_[id.index] = std::make_unique<SourceBuffer>(std::move(path), std::move(text));
}

std::optional<FileId> SourceManager::find(std::string_view path) const {
  for (uint32_t i = 0; i < buffers_.size(); ++i) {
    if (buffers_[i]->path() == path && !(i < retired_.size() && retired_[i])) return FileId{i};
  }
  return std::nullopt;
}

void SourceManager::retire(FileId id) {
  replace(id, std::string());
  if (retired_.size() <= id.index) retired_.resize(id.index + 1, false);
  retired_[id.index] = true;
}

std::optional<std::string> read_file(const std::string& path, std::string& error) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    error = "is a directory";
    return std::nullopt;
  }
  // A FIFO or device would block or never end: only regular files are sources.
  if (!S_ISREG(st.st_mode)) {
    error = "not a regular file";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  return read_stream(in, error);
}

std::optional<std::string> read_stream(std::istream& in, std::string& error) {
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  return std::move(out).str();
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

uint32_t decode_utf8(std::string_view text, size_t i, char32_t& cp) {
  auto lead = static_cast<unsigned char>(text[i]);
  uint32_t len = 0;
  if (lead < 0x80) {
    cp = lead;
    return 1;
  }
  if ((lead >> 5) == 0x6) {
    len = 2;
    cp = lead & 0x1F;
  } else if ((lead >> 4) == 0xE) {
    len = 3;
    cp = lead & 0x0F;
  } else if ((lead >> 3) == 0x1E) {
    len = 4;
    cp = lead & 0x07;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (uint32_t k = 1; k < len; ++k) {
    auto c = static_cast<unsigned char>(text[i + k]);
    if ((c >> 6) != 0x2) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  return len;
}

bool is_valid_utf8(std::string_view text, uint32_t& bad_offset) {
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    const uint32_t len = decode_utf8(text, i, cp);
    bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (len == 0 || overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      bad_offset = static_cast<uint32_t>(i);
      return false;
    }
    i += len;
  }
  return true;
}

std::string escape_invalid_utf8(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  while (!text.empty()) {
    uint32_t bad = 0;
    size_t good = is_valid_utf8(text, bad) ? text.size() : bad;
    out.append(text.substr(0, good));
    if (good == text.size()) break;
    const auto byte = static_cast<unsigned char>(text[good]);
    out += {'\\', 'x', kHex[byte >> 4], kHex[byte & 0xF]};
    text.remove_prefix(good + 1);
  }
  return out;
}

bool links_outside(const std::string& path, const std::string& top) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // Absolute first: weakly_canonical leaves a relative path none of whose
  // parts exists relative (a missing `sql/` under `flowc check .`), and a
  // relative path is never inside an absolute top.
  fs::path target = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) return true;
  fs::path root = fs::weakly_canonical(fs::absolute(top, ec), ec);
  fs::path inside = target.lexically_relative(root);
  return ec || inside.empty() || *inside.begin() == "..";
}

}  // namespace flowc
