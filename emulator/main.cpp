// cloudfront-local: flags → services → server, until SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "emulator/api/dispatcher.h"
#include "emulator/common/clock.h"
#include "emulator/control/control_plane.h"
#include "emulator/http/server.h"
#include "store/store.h"

namespace {

std::int64_t SecondsToMillis(double seconds) { return static_cast<std::int64_t>(seconds * 1000.0 + 0.5); }

// Signals are taken by one thread with sigwait, which then stops the server
// from outside any signal handler.
sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int Run(const cfl::Options& options) {
  const sigset_t stop_signals = BlockStopSignals();
  auto opened = cfl::store::OpenSqliteStore(options.db);
  if (auto* error = std::get_if<cfl::store::StoreError>(&opened)) {
    std::cerr << "cloudfront-local: cannot open the store " << (options.db.empty() ? ":memory:" : options.db)
              << ": " << error->message << "\n";
    return 1;
  }
  auto store = std::get<std::unique_ptr<cfl::store::Store>>(std::move(opened));
  cfl::SystemClock clock;
  cfl::api::RuntimeSettings settings;
  settings.propagation_delay_ms = SecondsToMillis(options.propagation_delay_seconds);
  settings.invalidation_delay_ms = SecondsToMillis(options.invalidation_delay_seconds);
  settings.max_distributions = options.max_distributions;
  cfl::api::Services services{*store, clock, settings};
  cfl::api::Dispatcher dispatcher(services, options.account_id);
  cfl::control::ControlPlane control(services);
  cfl::http::Server server(options, dispatcher, control);

  const int port = server.Bind();
  if (port < 0) {
    std::cerr << "cloudfront-local: cannot listen on " << options.host << ":" << options.port << "\n";
    return 1;
  }
  if (options.host != "127.0.0.1" && options.host != "localhost" && options.host != "::1") {
    std::cerr << "WARNING: cloudfront-local is listening on " << options.host
              << ", reachable from other machines; and it does not check signatures.\n";
  }
  std::printf("cloudfront-local listening on http://%s:%d\n", options.host.c_str(), port);
  std::fflush(stdout);

  std::thread stopper([&server, stop_signals] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server.Stop();
  });
  const bool served = server.Listen();
  // Wake the signal thread if the server stopped on its own.
  if (stopper.joinable()) {
    pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
  }
  return served ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = cfl::ParseOptions(argc, argv);
  if (auto* exit = std::get_if<cfl::OptionsExit>(&parsed)) {
    (exit->code == 0 ? std::cout : std::cerr) << exit->message;
    return exit->code;
  }
  return Run(std::get<cfl::Options>(parsed));
}
