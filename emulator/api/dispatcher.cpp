#include "emulator/api/dispatcher.h"

#include <thread>

#include "emulator/api/accounts.h"
#include "emulator/api/sigv4.h"
#include "emulator/common/ids.h"
#include "emulator/engine/registry.h"

namespace cfl::api {
namespace {

model::HttpResponseParts ErrorResponse(const ApiError& error, CallRecord& call,
                                       model::ProtocolKind protocol = model::ProtocolKind::kRestXml) {
  call.error_code = error.code;
  return model::EncodeError(error, call.request_id, protocol);
}

bool IsCloudFront(const model::ServiceDef& service) { return &service == &model::Services().front(); }

ApiError UnknownOperation(const model::ServiceDef& service, const model::HttpRequestView& request) {
  std::string message = "No " + std::string(service.service_id) + " operation matches " +
                        std::string(request.method) + " " + std::string(request.path) + ".";
  return IsCloudFront(service) ? errors::UnknownOperation(std::move(message))
                               : kvs_errors::UnknownOperationException(std::move(message));
}

ApiError OperationNotImplemented(const model::OperationDef& operation) {
  const auto& service = model::ServiceOf(operation);
  if (IsCloudFront(service)) return NotImplemented(operation.name);
  return kvs_errors::NotImplemented(std::string(operation.name) + " (" + std::string(service.service_id) +
                                    ") is not implemented yet by CloudFront Local.");
}

// The name of a query parameter given more than once: which value is meant
// cannot be known, so no value is taken silently.
std::optional<std::string> RepeatedParameter(const model::QueryMap& query) {
  for (auto it = query.begin(); it != query.end(); ++it) {
    const auto next = std::next(it);
    if (next != query.end() && next->first == it->first) return it->first;
  }
  return std::nullopt;
}

bool NamesAnId(std::string_view member) { return member == "Id" || member.ends_with("Id"); }

// arn:aws:cloudfront::ACCOUNT:TYPE/ID → ID
std::string IdOfArn(std::string_view arn) {
  const auto slash = arn.rfind('/');
  if (!arn.starts_with("arn:") || slash == std::string_view::npos) return "";
  return std::string(arn.substr(slash + 1));
}

// With a verifier, the request must carry a valid signature: on success the
// call acts for the access key's account, else the answer is the returned error.
std::optional<ApiError> Authenticate(const sigv4::SignatureVerifier* verifier, const model::HttpRequestView& request,
                                     const model::ServiceDef& service, RequestContext& ctx, CallRecord& call) {
  if (!verifier) return std::nullopt;
  sigv4::HeaderValues header_values = request.header_values;
  if (!header_values) {
    header_values = [&request](std::string_view name) {
      auto value = request.header(name);
      return value ? std::vector<std::string>{std::move(*value)} : std::vector<std::string>{};
    };
  }
  const std::string_view raw_target = request.raw_target.empty() ? request.path : request.raw_target;
  auto verified = verifier->Verify({request.method, raw_target, header_values, request.body, service.signing_name},
                                   FromMillis(ctx.now_ms));
  if (!verified) return verified.error();
  ctx.account = call.account = verified.value();
  return std::nullopt;
}

}  // namespace

std::vector<std::string> ResourceIdsOf(const cfl::Json& input) {
  std::vector<std::string> ids;
  if (!input.is_object()) return ids;
  for (const auto& [name, value] : input.items()) {
    if (!value.is_string()) continue;
    const auto& text = value.get_ref<const std::string&>();
    if (NamesAnId(name) && !text.empty()) ids.push_back(text);
    if (name == "Resource") {
      if (auto id = IdOfArn(text); !id.empty()) ids.push_back(std::move(id));
    }
  }
  return ids;
}

Dispatcher::Dispatcher(Services& services, std::string default_account, FaultHook* faults,
                       const sigv4::SignatureVerifier* verifier)
    : services_(services),
      default_account_(std::move(default_account)),
      handlers_(engine::Registry::Get().Handlers()),
      faults_(faults),
      verifier_(verifier) {}

model::HttpResponseParts Dispatcher::Handle(const model::HttpRequestView& request, CallRecord& call) {
  const auto started = std::chrono::steady_clock::now();
  call.request_id = ids::RequestId();
  call.method = std::string(request.method);
  call.path = std::string(request.path);
  const auto authorization = request.header("Authorization");
  call.account = AccountFor(authorization ? std::optional<std::string_view>(*authorization) : std::nullopt,
                            request.query, default_account_);
  RequestContext ctx{services_, call.account, call.request_id, ToMillis(services_.clock.Now())};
  call.time_ms = ctx.now_ms;
  model::HttpResponseParts response;
  model::ProtocolKind protocol = model::ProtocolKind::kRestXml;
  try {
    // Routing has no effects: it comes first to learn the service, whose
    // signing name the signature must be scoped to and whose format errors take.
    const auto route = model::FindRoute(request.method, request.RawPath(), request.query);
    const auto& service = route ? model::ServiceOf(*route->operation) : model::ServiceForPath(request.RawPath());
    protocol = service.protocol;
    auto denied = Authenticate(verifier_, request, service, ctx, call);
    if (denied) {
      response = ErrorResponse(*denied, call, protocol);
    } else if (!route) {
      response = ErrorResponse(UnknownOperation(service, request), call, protocol);
    } else {
      response = Serve(*route, request, ctx, call);
    }
  } catch (const std::exception& error) {
    response = ErrorResponse(errors::InternalError(std::string("Internal error: ") + error.what()), call, protocol);
  }
  response.headers.emplace_back("x-amzn-RequestId", call.request_id);
  call.status = response.status;
  call.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return response;
}

model::HttpResponseParts Dispatcher::Serve(const model::Route& route, const model::HttpRequestView& request,
                                           RequestContext& ctx, CallRecord& call) {
  const auto& operation = *route.operation;
  const auto& service = model::ServiceOf(operation);
  const auto protocol = service.protocol;
  if (const auto repeated = RepeatedParameter(request.query)) {
    std::string message = "The query parameter " + *repeated + " is given more than once.";
    return ErrorResponse(IsCloudFront(service) ? InvalidArgument(std::move(message))
                                               : kvs_errors::ValidationException(std::move(message)),
                         call, protocol);
  }
  call.operation = operation.name;
  if (auto if_match = request.header("If-Match")) call.if_match = *if_match;

  // A fault fires before the handler, so a faulted request changes nothing.
  // Returns the error to answer, if the rule has one.
  const auto inject_fault = [&](const cfl::Json& input) -> std::optional<ApiError> {
    if (!faults_) return std::nullopt;
    auto action = faults_->Consult({operation.name, ctx.account, ResourceIdsOf(input)});
    if (!action) return std::nullopt;
    call.fault_rule = action->rule_id;
    if (action->delay.count() > 0) std::this_thread::sleep_for(action->delay);
    return action->error;
  };

  const engine::Handler* handler = handlers_.Find(operation);
  if (!handler) {
    cfl::Json labels(route.labels);
    if (auto fault = inject_fault(labels)) return ErrorResponse(*fault, call, protocol);
    return ErrorResponse(OperationNotImplemented(operation), call, protocol);
  }
  auto input = model::DecodeRequest(route, request);
  if (!input) return ErrorResponse(input.error(), call, protocol);
  if (auto fault = inject_fault(input.value())) return ErrorResponse(*fault, call, protocol);
  auto output = (*handler)(ctx, std::move(input).value());
  if (!output) return ErrorResponse(output.error(), call, protocol);
  call.etag = output->value("ETag", "");
  return model::EncodeResponse(operation, output.value());
}

}  // namespace cfl::api
