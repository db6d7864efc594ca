#include "emulator/api/dispatcher.h"

#include "emulator/api/accounts.h"
#include "emulator/common/ids.h"

namespace cfl::api {
namespace {

model::HttpResponseParts ErrorResponse(const ApiError& error, CallRecord& call) {
  call.error_code = error.code;
  return model::EncodeError(error, call.request_id);
}

}  // namespace

Dispatcher::Dispatcher(Services& services, std::string default_account)
    : services_(services), default_account_(std::move(default_account)), handlers_(handlers::AllHandlers()) {}

model::HttpResponseParts Dispatcher::Handle(const model::HttpRequestView& request, CallRecord& call) {
  call.request_id = ids::RequestId();
  const auto authorization = request.header("Authorization");
  call.account = AccountFor(authorization ? std::optional<std::string_view>(*authorization) : std::nullopt,
                            default_account_);
  RequestContext ctx{services_, call.account, call.request_id, ToMillis(services_.clock.Now())};
  model::HttpResponseParts response;
  try {
    response = Serve(request, ctx, call);
  } catch (const std::exception& error) {
    response = ErrorResponse(MakeError("InternalError", std::string("Internal error: ") + error.what()), call);
  }
  response.headers.emplace_back("x-amzn-RequestId", call.request_id);
  call.status = response.status;
  return response;
}

model::HttpResponseParts Dispatcher::Serve(const model::HttpRequestView& request, RequestContext& ctx,
                                           CallRecord& call) {
  const auto route = model::FindRoute(request.method, request.path, request.query);
  if (!route) {
    return ErrorResponse(MakeError("UnknownOperation", "No CloudFront operation matches " +
                                                           std::string(request.method) + " " +
                                                           std::string(request.path) + "."),
                         call);
  }
  const auto& operation = *route->operation;
  call.operation = operation.name;
  if (auto if_match = request.header("If-Match")) call.if_match = *if_match;
  const auto handler = handlers_.find(std::string(operation.name));
  if (handler == handlers_.end()) return ErrorResponse(NotImplemented(operation.name), call);
  auto input = model::DecodeRequest(*route, request);
  if (!input) return ErrorResponse(input.error(), call);
  auto output = handler->second(ctx, input.value());
  if (!output) return ErrorResponse(output.error(), call);
  call.etag = output->value("ETag", "");
  return model::EncodeResponse(operation, output.value());
}

}  // namespace cfl::api
