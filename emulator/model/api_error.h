// An API error as a value: what the HTTP edge turns into the service's error
// document (rest-xml <ErrorResponse>, rest-json x-amzn-ErrorType + JSON).
#pragma once

#include <string>

namespace cfl {

struct ApiError {
  std::string code;     // e.g. "PreconditionFailed"
  std::string message;  // human-readable, as the service words it
  int status = 400;
  bool sender_fault = true;  // <Type>Sender</Type>, else Receiver
};

}  // namespace cfl
