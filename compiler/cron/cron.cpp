// Cron expression parser: the Vixie cron 5-field syntax and the @macros, with
// an error message and byte range for the first problem found.
#include "compiler/cron/cron.h"

#include <array>
#include <cctype>
#include <vector>

#include "compiler/source/ascii.h"

namespace flowc::cron {
namespace {

/// What one of the five fields accepts.
struct FieldInfo {
  std::string_view name;       // as used in messages: "minute", "day of month"
  int low;
  int high;
  const std::array<std::string_view, 12>* names;  // names[i] is value i + names_base
  int names_base;
  std::string_view name_kind;  // "month", "day" (for "unknown month name")
};

constexpr std::array<std::string_view, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
// Only the first 7 entries are used.
constexpr std::array<std::string_view, 12> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

constexpr std::array<FieldInfo, 5> kFields = {{
    {"minute", 0, 59, nullptr, 0, ""},
    {"hour", 0, 23, nullptr, 0, ""},
    {"day of month", 1, 31, nullptr, 0, ""},
    {"month", 1, 12, &kMonthNames, 1, "month"},
    {"day of week", 0, 7, &kDayNames, 0, "day"},
}};

struct Macro {
  std::string_view name;
  std::string_view expansion;
};

constexpr std::array<Macro, 7> kMacros = {{
    {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
    {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},
    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
}};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Byte length of the UTF-8 sequence starting with `c`, so an error points
/// at a whole character.
uint32_t utf8_length(char c) {
  auto b = static_cast<unsigned char>(c);
  if (b >= 0xF0) return 4;
  if (b >= 0xE0) return 3;
  if (b >= 0xC0) return 2;
  return 1;
}

struct Token {
  std::string_view text;
  uint32_t begin = 0;  // offset in the whole expression
  [[nodiscard]] uint32_t end() const { return begin + static_cast<uint32_t>(text.size()); }
};

/// Parses one field into a bit set. `text` is the whole expression so error
/// ranges are absolute; the field is [field.begin, field.end()).
class FieldParser {
 public:
  FieldParser(std::string_view text, Token field, const FieldInfo& info, CronError& error)
      : text_(text), field_(field), info_(info), error_(error) {}

  /// Fills `bits` (indexed by value; day of week 7 folds onto 0). False and
  /// `error_` set on the first problem.
  bool parse(std::vector<bool>& bits) {
    bits.assign(static_cast<size_t>(info_.high) + 1, false);
    uint32_t pos = field_.begin;
    const uint32_t end = field_.end();
    while (true) {
      uint32_t item_end = pos;
      while (item_end < end && text_[item_end] != ',') ++item_end;
      if (item_end == pos) {
        // An empty item: point at the comma that has nothing before/after it.
        uint32_t at = pos < end ? pos : pos - 1;
        return fail(std::string("empty item in the ") + std::string(info_.name) + " list", at, at + 1);
      }
      if (!parse_item(pos, item_end, bits)) return false;
      if (item_end == end) return true;
      pos = item_end + 1;
    }
  }

 private:
  bool fail(std::string message, uint32_t begin, uint32_t end) {
    error_ = CronError{std::move(message), begin, end};
    return false;
  }

  bool unexpected(uint32_t at) {
    uint32_t len = utf8_length(text_[at]);
    std::string ch(text_.substr(at, len));
    return fail("unexpected `" + ch + "` in the " + std::string(info_.name) + " field", at,
                std::min<uint32_t>(at + len, static_cast<uint32_t>(text_.size())));
  }

  /// Reads one value (number or name) at `pos`; advances `pos` past it.
  bool parse_value(uint32_t& pos, uint32_t end, int& value) {
    uint32_t start = pos;
    while (pos < end && is_alnum(text_[pos])) ++pos;
    std::string_view word = text_.substr(start, pos - start);
    bool all_digits = true, all_letters = true;
    for (char c : word) {
      all_digits = all_digits && is_digit(c);
      all_letters = all_letters && !is_digit(c);
    }
    if (all_digits) {
      // Saturate: "99999999999" is out of range, not an overflow.
      long long n = 0;
      for (char c : word) n = std::min(n * 10 + (c - '0'), 1'000'000LL);
      if (n < info_.low || n > info_.high) {
        return fail(std::string(info_.name) + " " + std::string(word) + " is out of range " +
                        std::to_string(info_.low) + "-" + std::to_string(info_.high),
                    start, pos);
      }
      value = static_cast<int>(n);
      return true;
    }
    if (info_.names == nullptr) {
      return fail(std::string(info_.name) + " `" + std::string(word) + "` is not a number", start, pos);
    }
    if (all_letters) {
      std::string key = ascii_lower(word);
      size_t count = info_.names_base == 0 ? 7 : 12;
      for (size_t i = 0; i < count; ++i) {
        if ((*info_.names)[i] == key) {
          value = static_cast<int>(i) + info_.names_base;
          return true;
        }
      }
      return fail("unknown " + std::string(info_.name_kind) + " name `" + std::string(word) + "`", start, pos);
    }
    return fail(std::string(info_.name) + " `" + std::string(word) + "` is not a number or a name", start, pos);
  }

  /// item := ('*' | value ['-' value]) ['/' step]
  bool parse_item(uint32_t pos, uint32_t end, std::vector<bool>& bits) {
    const uint32_t item_begin = pos;
    int first = info_.low, last = info_.high;
    if (text_[pos] == '*') {
      ++pos;
    } else if (is_alnum(text_[pos])) {
      if (!parse_value(pos, end, first)) return false;
      last = first;
      if (pos < end && text_[pos] == '-') {
        ++pos;
        if (pos == end || !is_alnum(text_[pos])) {
          if (pos < end && text_[pos] != '/') return unexpected(pos);
          return fail("incomplete range `" + std::string(text_.substr(item_begin, pos - item_begin)) + "`",
                      item_begin, pos);
        }
        if (!parse_value(pos, end, last)) return false;
        if (last < first) {
          return fail("range " + std::string(text_.substr(item_begin, pos - item_begin)) + " is backwards",
                      item_begin, pos);
        }
      } else if (pos < end && text_[pos] == '/') {
        // "5/15" means "5-max/15" (cronie's reading).
        last = info_.high;
      }
    } else {
      return unexpected(pos);
    }

    int step = 1;
    if (pos < end && text_[pos] == '/') {
      uint32_t slash = pos++;
      uint32_t start = pos;
      while (pos < end && is_alnum(text_[pos])) ++pos;
      std::string_view word = text_.substr(start, pos - start);
      if (word.empty()) {
        if (pos < end) return unexpected(pos);
        return fail("expected a step after `/`", slash, slash + 1);
      }
      long long n = 0;
      for (char c : word) {
        if (!is_digit(c)) return fail("step `" + std::string(word) + "` is not a number", start, pos);
        n = std::min(n * 10 + (c - '0'), 1'000'000LL);
      }
      if (n < 1) return fail("step must be at least 1", start, pos);
      step = static_cast<int>(n);
    }
    if (pos < end) return unexpected(pos);

    for (int v = first; v <= last; v += step) bits[static_cast<size_t>(v)] = true;
    return true;
  }

  std::string_view text_;
  Token field_;
  const FieldInfo& info_;
  CronError& error_;
};

std::vector<Token> split_words(std::string_view text) {
  std::vector<Token> words;
  uint32_t i = 0;
  const auto n = static_cast<uint32_t>(text.size());
  while (i < n) {
    while (i < n && is_space(text[i])) ++i;
    if (i == n) break;
    uint32_t start = i;
    while (i < n && !is_space(text[i])) ++i;
    words.push_back(Token{text.substr(start, i - start), start});
  }
  return words;
}

std::optional<CronSpec> parse_macro(std::string_view text, const std::vector<Token>& words, CronError& error) {
  const Token& macro = words[0];
  std::string key = ascii_lower(macro.text);
  if (key == "@reboot") {
    error = {"`@reboot` has no schedule: it runs once when cron starts", macro.begin, macro.end()};
    return std::nullopt;
  }
  for (const Macro& m : kMacros) {
    if (m.name != key) continue;
    if (words.size() > 1) {
      error = {"unexpected `" + std::string(words[1].text) + "` after `" + std::string(macro.text) + "`",
               words[1].begin, words.back().end()};
      return std::nullopt;
    }
    return parse(m.expansion, error);
  }
  error = {"unknown macro `" + std::string(macro.text) +
               "`, expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly",
           macro.begin, macro.end()};
  return std::nullopt;
}

template <size_t N>
void copy_bits(const std::vector<bool>& from, std::bitset<N>& to) {
  for (size_t i = 0; i < N && i < from.size(); ++i) to[i] = from[i];
}

}  // namespace

std::optional<CronSpec> parse(std::string_view text, CronError& error) {
  std::vector<Token> words = split_words(text);
  if (!words.empty() && words[0].text[0] == '@') return parse_macro(text, words, error);
  if (words.size() != 5) {
    uint32_t begin = words.empty() ? 0 : words[0].begin;
    uint32_t end = words.empty() ? static_cast<uint32_t>(text.size()) : words.back().end();
    if (words.size() > 5) begin = words[5].begin;  // point at the extra fields
    error = {"expected 5 fields, found " + std::to_string(words.size()), begin, end};
    return std::nullopt;
  }

  std::array<std::vector<bool>, 5> bits;
  for (size_t i = 0; i < 5; ++i) {
    FieldParser field(text, words[i], kFields[i], error);
    if (!field.parse(bits[i])) return std::nullopt;
  }

  CronSpec spec;
  copy_bits(bits[0], spec.minutes);
  copy_bits(bits[1], spec.hours);
  copy_bits(bits[2], spec.days_of_month);
  copy_bits(bits[3], spec.months);
  copy_bits(bits[4], spec.days_of_week);
  if (bits[4][7]) spec.days_of_week[0] = true;  // 7 is Sunday too
  // Vixie cron: a field counts as unrestricted when it starts with `*`, so
  // "*/2" in day of month still combines with day of week by AND.
  spec.dom_restricted = words[2].text[0] != '*';
  spec.dow_restricted = words[4].text[0] != '*';
  return spec;
}

}  // namespace flowc::cron
