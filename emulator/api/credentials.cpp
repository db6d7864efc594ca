#include "emulator/api/credentials.h"

#include <fstream>
#include <set>
#include <sstream>

#include "emulator/api/accounts.h"

namespace cfl::api {
namespace {

// An access key travels in "Credential=KEY/DATE/...", so it cannot hold a
// slash, a comma, an equals sign or blanks.
bool IsValidAccessKey(std::string_view key) {
  return !key.empty() && key.find_first_of("/,=: \t\r\n") == std::string_view::npos;
}

Result<Credential, std::string> MakeCredential(std::string_view key, std::string_view secret,
                                               std::string_view account, const std::string& default_account) {
  if (!IsValidAccessKey(key)) {
    return Fail("access key '" + std::string(key) + "' is empty or holds one of / , = : or a blank");
  }
  if (secret.empty()) return Fail("access key " + std::string(key) + " has an empty secret");
  if (!account.empty() && !IsAccountId(account)) {
    return Fail("account of access key " + std::string(key) + " must be 12 digits, got '" + std::string(account) + "'");
  }
  std::string owner = !account.empty() ? std::string(account) : IsAccountId(key) ? std::string(key) : default_account;
  return Credential{std::string(key), std::string(secret), std::move(owner)};
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t at = 0;
  while (true) {
    at = line.find_first_not_of(" \t\r", at);
    if (at == std::string_view::npos) return fields;
    const auto end = line.find_first_of(" \t\r", at);
    fields.push_back(line.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
    if (end == std::string_view::npos) return fields;
    at = end;
  }
}

}  // namespace

Result<Credential, std::string> ParseCredentialSpec(std::string_view spec, const std::string& default_account) {
  const auto parts = Split(spec, ':');
  if (parts.size() < 2 || parts.size() > 3) {
    return Fail("--credentials needs ACCESS_KEY:SECRET[:ACCOUNT], got '" + std::string(spec) + "'");
  }
  auto credential = MakeCredential(parts[0], parts[1], parts.size() == 3 ? parts[2] : "", default_account);
  if (!credential) return Fail("--credentials: " + credential.error());
  return credential;
}

Result<std::vector<Credential>, std::string> ParseCredentialsFile(std::string_view text, std::string_view file_name,
                                                                  const std::string& default_account) {
  std::vector<Credential> credentials;
  const auto lines = Split(text, '\n');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto fields = Fields(lines[i]);
    if (fields.empty() || fields[0].starts_with('#')) continue;
    const std::string where = std::string(file_name) + ":" + std::to_string(i + 1) + ": ";
    if (fields.size() < 2 || fields.size() > 3) return Fail(where + "expected ACCESS_KEY SECRET [ACCOUNT]");
    auto credential = MakeCredential(fields[0], fields[1], fields.size() == 3 ? fields[2] : "", default_account);
    if (!credential) return Fail(where + credential.error());
    credentials.push_back(std::move(credential.value()));
  }
  return credentials;
}

Result<std::vector<Credential>, std::string> GatherCredentials(const std::vector<std::string>& specs,
                                                               const std::string& file_path,
                                                               const std::string& default_account) {
  std::vector<Credential> credentials;
  for (const auto& spec : specs) {
    auto credential = ParseCredentialSpec(spec, default_account);
    if (!credential) return Fail(credential.error());
    credentials.push_back(std::move(credential.value()));
  }
  if (!file_path.empty()) {
    std::ifstream file(file_path, std::ios::binary);
    if (!file) return Fail("cannot read the credentials file " + file_path);
    std::ostringstream text;
    text << file.rdbuf();
    auto from_file = ParseCredentialsFile(text.str(), file_path, default_account);
    if (!from_file) return Fail(from_file.error());
    for (auto& credential : from_file.value()) credentials.push_back(std::move(credential));
  }
  std::set<std::string, std::less<>> seen;
  for (const auto& credential : credentials) {
    if (!seen.insert(credential.access_key).second) {
      return Fail("access key " + credential.access_key + " is configured twice");
    }
  }
  return credentials;
}

}  // namespace cfl::api
