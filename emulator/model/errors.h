// The one error catalogue. Every error of the models has a generated
// constructor (generated/errors.h: cfl::errors for CloudFront, cfl::kvs_errors
// for the KeyValueStore data plane), so a code that does not exist does not
// compile; the real errors the models do not describe are declared here, in
// the same namespaces. MakeError is for codes known only at run time (the
// control plane's fault rules).
#pragma once

#include <string>
#include <string_view>

#include "emulator/model/api_error.h"
#include "emulator/model/generated/errors.h"

namespace cfl {

// Builds the error named code, with its status from the catalogue (CloudFront's
// model errors, then the hand-written ones below). An unknown code is a
// programming error caught by tests; it becomes a 500 InternalError.
ApiError MakeError(std::string_view code, std::string message);

// True when the catalogue knows code (modeled or one of the extra errors).
bool IsKnownErrorCode(std::string_view code);

// Common errors, worded as CloudFront words them.
ApiError MalformedInput(std::string message = {});
ApiError InvalidArgument(std::string message = {});
ApiError NotImplemented(std::string_view operation);

}  // namespace cfl

// CloudFront's errors that its model does not describe.
namespace cfl::errors {

ApiError MalformedInput(std::string message = {});     // 400: XML that is not well-formed or does not fit the schema
ApiError MalformedXML(std::string message = {});       // 400: model constraint violations ("1 validation error detected: ...")
ApiError Throttling(std::string message = {});         // 400
ApiError InternalError(std::string message = {});      // 500
ApiError ServiceUnavailable(std::string message = {}); // 503
ApiError NotImplemented(std::string message = {});     // 501: an operation the emulator does not implement yet
ApiError UnknownOperation(std::string message = {});   // 404: no operation matches the method and path
ApiError RequestEntityTooLarge(std::string message = {});  // 413
// The signature errors (403).
ApiError MissingAuthenticationToken(std::string message = {});
ApiError IncompleteSignature(std::string message = {});
ApiError InvalidClientTokenId(std::string message = {});
ApiError SignatureDoesNotMatch(std::string message = {});
ApiError RequestExpired(std::string message = {});

}  // namespace cfl::errors

// The KeyValueStore data plane's errors that its model does not describe.
namespace cfl::kvs_errors {

ApiError UnknownOperationException(std::string message = {});  // 404
ApiError NotImplemented(std::string message = {});             // 501
ApiError ThrottlingException(std::string message = {});        // 429
ApiError SerializationException(std::string message = {});     // 400: a body that is not JSON or does not fit the model

}  // namespace cfl::kvs_errors
