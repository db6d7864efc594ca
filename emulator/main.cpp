// cloudfront-local: flags → services → server, until SIGINT/SIGTERM.
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <thread>

#include "emulator/api/credentials.h"
#include "emulator/api/dispatcher.h"
#include "emulator/api/sigv4.h"
#include "emulator/common/clock.h"
#include "emulator/control/control_plane.h"
#include "emulator/control/fault_rules.h"
#include "emulator/control/fixtures.h"
#include "emulator/control/request_journal.h"
#include "emulator/edge/edge.h"
#include "emulator/edge/edge_functions.h"
#include "emulator/http/edge_listener.h"
#include "emulator/http/server.h"
#include "emulator/http/tls.h"
#include "emulator/runtime/njs_executor.h"
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

// The HTTPS edge's certificates: --edge-cert/--edge-key, else generated.
cfl::Result<std::unique_ptr<cfl::http::TlsServer>, std::string> MakeEdgeTls(const cfl::Options& options) {
  if (options.edge_cert.empty() != options.edge_key.empty()) {
    return cfl::Fail(std::string("--edge-cert and --edge-key go together"));
  }
  if (!options.edge_cert.empty()) {
    if (!options.edge_ca_out.empty()) {
      return cfl::Fail(std::string("--edge-ca-out writes the generated CA: there is none with --edge-cert"));
    }
    return cfl::http::TlsServer::FromFiles(options.edge_cert, options.edge_key);
  }
  return cfl::http::TlsServer::Generate();  // made on the first HTTPS connection or CA request
}

int Run(cfl::Options options) {
  const sigset_t stop_signals = BlockStopSignals();
  if (const char* token = std::getenv("CFL_CONTROL_TOKEN"); token && *token && options.control_token.empty()) {
    options.control_token = token;
  }
  // A --db file growing past the file size limit (ulimit -f) must fail the
  // write (EFBIG, like ENOSPC: the batch's COMMIT fails and nothing is
  // acknowledged), not kill the process.
  std::signal(SIGXFSZ, SIG_IGN);
  // TLS writes (OpenSSL writes to the socket itself) to a viewer or origin
  // that went away must fail with EPIPE, not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  auto credentials = cfl::api::GatherCredentials(options.credentials, options.credentials_file, options.account_id);
  if (!credentials) {
    std::cerr << "cloudfront-local: " << credentials.error() << "\n";
    return 2;
  }
  if (options.verify_signatures && credentials->empty()) {
    std::cerr << "cloudfront-local: --verify-signatures needs at least one credential; "
              << options.credentials_file << " has none\n";
    return 2;
  }
  if (!options.verify_signatures && !credentials->empty()) {
    std::cerr << "cloudfront-local: credentials are only used with --verify-signatures; ignoring them\n";
  }
  const cfl::api::sigv4::SignatureVerifier verifier(credentials.value());
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
  settings.function_time_limit_ms = options.function_time_limit_ms;
  settings.function_memory_limit_mb = options.function_memory_limit_mb;
  cfl::runtime::NjsExecutor functions({.njs = options.njs});
  if (functions.Binary().empty()) {
    std::cerr << "cloudfront-local: warning: njs not found ('" << options.njs
              << "'): TestFunction answers TestFunctionFailed (install the Debian package njs)\n";
  }
  cfl::api::Services services{*store, clock, settings, &functions};
  services.s3_dir = options.s3_dir;
  if (!options.fixtures.empty()) {
    auto loaded = cfl::control::LoadFixtures(options.fixtures, services, options.account_id);
    if (!loaded) {
      std::cerr << "cloudfront-local: cannot load fixture " << loaded.error() << "\n";
      return 1;
    }
    if (options.log_level != "warn" && options.log_level != "error") {
      std::cerr << "cloudfront-local: loaded " << loaded.value() << " resource(s) from fixtures\n";
    }
    // Parsing and staging freed as much as they allocated, scattered over the
    // heap: give it back, so the footprint is the records' whatever loaded them.
    malloc_trim(0);
  }
  cfl::control::FaultRules faults;
  cfl::control::RequestJournal journal(static_cast<std::size_t>(options.journal_size));
  cfl::api::Dispatcher dispatcher(services, options.account_id, options.control_api ? &faults : nullptr,
                                  options.verify_signatures ? &verifier : nullptr);
  cfl::edge::EdgeSettings edge_settings;
  for (const auto& mapping : options.origin_addresses) {
    if (auto problem = cfl::edge::AddOriginAddress(edge_settings, mapping); !problem.empty()) {
      std::cerr << "cloudfront-local: " << problem << "\n";
      return 2;
    }
  }
  if (options.edge) edge_settings.log_file = options.edge_log;
  if (!options.s3_endpoint.empty()) {
    auto endpoint = cfl::edge::ParseS3Endpoint(options.s3_endpoint);
    if (!endpoint.ok()) {
      std::cerr << "cloudfront-local: " << endpoint.error() << "\n";
      return 2;
    }
    edge_settings.s3 = std::move(endpoint).value();
  }
  if (auto problem = cfl::edge::SetS3Credentials(edge_settings.s3, options.s3_credentials); !problem.empty()) {
    std::cerr << "cloudfront-local: " << problem << "\n";
    return 2;
  }
  auto origin_fetcher = cfl::http::HttpOriginFetcher::Create(options.origin_ca);
  if (!origin_fetcher) {
    std::cerr << "cloudfront-local: " << origin_fetcher.error() << "\n";
    return 2;
  }
  // Checked even with --no-edge (a bad pair of flags is an error either way),
  // but nothing is generated until a viewer or a test asks for HTTPS.
  auto edge_tls = MakeEdgeTls(options);
  if (!edge_tls) {
    std::cerr << "cloudfront-local: " << edge_tls.error() << "\n";
    return 2;
  }
  const cfl::http::TlsServer* tls = edge_tls->get();
  cfl::edge::Edge edge(*store, clock, **origin_fetcher, std::move(edge_settings));
  cfl::edge::EdgeFunctions edge_functions(services, 1000);  // runs kept for /_emulator/edge/function-logs
  edge.UseFunctions(&edge_functions);
  if (!edge.log().ok()) {
    std::cerr << "cloudfront-local: --edge-log: " << edge.log().error() << "\n";
    return 1;
  }
  cfl::http::EdgeListener edge_listener(edge, static_cast<std::size_t>(std::max(1, options.threads)));
  std::string edge_http;
  if (options.edge) {
    const int edge_port = edge_listener.Bind(options.host, options.edge_port);
    if (edge_port < 0) {
      std::cerr << "cloudfront-local: cannot listen for the edge on " << options.host << ":" << options.edge_port
                << ": " << edge_listener.BindError() << "\n";
      return 1;
    }
    edge_http = options.host + ":" + std::to_string(edge_port);
  }
  cfl::http::EdgeListener edge_https_listener(edge, static_cast<std::size_t>(std::max(1, options.threads)),
                                              tls);
  std::string edge_https;
  if (options.edge) {
    const int https_port = edge_https_listener.Bind(options.host, options.edge_https_port);
    if (https_port < 0) {
      std::cerr << "cloudfront-local: cannot listen for the HTTPS edge on " << options.host << ":"
                << options.edge_https_port << ": " << edge_https_listener.BindError() << "\n";
      return 1;
    }
    edge.SetHttpsPort(https_port);
    edge_https = options.host + ":" + std::to_string(https_port);
    if (!options.edge_ca_out.empty()) {
      std::ofstream out(options.edge_ca_out, std::ios::binary | std::ios::trunc);
      out << tls->ca_pem();
      if (tls->ca_pem().empty() || !out.flush()) {
        std::cerr << "cloudfront-local: --edge-ca-out: cannot write " << options.edge_ca_out << "\n";
        return 1;
      }
    }
  }
  cfl::control::ControlPlane control(
      {services, clock, faults, journal, options.account_id, options.edge ? &edge : nullptr, edge_http, edge_https,
       options.edge && options.edge_cert.empty() ? std::function<std::string()>([tls] { return tls->ca_pem(); })
                                                 : std::function<std::string()>()});
  cfl::http::Server server(options, dispatcher, control);

  const int port = server.Bind();
  if (port < 0) {
    std::cerr << "cloudfront-local: cannot listen on " << options.host << ":" << options.port << ": "
              << server.BindError() << "\n";
    return 1;
  }
  if (options.host != "127.0.0.1" && options.host != "localhost" && options.host != "::1") {
    std::cerr << "WARNING: cloudfront-local is listening on " << options.host
              << ", reachable from other machines"
              << (options.verify_signatures ? ".\n" : "; and it does not check signatures.\n");
    if (options.control_api && options.control_token.empty()) {
      std::cerr << "WARNING: its control plane (/_emulator: reset, state, faults, clock) is unauthenticated: "
                   "anyone who can connect can read and replace all state. Protect it with --control-token "
                   "TOKEN (or CFL_CONTROL_TOKEN), or turn it off with --no-control-api.\n";
    }
  }
  std::printf("cloudfront-local listening on http://%s:%d\n", options.host.c_str(), port);
  if (options.edge) {
    std::printf("cloudfront-local edge on http://%s and https://%s\n", edge_http.c_str(), edge_https.c_str());
  }
  std::fflush(stdout);
  std::thread edge_thread;
  std::thread edge_https_thread;
  if (options.edge) {
    edge_thread = std::thread([&edge_listener] { edge_listener.Listen(); });
    edge_https_thread = std::thread([&edge_https_listener] { edge_https_listener.Listen(); });
  }

  // The server runs on its own thread; this one waits for SIGINT/SIGTERM (or
  // for the server to end on its own, which raises SIGTERM itself).
  std::atomic<bool> listen_ended{false};
  std::thread listener([&server, &listen_ended] {
    server.Listen();
    listen_ended = true;
    kill(getpid(), SIGTERM);
  });
  int signal = 0;
  sigwait(&stop_signals, &signal);
  const bool stopped_by_signal = !listen_ended;
  server.Stop();
  if (options.edge) {
    edge_listener.Stop();
    edge_https_listener.Stop();
  }
  server.WaitForInFlightRequests(std::chrono::seconds(5));
  // Every acknowledged write is already committed (WAL, synchronous=FULL), so
  // there is nothing to flush but stdio; idle keep-alive connections are not
  // waited for, which is why this exits rather than joining the listener.
  std::fflush(nullptr);
  std::_Exit(stopped_by_signal ? 0 : 1);
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
