// SourceBuffer and SourceManager: the text of every file the compiler reads,
// with line tables and conversions between byte offsets, 1-based line/column
// (byte columns, as printed in diagnostics) and 0-based UTF-16 columns (as the
// LSP counts them).
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowc {

/// Identifies one buffer in a SourceManager. Invalid ids compare unequal to
/// every real file.
struct FileId {
  uint32_t index = UINT32_MAX;
  [[nodiscard]] bool valid() const { return index != UINT32_MAX; }
  friend bool operator==(FileId a, FileId b) { return a.index == b.index; }
};

/// A half-open byte range [begin, end) in one file.
struct SourceRange {
  FileId file;
  uint32_t begin = 0;
  uint32_t end = 0;
  [[nodiscard]] bool valid() const { return file.valid(); }
};

/// 1-based line and 1-based byte column.
struct LineCol {
  uint32_t line = 1;
  uint32_t column = 1;
};

/// 0-based line and 0-based column in UTF-16 code units (LSP `Position`).
struct Utf16Position {
  uint32_t line = 0;
  uint32_t character = 0;
};

/// One file's text and its line table. Offsets are bytes into text().
class SourceBuffer {
 public:
  SourceBuffer(std::string path, std::string text);

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string_view text() const { return text_; }
  [[nodiscard]] uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

  /// Line and byte column of `offset` (clamped to the end of the text).
  [[nodiscard]] LineCol line_col(uint32_t offset) const;
  /// The text of 1-based line `line`, without its line end (lines.h).
  [[nodiscard]] std::string_view line_text(uint32_t line) const;
  /// Byte offset where 1-based `line` starts.
  [[nodiscard]] uint32_t line_start(uint32_t line) const;
  /// LSP position of `offset`, counting UTF-16 code units within the line.
  [[nodiscard]] Utf16Position utf16_position(uint32_t offset) const;
  /// Byte offset of an LSP position; a line or character past the end clamps
  /// to the end of that line or of the file.
  [[nodiscard]] uint32_t offset_of(Utf16Position pos) const;
  /// Byte offset of a 0-based line and 0-based byte column (UTF-8 encoding),
  /// clamped like offset_of.
  [[nodiscard]] uint32_t offset_of_utf8(uint32_t line, uint32_t byte_column) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

/// Owns every buffer of a compilation. Buffers are never moved once added, so
/// string_views into them stay valid for the manager's lifetime.
class SourceManager {
 public:
  SourceManager() = default;
  SourceManager(const SourceManager&) = delete;
  SourceManager& operator=(const SourceManager&) = delete;
  SourceManager(SourceManager&&) = default;
  SourceManager& operator=(SourceManager&&) = default;

  /// Adds a buffer with the given text; `path` is used only for display.
  FileId add(std::string path, std::string text);
  /// Replaces the text of an existing buffer (the LSP's edits). Views into the
  /// old text become invalid.
  void replace(FileId id, std::string text);
  [[nodiscard]] const SourceBuffer& buffer(FileId id) const { return *buffers_[id.index]; }
  [[nodiscard]] uint32_t size() const { return static_cast<uint32_t>(buffers_.size()); }
  /// The file added with exactly this path, if any (not a retired one).
  [[nodiscard]] std::optional<FileId> find(std::string_view path) const;
  /// The file is gone (the LSP's `.sql` file deleted on disk): its buffer
  /// keeps its id, empty, for what still points into it, but find() no
  /// longer answers it, so the next read of the path goes to the disk.
  void retire(FileId id);

 private:
  std::vector<std::unique_ptr<SourceBuffer>> buffers_;
  std::vector<bool> retired_;  // by id; shorter than buffers_ when the last ones are not
};

/// Reads a whole file. Returns std::nullopt and sets `error` (strerror text)
/// when it cannot be read.
std::optional<std::string> read_file(const std::string& path, std::string& error);

/// Whether `path`, a link or a path through one, leads outside the directory
/// `top` (or cannot be resolved): what a project's files name is the
/// project's, and a link to /proc/self/environ would print its secrets.
bool links_outside(const std::string& path, const std::string& top);

/// Reads `in` to its end (a file read_file opened, or a pipe such as stdin).
/// Returns std::nullopt and sets `error` when the read failed.
std::optional<std::string> read_stream(std::istream& in, std::string& error);

/// Appends the UTF-8 encoding of the Unicode scalar value `code_point`.
void append_utf8(std::string& out, char32_t code_point);

/// Decodes the code point at byte `i` of `text` into `code_point`; returns
/// its length in bytes, or 0 when the bytes there are not a well-formed
/// sequence (overlong forms and surrogates are the caller's to refuse).
uint32_t decode_utf8(std::string_view text, size_t i, char32_t& code_point);

/// True when `text` is valid UTF-8; otherwise `bad_offset` is the first bad byte.
bool is_valid_utf8(std::string_view text, uint32_t& bad_offset);

/// `text` with each byte that is not valid UTF-8 written `\xNN`: text that
/// came from outside (a path, a program's output) made fit for a message and
/// for PostgreSQL, whose UTF8 encoding refuses the bytes themselves.
std::string escape_invalid_utf8(std::string_view text);

}  // namespace flowc
