#include "emulator/http/request_log.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

namespace cfl::http {
namespace {

std::string ReadAvailable(int fd) {
  std::string text;
  char buffer[4096];
  for (ssize_t got; (got = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(got));
  return text;
}

TEST_CASE("request log: lines from many threads arrive whole, each once, within the flush interval") {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  REQUIRE(::fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK) == 0);  // read what has arrived, then stop
  std::string received;
  {
    RequestLog log(pipe_fds[1]);
    std::vector<std::thread> writers;
    for (int t = 0; t < 8; ++t) {
      writers.emplace_back([&log, t] {
        for (int i = 0; i < 100; ++i) log.Write("thread=" + std::to_string(t) + " line=" + std::to_string(i));
      });
    }
    for (auto& writer : writers) writer.join();
    std::this_thread::sleep_for(RequestLog::kFlushInterval * 4);  // no Flush: the flusher must write them
    received = ReadAvailable(pipe_fds[0]);
  }
  ::close(pipe_fds[1]);  // only once the log (and its flusher) is gone
  ::close(pipe_fds[0]);
  std::vector<std::string> lines;
  for (std::size_t start = 0, end; (end = received.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(received.substr(start, end - start));
  }
  CHECK(lines.size() == 800);
  for (int t = 0; t < 8; ++t) {
    int next = 0;  // one thread's lines keep their order
    for (const auto& line : lines) {
      if (line.starts_with("thread=" + std::to_string(t) + " ")) CHECK(line == "thread=" + std::to_string(t) + " line=" + std::to_string(next++));
    }
    CHECK(next == 100);
  }
}

}  // namespace
}  // namespace cfl::http
