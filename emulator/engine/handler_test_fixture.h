// For handler unit tests: an in-memory store, a clock that moves only when
// told, a 5 s propagation delay, every handler, and one default account.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "emulator/codec/xml_codec.h"
#include "emulator/engine/registry.h"
#include "store/store.h"

namespace cfl::engine {

// A valid DistributionConfig with one S3 origin and a managed cache policy.
inline Json MinimalDistributionConfig(const std::string& caller_reference, bool enabled = true,
                                      const std::string& comment = "test") {
  return {
      {"CallerReference", caller_reference},
      {"Comment", comment},
      {"Enabled", enabled},
      {"Origins",
       {{"Quantity", 1},
        {"Items",
         {{{"Id", "s3"}, {"DomainName", "b.s3.amazonaws.com"}, {"S3OriginConfig", {{"OriginAccessIdentity", ""}}}}}}}},
      {"DefaultCacheBehavior",
       {{"TargetOriginId", "s3"},
        {"ViewerProtocolPolicy", "allow-all"},
        {"CachePolicyId", "658327ea-f89d-4fab-a63d-7e88639e58f6"}}}};
}

// The registered family of kind (a test of a family that is not registered fails).
inline const Family& FamilyOf(std::string_view kind) {
  const auto* definition = Registry::Get().FindFamily(kind);
  if (!definition) throw std::logic_error("no family " + std::string(kind));
  return definition->family;
}

struct HandlerTestFixture {
  std::unique_ptr<store::Store> store = std::get<std::unique_ptr<store::Store>>(store::OpenSqliteStore(""));
  ManualClock clock{FromMillis(1'700'000'000'000)};
  api::RuntimeSettings settings;
  api::Services services{*store, clock, settings};
  HandlerTable handlers = Registry::Get().Handlers();

  HandlerTestFixture() { settings.propagation_delay_ms = 5000; }

  RequestContext Context(std::string account = "111111111111") {
    return RequestContext{services, std::move(account), "req", ToMillis(clock.Now())};
  }

  // Calls operation's handler as the dispatcher would, after decoding; the
  // output as a client reads it (pre-encoded parts decoded).
  Result<Json, ApiError> Call(const std::string& operation, const Json& input, std::string account = "111111111111") {
    return CallIn(model::ServiceId::kCloudFront, operation, input, std::move(account));
  }

  // The same for an operation of another service (the KeyValueStore data plane).
  Result<Json, ApiError> CallIn(model::ServiceId service, const std::string& operation, const Json& input,
                                std::string account = "111111111111") {
    auto ctx = Context(std::move(account));
    auto output = handlers.At(operation, service)(ctx, input);
    if (!output) return output;
    const auto shape = model::FindOperation(model::Service(service), operation)->output;
    return shape == model::kNoShape ? output : model::DecodePreEncoded(output.value(), shape);
  }
};

}  // namespace cfl::engine
