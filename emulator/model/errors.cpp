#include "emulator/model/errors.h"

#include <array>

#include "emulator/model/error_messages.h"
#include "emulator/model/model.h"

namespace cfl {
namespace {

struct ExtraError {
  std::string_view code;
  int status;
  bool sender_fault;
};

// Real errors the models do not describe.
constexpr std::array kExtraErrors = {
    ExtraError{"MalformedInput", 400, true},   ExtraError{"MalformedXML", 400, true},
    ExtraError{"Throttling", 400, true},       ExtraError{"InternalError", 500, false},
    ExtraError{"ServiceUnavailable", 503, false}, ExtraError{"NotImplemented", 501, false},
    ExtraError{"SignatureDoesNotMatch", 403, true}, ExtraError{"InvalidClientTokenId", 403, true},
    ExtraError{"IncompleteSignature", 403, true}, ExtraError{"RequestExpired", 403, true},
    ExtraError{"UnknownOperation", 404, true}, ExtraError{"RequestEntityTooLarge", 413, true},
    ExtraError{"RequestTimeout", 408, true},   ExtraError{"UnsupportedMediaType", 415, true},
    ExtraError{"MissingAuthenticationToken", 403, true},
    // The KeyValueStore data plane's (rest-json).
    ExtraError{"UnknownOperationException", 404, true}, ExtraError{"ThrottlingException", 429, true},
    ExtraError{"SerializationException", 400, true},
};

const ExtraError* FindExtra(std::string_view code) {
  for (const auto& extra : kExtraErrors) {
    if (extra.code == code) return &extra;
  }
  return nullptr;
}

// The error shape named code, in the first service that has one.
const model::ShapeDef* FindErrorShape(std::string_view code) {
  for (const auto& service : model::Services()) {
    if (const auto id = model::FindShape(service, code); id && model::Shape(*id).error_status > 0) {
      return &model::Shape(*id);
    }
  }
  return nullptr;
}

ApiError Extra(std::string_view code, std::string message) {
  const auto* extra = FindExtra(code);
  if (message.empty()) message = std::string(model::DefaultMessage(code));
  return {std::string(code), std::move(message), extra->status, extra->sender_fault};
}

}  // namespace

ApiError MakeError(std::string_view code, std::string message) {
  if (const auto* shape = FindErrorShape(code)) {
    return {std::string(code), std::move(message), shape->error_status,
            shape->sender_fault || shape->error_status < 500};
  }
  if (FindExtra(code)) return Extra(code, std::move(message));
  return {"InternalError", "unknown error code " + std::string(code) + ": " + message, 500, false};
}

bool IsKnownErrorCode(std::string_view code) { return FindExtra(code) || FindErrorShape(code); }

ApiError MalformedInput(std::string message) { return errors::MalformedInput(std::move(message)); }

ApiError InvalidArgument(std::string message) { return errors::InvalidArgument(std::move(message)); }

ApiError NotImplemented(std::string_view operation) {
  return errors::NotImplemented(std::string(operation) + " is not implemented yet by CloudFront Local.");
}

namespace errors {

ApiError MalformedInput(std::string message) { return Extra("MalformedInput", std::move(message)); }
ApiError MalformedXML(std::string message) { return Extra("MalformedXML", std::move(message)); }
ApiError Throttling(std::string message) { return Extra("Throttling", std::move(message)); }
ApiError InternalError(std::string message) { return Extra("InternalError", std::move(message)); }
ApiError ServiceUnavailable(std::string message) { return Extra("ServiceUnavailable", std::move(message)); }
ApiError NotImplemented(std::string message) { return Extra("NotImplemented", std::move(message)); }
ApiError UnknownOperation(std::string message) { return Extra("UnknownOperation", std::move(message)); }
ApiError RequestEntityTooLarge(std::string message) { return Extra("RequestEntityTooLarge", std::move(message)); }
ApiError MissingAuthenticationToken(std::string message) {
  return Extra("MissingAuthenticationToken", std::move(message));
}
ApiError IncompleteSignature(std::string message) { return Extra("IncompleteSignature", std::move(message)); }
ApiError InvalidClientTokenId(std::string message) { return Extra("InvalidClientTokenId", std::move(message)); }
ApiError SignatureDoesNotMatch(std::string message) { return Extra("SignatureDoesNotMatch", std::move(message)); }
ApiError RequestExpired(std::string message) { return Extra("RequestExpired", std::move(message)); }

}  // namespace errors

namespace kvs_errors {

ApiError UnknownOperationException(std::string message) {
  return Extra("UnknownOperationException", std::move(message));
}
ApiError NotImplemented(std::string message) { return Extra("NotImplemented", std::move(message)); }
ApiError ThrottlingException(std::string message) { return Extra("ThrottlingException", std::move(message)); }
ApiError SerializationException(std::string message) {
  return Extra("SerializationException", std::move(message));
}

}  // namespace kvs_errors
}  // namespace cfl
