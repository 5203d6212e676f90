#include "cli/masked_errors.h"

#include <algorithm>

#include "runtime/connect/secrets.h"

namespace flowc::cli {

std::vector<std::pair<std::string, std::string>> argument_masks(int argc, const char* const* argv) {
  std::vector<std::pair<std::string, std::string>> masks;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) arg.erase(0, eq + 1);
    std::vector<std::string> passwords = runtime::passwords_in(arg);
    if (passwords.empty()) continue;
    const bool short_one = std::any_of(passwords.begin(), passwords.end(), [](const std::string& p) {
      return !p.empty() && p.size() < runtime::kShortPassword;
    });
    masks.emplace_back(
        arg, short_one ? "(a connection string, not shown)" : runtime::without_secrets(arg, passwords));
  }
  // Longest first, so that an argument holding another is replaced whole.
  std::sort(masks.begin(), masks.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return masks;
}

MaskedErrors::int_type MaskedErrors::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  std::lock_guard lock(mutex_);
  pending_.push_back(traits_type::to_char_type(c));
  if (pending_.back() == '\n' && !drain(false)) return traits_type::eof();
  return c;
}

std::streamsize MaskedErrors::xsputn(const char* text, std::streamsize n) {
  std::lock_guard lock(mutex_);
  pending_.append(text, static_cast<size_t>(n));
  // Whole lines go out at once (an osyncstream hands its text over without
  // a flush); an argument never spans two lines.
  if (std::string_view(text, static_cast<size_t>(n)).find('\n') != std::string_view::npos && !drain(false))
    return 0;
  return n;
}

int MaskedErrors::sync() {
  std::lock_guard lock(mutex_);
  return drain(true) && target_->pubsync() == 0 ? 0 : -1;
}

bool MaskedErrors::drain(bool all) {
  const size_t end = all ? pending_.size() : pending_.rfind('\n') + 1;
  std::string out = pending_.substr(0, end);
  pending_.erase(0, end);
  for (const auto& [argument, masked] : masks_)
    for (size_t at = out.find(argument); at != std::string::npos; at = out.find(argument, at + masked.size()))
      out.replace(at, argument.size(), masked);
  const auto size = static_cast<std::streamsize>(out.size());
  return target_->sputn(out.data(), size) == size;
}

}  // namespace flowc::cli
