// The subcommands of `flowc`. Each returns the process exit code: 0 success,
// 1 the thing checked failed, 2 usage or environment error (cli.md).
#pragma once

#include <string>
#include <vector>

namespace flowc::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct CheckOptions {
  std::vector<std::string> paths;
  bool strict = false;
  std::string format = "human";
  std::string db;
};
int run_check(const CheckOptions& options);

struct FmtOptions {
  std::vector<std::string> paths;
  bool check = false;
};
int run_fmt(const FmtOptions& options);

struct DocOptions {
  std::string name;
  std::string path = ".";
};
int run_doc(const DocOptions& options);

struct InventoryOptions {
  std::string path = ".";
  std::string format = "human";
  std::string import_kind;  // "crontab" with --import
  std::string import_file;
};
int run_inventory(const InventoryOptions& options);

/// `flowc lsp`: serves the Language Server Protocol on stdin/stdout until
/// `exit`; returns 0 after a clean shutdown, 1 otherwise.
int run_lsp();

}  // namespace flowc::cli
