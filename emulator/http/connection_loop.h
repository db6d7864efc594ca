// Connections: accepting them, reading requests, writing answers, deadlines,
// and the threads that do it — in place of cpp-httplib's own accept loop,
// which gives each connection a thread of its own for as long as it is open.
//
// Here no thread waits on one client. Every socket is non-blocking and
// registered in one epoll set; a pool of worker threads waits on that set
// (leader/followers: the thread that takes a ready connection serves it, with
// no hand-over between threads). A worker takes a connection only when bytes
// arrived or it can be written again, reads what is there, frames it
// (RequestFramer) and, once a whole request is buffered, has RequestServer
// serve it; then gives the connection back. Connections stay registered,
// edge-triggered, so giving one back after a request costs no system call; an
// event that comes while a worker holds the connection makes that worker look
// at it again. So:
//  - a slow or idle client holds a buffer and a descriptor, never a thread;
//  - each request has a whole-request deadline from its first byte, not a
//    timeout per recv;
//  - pipelined requests are served one after the other, in order, and at most
//    requests_per_turn at a time before others get a turn;
//  - the pool starts min_workers threads, adds one when a request is about to
//    be served and no other is left waiting for events (up to max_workers),
//    and a thread idle for worker_idle_exit ends (down to min_workers).
// A worker blocks only inside RequestServer::Serve (a handler, a store write,
// a fault's delay) and, for an answer larger than max_pending_output to a
// client that does not read, until the write timeout.
//
// Thread safety: Bind, then Run on one thread; Stop from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "emulator/http/request_framing.h"

namespace cfl::http {

struct ServingLimits {
  // A connection with no request in progress is closed after this long.
  std::chrono::milliseconds idle_timeout{5000};
  // From a request's first byte to its last; then 408 and the connection closes.
  std::chrono::milliseconds request_deadline{10000};
  // An answer that makes no progress this long (the client does not read) is dropped.
  std::chrono::milliseconds write_timeout{10000};
  // After a last answer, how long the client's remaining input is read and
  // discarded (so closing does not reset the connection under the answer).
  std::chrono::milliseconds linger{2000};
  std::size_t min_workers = 2;
  std::size_t max_workers = 64;
  std::chrono::milliseconds worker_idle_exit{10000};
  // Open connections at most; at the limit the one idle the longest is closed
  // to admit a new one (or, if none is idle, the new one waits in the backlog).
  std::size_t max_connections = 10000;
  // Bytes buffered for unfinished requests and unsent answers, all
  // connections together; a request that would pass it is refused with 503.
  std::size_t max_buffered_bytes = std::size_t{512} << 20;
  // An answer's bytes held for a client that does not read, before the worker
  // waits for it (up to write_timeout).
  std::size_t max_pending_output = std::size_t{4} << 20;
  int requests_per_turn = 16;
};

// What a request's handler may know of its connection.
struct ConnectionInfo {
  std::string remote_ip;
  int remote_port = 0;
  std::string local_ip;
  int local_port = 0;
  int fd = -1;
  bool tls = false;  // the listener speaks HTTPS (ConnectionLoop::UseTls)
  std::string tls_protocol = {};  // once the handshake is done: "TLSv1.3", ...
  std::string tls_cipher = {};
};

// Where an answer goes. Writes are buffered and sent as the socket accepts them.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;
  // False once the connection is broken or the client stopped reading for
  // longer than the write timeout; the answer is then abandoned.
  virtual bool Write(std::string_view bytes) = 0;
};

// Serves the requests the loop frames. Called on worker threads, concurrently
// for different connections.
class RequestServer {
 public:
  virtual ~RequestServer() = default;
  // Serves one request: bytes are exactly its head and body as sent. closing:
  // the connection closes after this answer (the answer should say so).
  // Returns false if the connection must not carry another request.
  virtual bool Serve(std::string_view request, bool closing, const ConnectionInfo& connection,
                     ResponseWriter& out) = 0;
  // The whole HTTP answer to a request refused before it was served; it
  // should say "Connection: close".
  virtual std::string RefusalAnswer(const Refusal& refusal) = 0;
};

class TlsServer;

class ConnectionLoop {
 public:
  ConnectionLoop(ServingLimits limits, FramingLimits framing, RequestServer& server);
  ~ConnectionLoop();
  ConnectionLoop(const ConnectionLoop&) = delete;
  ConnectionLoop& operator=(const ConnectionLoop&) = delete;

  // Binds and listens on host:port (0 picks a free port). Returns the port,
  // or -1 (error() says why).
  int Bind(const std::string& host, int port);
  std::string error() const;
  // Every connection speaks TLS with tls's certificates (the handshake is
  // read like a request: non-blocking, bounded by request_deadline from the
  // first byte). REQUIRES: before Run(); tls outlives the loop.
  void UseTls(const TlsServer* tls);
  // The listening socket, once bound (-1 before).
  int listening_socket() const;

  // Serves until Stop(); returns once every worker has ended and every
  // connection is closed. REQUIRES: Bind() succeeded.
  void Run();
  // Stops accepting and reading; requests being served finish first.
  void Stop();

  // For tests and the health report: worker threads and open connections now.
  std::size_t workers() const;
  std::size_t connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cfl::http
