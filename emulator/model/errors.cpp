#include "emulator/model/errors.h"

#include <array>

#include "emulator/model/model.h"

namespace cfl {
namespace {

struct ExtraError {
  std::string_view code;
  int status;
  bool sender_fault;
};

// Real errors the model does not describe.
constexpr std::array kExtraErrors = {
    ExtraError{"MalformedInput", 400, true},   ExtraError{"Throttling", 400, true},
    ExtraError{"InternalError", 500, false},   ExtraError{"ServiceUnavailable", 503, false},
    ExtraError{"NotImplemented", 501, false},  ExtraError{"SignatureDoesNotMatch", 403, true},
    ExtraError{"InvalidClientTokenId", 403, true}, ExtraError{"IncompleteSignature", 403, true},
    ExtraError{"RequestExpired", 403, true},   ExtraError{"UnknownOperation", 404, true},
    ExtraError{"RequestEntityTooLarge", 413, true}, ExtraError{"RequestTimeout", 408, true},
    ExtraError{"UnsupportedMediaType", 415, true},
    ExtraError{"MissingAuthenticationToken", 403, true},
};

const ExtraError* FindExtra(std::string_view code) {
  for (const auto& extra : kExtraErrors) {
    if (extra.code == code) return &extra;
  }
  return nullptr;
}

}  // namespace

ApiError MakeError(std::string_view code, std::string message) {
  if (const auto id = model::FindShape(code)) {
    const auto& shape = model::Shape(*id);
    if (shape.error_status > 0) {
      return {std::string(code), std::move(message), shape.error_status,
              shape.sender_fault || shape.error_status < 500};
    }
  }
  if (const auto* extra = FindExtra(code)) {
    return {std::string(code), std::move(message), extra->status, extra->sender_fault};
  }
  return {"InternalError", "unknown error code " + std::string(code) + ": " + message, 500, false};
}

bool IsKnownErrorCode(std::string_view code) {
  if (FindExtra(code)) return true;
  const auto id = model::FindShape(code);
  return id && model::Shape(*id).error_status > 0;
}

ApiError MalformedInput(std::string message) { return MakeError("MalformedInput", std::move(message)); }

ApiError InvalidArgument(std::string message) { return MakeError("InvalidArgument", std::move(message)); }

ApiError NotImplemented(std::string_view operation) {
  return MakeError("NotImplemented",
                   std::string(operation) + " is not implemented yet by CloudFront Local.");
}

}  // namespace cfl
