#include "runtime/materialize/attempt_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "runtime/connect/secrets.h"
#include "runtime/process/process.h"

namespace flowc::runtime {

namespace {

std::string timestamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(now)), ms);
}

/// A line of output longer than this is written in pieces, so memory stays
/// bounded and `tail -f` shows a long progress line without a newline.
constexpr size_t kLongLine = 64 * 1024;

}  // namespace

AttemptLog::AttemptLog(const std::string& path) : path_(path) {
  if (path.empty()) return;
  std::error_code ec;
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) error_ = fmt::format("cannot open {}: {}", path, std::strerror(errno));
}

AttemptLog::~AttemptLog() {
  if (open()) ::close(fd_);
}

void AttemptLog::write(std::string_view text) {
  if (!open()) return;
  if (int error = write_all(fd_, text); error != 0) {
    error_ = fmt::format("cannot write {}: {}", path_, std::strerror(error));
    ::close(fd_);
    fd_ = -1;
  }
}

void AttemptLog::redact(std::string value) {
  if (value.empty()) return;
  const size_t before = secrets_.size();
  for (std::string& password : passwords_in(value)) secrets_.push_back(std::move(password));
  secrets_.push_back(std::move(value));
  const bool short_secret =
      std::any_of(secrets_.begin() + static_cast<std::ptrdiff_t>(before), secrets_.end(),
                  [](const std::string& s) { return s.size() < kShortPassword; });
  if (short_secret && !short_secret_noted_) {
    short_secret_noted_ = true;
    line(fmt::format(
        "note: a secret of this attempt is shorter than {} bytes: each line it occurs in is written "
        "*** (masked inside words, it would be spelt out)",
        kShortPassword));
  }
}

std::string AttemptLog::scrub(std::string_view text) const { return without_secrets(std::string(text), secrets_); }

void AttemptLog::line(std::string_view text) {
  if (!open()) return;
  write(timestamp() + ' ' + scrub(text) + '\n');
}

void AttemptLog::block(std::string_view title, std::string_view body) {
  if (!open()) return;
  std::string text = scrub(body);
  std::string out = timestamp() + ' ' + scrub(title) + '\n';
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.append("    ").append(std::string_view(text).substr(start, end - start)).append("\n");
    start = end + 1;
  }
  write(out);
}

void AttemptLog::output(std::string_view chunk) {
  pending_output_.append(chunk);
  size_t last_newline = pending_output_.rfind('\n');
  size_t cut = last_newline == std::string::npos ? 0 : last_newline + 1;
  if (pending_output_.size() - cut > kLongLine) cut = pending_output_.size();
  cut = secret_free_cut(pending_output_, cut);
  if (cut == 0) return;
  write_output(std::string_view(pending_output_).substr(0, cut));
  pending_output_.erase(0, cut);
}

void AttemptLog::end_output(bool cut_short) {
  if (pending_output_.empty()) return;
  if (cut_short) {
    const size_t held = secret_free_cut(pending_output_, pending_output_.size());
    if (held < pending_output_.size()) pending_output_.replace(held, std::string::npos, "***");
  }
  write_output(pending_output_);
  pending_output_.clear();
}

size_t AttemptLog::secret_free_cut(std::string_view text, size_t cut) const {
  for (bool moved = true; moved;) {
    moved = false;
    for (const std::string& secret : secrets_) {
      // Only a value starting within secret.size() - 1 bytes before the cut
      // can cross it; past the end of `text`, a prefix of it may continue.
      for (size_t at = cut >= secret.size() ? cut - secret.size() + 1 : 0; at < cut; ++at) {
        size_t n = std::min(secret.size(), text.size() - at);
        if (text.compare(at, n, secret, 0, n) == 0) {
          cut = at;
          moved = true;
          break;
        }
      }
    }
  }
  return cut;
}

void AttemptLog::write_output(std::string_view text) {
  if (!open()) return;
  std::string scrubbed = scrub(text);
  std::string stamp = timestamp();
  std::string out;
  size_t start = 0;
  while (start < scrubbed.size()) {
    size_t end = scrubbed.find('\n', start);
    if (end == std::string::npos) end = scrubbed.size();
    out.append(stamp)
        .append(" | ")
        .append(std::string_view(scrubbed).substr(start, end - start))
        .append("\n");
    start = end + 1;
  }
  write(out);
}

}  // namespace flowc::runtime
