// The control plane's routes for the dashboard: its files, and the JSON it reads.
#include <doctest/doctest.h>

#include "emulator/control/control_plane.h"

namespace cfl::control {
namespace {

struct Plane {
  std::unique_ptr<store::Store> store = std::get<std::unique_ptr<store::Store>>(store::OpenSqliteStore(""));
  SystemClock clock;
  api::RuntimeSettings settings;
  api::Services services{*store, clock, settings};
  FaultRules faults;
  RequestJournal journal{10};
  ControlPlane control{ControlDeps{services, clock, faults, journal, "123456789012"}};

  ControlResponse Get(std::string_view path, QueryMap query = {}) { return control.Handle({"GET", path, "", query}); }
};

std::string Header(const ControlResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

TEST_CASE("dashboard routes: the page and its files, with a policy that loads nothing from elsewhere") {
  Plane plane;
  for (const char* path : {"/ui", "/ui/", "/ui/index.html"}) {
    const auto page = plane.Get(path);
    CHECK(page.status == 200);
    CHECK(page.content_type == "text/html; charset=utf-8");
    CHECK(page.text.find("/_emulator/ui/dashboard.js") != std::string::npos);
    CHECK(Header(page, "Content-Security-Policy").starts_with("default-src 'none'; script-src 'self'"));
  }
  const auto script = plane.Get("/ui/dashboard.js");
  CHECK(script.status == 200);
  CHECK(script.content_type == "text/javascript; charset=utf-8");
  const auto missing = plane.Get("/ui/missing.js");
  CHECK(missing.status == 404);
  CHECK(missing.content_type.empty());  // a JSON error like every other control answer
  CHECK(plane.control.Handle({"POST", "/ui", "{}", {}}).status == 405);
}

TEST_CASE("dashboard routes: accounts, resources and one resource answer JSON; bad queries are 400") {
  Plane plane;
  const auto accounts = plane.Get("/accounts");
  CHECK(accounts.status == 200);
  CHECK(accounts.content_type.empty());
  CHECK(accounts.body["default_account"] == "123456789012");
  CHECK(accounts.body["accounts"][0]["default"] == true);
  const auto page = plane.Get("/resources");
  CHECK(page.status == 200);
  CHECK(page.body["resources"].empty());
  CHECK(page.body["total"] == 0);
  CHECK(plane.Get("/resources", {{"limit", "x"}}).status == 400);
  CHECK(plane.Get("/resources/E123").status == 404);
  const auto journal = plane.Get("/requests", {{"after", "3"}});
  CHECK(journal.status == 200);
  CHECK(journal.body["last_sequence"] == 0);
}

}  // namespace
}  // namespace cfl::control
