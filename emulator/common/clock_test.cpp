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

TEST_CASE("the system clock moves at most a century ahead in all, never past what a TimePoint holds") {
  SystemClock clock;
  const auto century = kMaxClockOffset;
  CHECK(clock.Advance(century / 2));
  CHECK_FALSE(clock.Advance(century));  // would be 150 years: refused, nothing changes
  CHECK(clock.offset() == century / 2);
  CHECK(clock.Advance(century - century / 2));
  CHECK(clock.offset() == century);
  CHECK_FALSE(clock.Advance(std::chrono::milliseconds(1)));
  CHECK(clock.Advance(std::chrono::milliseconds(-5)));  // backwards is a no-op
  CHECK(clock.offset() == century);
  const auto year = std::chrono::floor<std::chrono::years>(clock.Now().time_since_epoch()).count() + 1970;
  CHECK(year > 2100);
  CHECK(year < 2262);
}

}  // namespace
}  // namespace cfl
