// The ceiling for the read path: a bare cpp-httplib server with the settings
// of emulator/http/server.cpp (TCP_NODELAY, long keep-alive, a thread pool of
// the same size) answering every GET with a fixed XML body of a given size and
// the headers the emulator sends (GET, and PUT for the write path's HTTP
// share). What the emulator adds on top of this is the cost of being an
// emulator.
//
//   ceiling_server --body-bytes N [--threads 64] [--port 0]
//
// Prints "ceiling listening on http://127.0.0.1:PORT", serves until SIGTERM.
#include <httplib.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  std::size_t body_bytes = 0;
  int threads = 64;
  int port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--body-bytes") == 0) body_bytes = std::strtoul(argv[i + 1], nullptr, 10);
    else if (std::strcmp(argv[i], "--threads") == 0) threads = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--port") == 0) port = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: ceiling_server --body-bytes N [--threads 64] [--port 0]\n");
      return 2;
    }
  }
  const std::string prolog = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  std::string body = prolog;
  body.resize(std::max(body_bytes, prolog.size()), ' ');

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  httplib::Server server;
  // The same settings as cfl::http::Server::Impl::Configure().
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(1'000'000);
  server.set_keep_alive_timeout(30);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  server.set_payload_max_length(1 << 20);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  const auto answer = [&body](const httplib::Request&, httplib::Response& response) {
    response.status = 200;
    response.set_header("ETag", "E2QWRUHAPOMQZL");
    response.set_header("x-amzn-RequestId", "8f2d6c1e-3a4b-4c5d-9e6f-7a8b9c0d1e2f");
    response.set_content(body, "text/xml");
  };
  server.Get(".*", answer);
  server.Put(".*", answer);  // reads the request body like any route, then drops it

  const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1")
                              : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound < 0) {
    std::fprintf(stderr, "ceiling_server: cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  std::printf("ceiling listening on http://127.0.0.1:%d\n", bound);
  std::fflush(stdout);
  std::thread stopper([&server, &stop_signals] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    server.stop();
  });
  server.listen_after_bind();
  stopper.join();
  return 0;
}
