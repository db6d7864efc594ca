#include "emulator/model/model.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "emulator/model/errors.h"

namespace cfl::model {
namespace {

bool Names(const OperationDef& operation, std::string_view error) {
  return std::any_of(operation.errors.begin(), operation.errors.end(),
                     [error](ShapeId id) { return Shape(id).name == error; });
}

TEST_CASE("the tables hold both services, each with its own shapes and operations") {
  REQUIRE(Services().size() == 2);
  const auto& cloudfront = Service(ServiceId::kCloudFront);
  const auto& kvs = Service(ServiceId::kCloudFrontKeyValueStore);
  CHECK(cloudfront.protocol == ProtocolKind::kRestXml);
  CHECK(cloudfront.api_version == "2020-05-31");
  CHECK(cloudfront.xml_namespace == kXmlNamespace);
  CHECK(cloudfront.signing_name == "cloudfront");
  CHECK(cloudfront.Operations().size() == 167);
  CHECK(kvs.protocol == ProtocolKind::kRestJson);
  CHECK(kvs.signing_name == "cloudfront-keyvaluestore");
  CHECK(kvs.Operations().size() == 6);
  CHECK(Operations().size() == 173);
  CHECK(FindService("cloudfront-keyvaluestore") == &kvs);
  CHECK(FindService("s3") == nullptr);

  // Same names, different services.
  const auto* control_plane = FindOperation("DescribeKeyValueStore");
  const auto* data_plane = FindOperation(kvs, "DescribeKeyValueStore");
  REQUIRE(control_plane);
  REQUIRE(data_plane);
  CHECK(&ServiceOf(*control_plane) == &cloudfront);
  CHECK(&ServiceOf(*data_plane) == &kvs);
  CHECK(FindShape(kvs, "ValidationException").has_value());
  CHECK_FALSE(FindShape("ValidationException").has_value());
  for (const auto& shape : kvs.Shapes()) CHECK(&ServiceOf(shape) == &kvs);
}

TEST_CASE("operations carry their root element, errors and bindings; shapes their traits") {
  const auto* create_function = FindOperation("CreateFunction");
  REQUIRE(create_function);
  CHECK(create_function->input_root == "CreateFunctionRequest");
  CHECK(create_function->input_xml_namespace == kXmlNamespace);
  CHECK(Names(*create_function, "FunctionAlreadyExists"));
  CHECK(FindOperation("GetDistribution")->input_root.empty());
  CHECK(Names(*FindOperation("GetDistribution"), "NoSuchDistribution"));
  CHECK_FALSE(Names(*FindOperation("GetDistribution"), "NoSuchFunctionExists"));

  const auto& update_function_result = Shape(*FindShape("UpdateFunctionResult"));
  CHECK(FindMember(update_function_result, "ETag")->wire_name == "ETtag");
  CHECK(FindMember(update_function_result, "ETag")->location == Location::kHeader);
  CHECK(Shape(*FindShape("FunctionBlob")).type == ShapeType::kBlob);
  CHECK(Shape(*FindShape("FunctionBlob")).Has(kSensitive));
  CHECK(Shape(*FindShape("FunctionName")).pattern == "[a-zA-Z0-9-_]{1,64}");
  CHECK(Shape(*FindShape("CaCertificatesBundleSource")).Has(kUnion));
  CHECK(Shape(*FindShape("NoSuchDistribution")).Has(kException));
  const auto& distribution_config = Shape(*FindShape("DistributionConfig"));
  CHECK(FindBodyMember(distribution_config, "CallerReference") == FindMember(distribution_config, "CallerReference"));
  CHECK(FindBodyMember(Shape(*FindShape("GetDistributionRequest")), "Id") == nullptr);  // a label, not a body member
}

TEST_CASE("generated error constructors: the model's status and fault, one per error shape") {
  const ApiError error = errors::DistributionNotDisabled("still on");
  CHECK(error.code == "DistributionNotDisabled");
  CHECK(error.status == 409);
  CHECK(error.sender_fault);
  CHECK(errors::PreconditionFailed("").status == 412);
  CHECK(kvs_errors::ResourceNotFoundException("").status == 404);
  CHECK(kvs_errors::ValidationException("").code == "ValidationException");
  // Every error shape of every model is a known code with the same status as MakeError gives it.
  for (const auto& shape : Shapes()) {
    if (!shape.Has(kException)) continue;
    CAPTURE(shape.name);
    CHECK(IsKnownErrorCode(shape.name));
  }
}

}  // namespace
}  // namespace cfl::model
