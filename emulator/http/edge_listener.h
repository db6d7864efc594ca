// The edge's HTTP listener: its own port, the same connection loop as the
// API (connection_loop.h), every request handed to edge::Edge. And the
// origin fetcher the edge uses: cpp-httplib's client, one connection per
// fetch, with the origin's timeouts and a bounded answer.
#pragma once

#include <memory>
#include <string>

#include "emulator/edge/edge.h"

namespace cfl::http {

class EdgeListener {
 public:
  // max_workers: threads serving viewers at once (a worker waits while an
  // origin answers).
  EdgeListener(edge::Edge& edge, std::size_t max_workers);
  ~EdgeListener();

  // Binds host:port (0 picks one); returns the port, or -1 (BindError says why).
  int Bind(const std::string& host, int port);
  std::string BindError() const;
  // Serves until Stop(). REQUIRES: Bind() succeeded.
  void Listen();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Thread-safe; holds nothing between fetches.
class HttpOriginFetcher final : public edge::OriginFetcher {
 public:
  edge::OriginResponse Fetch(const edge::OriginRequest& request) override;
};

}  // namespace cfl::http
