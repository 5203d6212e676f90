// The secrets a crontab line spells out, withheld from everything the import
// writes (the legacy blocks, their TODO notes, warnings): a `.flow` file is
// committed and an inventory is pasted into issues.
#pragma once

#include <string>
#include <string_view>

namespace flowc::dsn {

/// `text` (a command, its stdin, a comment, a warning quoting a line) with
/// each secret it spells out replaced by `***`: a DSN's password
/// (`password=...`, `user:password@` in a URI), the value of a variable whose
/// name says secret (`PGPASSWORD=...`, `API_TOKEN=...`), of an option that
/// does (`--password=...`, `--token X`), the password of `-u user:password`
/// and `--user user:password`, mysql's `-pPASSWORD`, the user info of a web
/// URL (`https://TOKEN@host`) and its query parameters named so
/// (`?token=...`), a header named so (`Authorization: Bearer ...`,
/// `X-Api-Key: ...`), and the secret options of sshpass (`-p`), redis-cli
/// (`-a`), openssl (`-k`, `-pass pass:...`) and lftp (`-u user,password`). `withheld` is set
/// when anything was replaced. Heuristic, as any reading of shell text is:
/// it errs towards withholding.
std::string withhold_secrets(std::string_view text, bool& withheld);
/// The same, for a text only shown (`inventory`, `plan`, a channel's
/// recorded error): whether anything was withheld is not asked.
std::string withhold_secrets(std::string_view text);

/// The same, each secret's bytes replaced by as many `*`: for a line of a
/// `.flow` file shown under a diagnostic, whose underline keeps its columns.
std::string mask_secrets(std::string_view text);

/// Whether `command` ends with an option that takes a secret and has none
/// (`mysql -u etl -p`, `--password`): what cron feeds its stdin is then the
/// secret (`... -p%Secret%`).
bool asks_for_secret(std::string_view command);

}  // namespace flowc::dsn
