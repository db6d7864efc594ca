// The one error catalogue: every CloudFront error code with its HTTP status,
// taken from the model's error shapes, plus the few real errors the model
// does not describe (MalformedInput, Throttling, ...).
#pragma once

#include <string>
#include <string_view>

namespace cfl {

struct ApiError {
  std::string code;     // e.g. "PreconditionFailed"
  std::string message;  // human-readable, as CloudFront words it
  int status = 400;
  bool sender_fault = true;  // <Type>Sender</Type>, else Receiver
};

// Builds the error named code, with its status from the catalogue. An unknown
// code is a programming error caught by tests; it becomes a 500 InternalError.
ApiError MakeError(std::string_view code, std::string message);

// True when the catalogue knows code (modeled or one of the extra errors).
bool IsKnownErrorCode(std::string_view code);

// Common errors, worded as CloudFront words them.
ApiError MalformedInput(std::string message);
ApiError InvalidArgument(std::string message);
ApiError NotImplemented(std::string_view operation);

}  // namespace cfl
