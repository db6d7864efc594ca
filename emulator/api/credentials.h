// The access keys the emulator knows when it verifies signatures
// (--credentials, --credentials-file), and which account each acts for.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "emulator/common/result.h"

namespace cfl::api {

struct Credential {
  std::string access_key;
  std::string secret;
  std::string account;  // 12 digits
};

// "ACCESS_KEY:SECRET[:ACCOUNT]". Without ACCOUNT, a 12-digit access key is its
// own account, any other key acts for default_account. Returns the error to
// print otherwise.
Result<Credential, std::string> ParseCredentialSpec(std::string_view spec, const std::string& default_account);

// A credentials file: one "ACCESS_KEY SECRET [ACCOUNT]" per line (blanks or
// tabs between), blank lines and lines starting with # ignored. Errors name
// the file and the line.
Result<std::vector<Credential>, std::string> ParseCredentialsFile(std::string_view text, std::string_view file_name,
                                                                  const std::string& default_account);

// Everything configured: each --credentials spec, then the file ("" = none).
// An access key configured twice is an error.
Result<std::vector<Credential>, std::string> GatherCredentials(const std::vector<std::string>& specs,
                                                               const std::string& file_path,
                                                               const std::string& default_account);

}  // namespace cfl::api
