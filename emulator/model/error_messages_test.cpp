#include "emulator/model/error_messages.h"

#include <doctest/doctest.h>

#include "emulator/model/errors.h"

namespace cfl::model {
namespace {

TEST_CASE("the table of messages is sorted, and constructors without a message take theirs") {
  CHECK(ErrorMessagesAreSorted());
  CHECK(DefaultMessage("PreconditionFailed") ==
        "The request failed because it didn't meet the preconditions in one or more request-header fields.");
  CHECK(errors::InvalidIfMatchVersion().message == "The If-Match version is missing or not valid for the resource.");
  CHECK(errors::NoSuchDistribution("mine").message == "mine");
  CHECK(errors::Throttling().message == "Rate exceeded");
  CHECK_FALSE(DefaultMessage("NoSuchCodeAtAll").empty());
}

}  // namespace
}  // namespace cfl::model
