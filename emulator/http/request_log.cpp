#include "emulator/http/request_log.h"

#include <unistd.h>

#include <cerrno>

namespace cfl::http {

RequestLog::RequestLog(int fd) : fd_(fd), flusher_([this] { RunFlusher(); }) {}

RequestLog::~RequestLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  flusher_.join();
  Flush();
}

void RequestLog::Write(std::string_view line) {
  bool full = false;
  {
    std::lock_guard lock(mutex_);
    pending_.append(line).append(1, '\n');
    full = pending_.size() >= kFlushBytes;
  }
  if (full) wake_.notify_one();
}

void RequestLog::Flush() {
  std::lock_guard order(write_mutex_);
  std::string batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
  }
  WriteAll(batch);
}

void RequestLog::RunFlusher() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, kFlushInterval, [this] { return stopping_ || pending_.size() >= kFlushBytes; });
    lock.unlock();
    Flush();
    lock.lock();
  }
}

void RequestLog::WriteAll(const std::string& text) const {
  std::size_t done = 0;
  while (done < text.size()) {
    const auto written = ::write(fd_, text.data() + done, text.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // a closed or full stderr must not stop the server
    done += static_cast<std::size_t>(written);
  }
}

}  // namespace cfl::http
