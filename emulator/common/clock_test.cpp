#include "emulator/common/clock.h"

#include <doctest/doctest.h>

namespace cfl {
namespace {

TEST_CASE("timestamps are ISO 8601 UTC with milliseconds, as CloudFront writes them") {
  CHECK(FormatIso8601(0) == "1970-01-01T00:00:00.000Z");
  CHECK(FormatIso8601(1'521'126'945'476) == "2018-03-15T15:15:45.476Z");
  CHECK(FormatIso8601(951'782'400'007) == "2000-02-29T00:00:00.007Z");  // a leap day
  CHECK(FormatIso8601(-1) == "1969-12-31T23:59:59.999Z");
  CHECK(FormatIso8601(253'402'300'799'999) == "9999-12-31T23:59:59.999Z");
  CHECK(FormatIso8601(253'402'300'800'000) == "10000-01-01T00:00:00.000Z");
  CHECK(FormatIso8601(-62'198'755'200'000) == "-001-01-01T00:00:00.000Z");  // as %04d pads
}

}  // namespace
}  // namespace cfl
