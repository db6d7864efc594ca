#include "emulator/codec/decoded_payloads.h"

namespace cfl::model {

std::string DecodedPayloads::Key(std::string_view operation, std::string_view body) {
  // An operation name holds no NUL: the first one ends it.
  std::string key;
  key.reserve(operation.size() + 1 + body.size());
  key.append(operation).append(1, '\0').append(body);
  return key;
}

std::shared_ptr<const cfl::Json> DecodedPayloads::Find(std::string_view operation, std::string_view body) {
  if (body.size() > kMaxBodyBytes) return nullptr;
  return decoded_.Find(Key(operation, body));
}

void DecodedPayloads::Keep(std::string_view operation, std::string_view body, cfl::Json payload) {
  if (body.size() > kMaxBodyBytes) return;
  decoded_.Insert(Key(operation, body), std::make_shared<const cfl::Json>(std::move(payload)));
}

DecodedPayloads& DecodedPayloads::Shared() {
  static DecodedPayloads cache(256);
  return cache;
}

}  // namespace cfl::model
