// The HTTP edge: the only code that includes httplib.h. Wires the pipeline
// (context → dispatch → handler → encode → log) onto cpp-httplib, which parses
// each request and runs the handlers; connections, framing, limits and
// threads are the connection loop's (connection_loop.h).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "emulator/api/dispatcher.h"
#include "emulator/common/options.h"
#include "emulator/control/control_plane.h"

namespace cfl::http {

class Server {
 public:
  Server(const Options& options, api::Dispatcher& dispatcher, control::ControlPlane& control);
  ~Server();

  // Binds host:port (port 0 picks one); returns the bound port or -1.
  int Bind();
  // Why Bind failed.
  std::string BindError() const;
  // Serves until Stop(); REQUIRES: Bind() succeeded.
  bool Listen();
  // Stops accepting connections and reading requests; requests being served go on.
  void Stop();
  // Waits until no request is being served, or timeout passes; then writes
  // the request log lines still waiting (RequestLog).
  void WaitForInFlightRequests(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cfl::http
