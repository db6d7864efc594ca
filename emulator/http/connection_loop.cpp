#include "emulator/http/connection_loop.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "emulator/http/tls.h"

namespace cfl::http {
namespace {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;

constexpr std::uint64_t kListenToken = 0;
constexpr std::uint64_t kStopToken = 1;
constexpr std::uint64_t kFirstConnectionToken = 2;
constexpr int kTickMs = 100;                    // deadlines are checked this often
constexpr std::size_t kFirstRead = 4 * 1024;    // room for a request's first recv
constexpr std::size_t kReadChunk = 16 * 1024;   // the least room offered to later ones
constexpr std::size_t kStageBytes = 16 * 1024;  // small writes are gathered into one send
constexpr std::size_t kKeepCapacity = 64 * 1024;
constexpr std::size_t kDrainPerTurn = 1 << 20;
constexpr int kAcceptsPerTurn = 64;
constexpr int kDeferAcceptSeconds = 30;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Bytes received and not consumed yet. Growth doubles; a large buffer is
// freed once it is empty, so an idle connection keeps at most kKeepCapacity.
class InputBuffer {
 public:
  std::string_view View() const { return {data_.get() + begin_, end_ - begin_}; }
  std::size_t capacity() const { return capacity_; }

  // Room for at least `room` more bytes at the end (and for as many as are
  // buffered already, so large bodies arrive in few reads).
  std::pair<char*, std::size_t> Reserve(std::size_t room) {
    const std::size_t used = end_ - begin_;
    room = std::max(room, used);
    if (capacity_ - end_ < room) {
      if (begin_ > 0 && capacity_ - used >= room) {
        std::memmove(data_.get(), data_.get() + begin_, used);
      } else {
        const std::size_t capacity = std::max(capacity_ * 2, used + room);
        std::unique_ptr<char[]> grown(new char[capacity]);
        if (used > 0) std::memcpy(grown.get(), data_.get() + begin_, used);
        data_ = std::move(grown);
        capacity_ = capacity;
      }
      begin_ = 0;
      end_ = used;
    }
    return {data_.get() + end_, capacity_ - end_};
  }
  void Commit(std::size_t bytes) { end_ += bytes; }
  void Consume(std::size_t bytes) {
    begin_ += bytes;
    if (begin_ < end_) return;
    begin_ = end_ = 0;
    if (capacity_ > kKeepCapacity) {
      data_.reset();
      capacity_ = 0;
    }
  }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

struct Connection {
  enum class Mode {
    kReading,    // reading (and serving) requests
    kWriting,    // an answer waits for the client to read
    kLingering,  // the last answer is sent; input is read and discarded until EOF
  };

  Connection(std::uint64_t id, int fd, const FramingLimits& limits) : id(id), fd(fd), framer(limits) {}
  ~Connection() {
    tls.reset();
    ::close(fd);
  }

  std::size_t Pending() const { return out.size() - out_sent; }

  const std::uint64_t id;
  const int fd;
  ConnectionInfo info;
  std::unique_ptr<TlsSession> tls;  // null on a plain HTTP listener
  RequestFramer framer;
  InputBuffer in;
  std::string out;  // answer bytes not sent yet start at out_sent
  std::size_t out_sent = 0;
  Mode mode = Mode::kReading;
  // Owned by no thread. Guarded by the registry mutex, as are deadline and
  // mode while parked, and missed.
  bool parked = false;
  // An event came while a worker held the connection: that worker looks at
  // it again instead of handing it back (edge-triggered events come once).
  bool missed = false;
  // The events the connection is registered for (besides EPOLLRDHUP and
  // EPOLLET); changed only by the worker that holds it, or the sweep while
  // it is parked.
  std::uint32_t armed_events = EPOLLIN;
  // Since the event that woke the worker holding it, a read found the socket
  // empty: EAGAIN, or a plain recv shorter than offered with no end of input
  // reported. Only then does the next byte or the client's FIN bring a new
  // edge; otherwise parking for input renews the registration (see Park).
  bool input_drained = false;
  // The event that woke the worker said the client shut its side down: the
  // end of input waits behind the bytes, and no edge will announce it again.
  bool hangup_reported = false;
  TimePoint deadline{};
  TimePoint request_started{};  // first byte of the request being read; {} if none
  bool continue_sent = false;   // "100 Continue" sent for the request being read
  bool peer_closed = false;     // the client shut its side down
  bool close_after_write = false;
  bool stalled = false;         // the socket took less than offered: wait for EPOLLOUT
  bool broken = false;
  bool drop_continue = false;   // cpp-httplib's own "100 Continue" would repeat ours
  std::size_t accounted = 0;    // bytes counted in the loop's budget
  TimePoint handshake_deadline{};  // a TLS connection's handshake must end by then
};

bool WouldBlock() { return errno == EAGAIN || errno == EWOULDBLOCK; }

// recv/send on the connection, through TLS when it has it.
ssize_t Receive(Connection& connection, void* data, std::size_t size) {
  if (connection.tls) return connection.tls->Receive(data, size);
  return ::recv(connection.fd, data, size, 0);
}

ssize_t Send(Connection& connection, const void* data, std::size_t size) {
  if (connection.tls) return connection.tls->Send(data, size);
  return ::send(connection.fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
}

// Bytes already received (by TLS) that the socket will not signal again.
bool HasBuffered(const Connection& connection) { return connection.tls && connection.tls->HasPending(); }

void Describe(const sockaddr_storage& address, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = "";
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    port = ntohs(v6.sin6_port);
  }
  ip = text;
}

// As many descriptors as the hard limit allows: each connection holds one.
std::size_t RaiseDescriptorLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = std::min<rlim_t>(limit.rlim_max, 1 << 20);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return static_cast<std::size_t>(limit.rlim_cur);
}

}  // namespace

struct ConnectionLoop::Impl {
  Impl(ServingLimits limits, FramingLimits framing, RequestServer& server)
      : limits(limits), framing(std::move(framing)), server(server) {
    this->limits.min_workers = std::max<std::size_t>(1, limits.min_workers);
    this->limits.max_workers = std::max(this->limits.min_workers, limits.max_workers);
  }

  ~Impl() {
    registry.clear();
    for (const int fd : {listen_fd, epoll_fd, stop_fd}) {
      if (fd >= 0) ::close(fd);
    }
  }

  class Writer;

  // ---- setup -------------------------------------------------------------

  int Bind(const std::string& host, int port) {
    const std::size_t descriptors = RaiseDescriptorLimit();
    max_connections = std::min(limits.max_connections, descriptors > 128 ? descriptors - 64 : descriptors / 2);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (const int failed = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found)) {
      error = "cannot resolve " + host + ": " + ::gai_strerror(failed);
      return -1;
    }
    for (addrinfo* candidate = found; candidate && listen_fd < 0; candidate = candidate->ai_next) {
      const int fd = ::socket(candidate->ai_family, candidate->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                              candidate->ai_protocol);
      if (fd < 0) continue;
      const int yes = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
      if (::bind(fd, candidate->ai_addr, candidate->ai_addrlen) != 0 || ::listen(fd, SOMAXCONN) != 0) {
        error = std::strerror(errno);
        ::close(fd);
        continue;
      }
      // A connection that sends nothing is not accepted for this long: it
      // costs the kernel a queue entry, not us a descriptor.
      const int seconds = kDeferAcceptSeconds;
      ::setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &seconds, sizeof seconds);
      listen_fd = fd;
    }
    ::freeaddrinfo(found);
    if (listen_fd < 0) return -1;
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&bound), &length);
    std::string ip;
    int bound_port = -1;
    Describe(bound, ip, bound_port);
    epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
    stop_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd < 0 || stop_fd < 0) {
      error = std::strerror(errno);
      return -1;
    }
    epoll_event listen_event{EPOLLIN | EPOLLONESHOT, {.u64 = kListenToken}};
    epoll_event stop_event{EPOLLIN, {.u64 = kStopToken}};  // level-triggered: wakes every worker
    if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &listen_event) != 0 ||
        ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, stop_fd, &stop_event) != 0) {
      error = std::strerror(errno);
      return -1;
    }
    return bound_port;
  }

  // ---- workers -----------------------------------------------------------

  void Run() {
    {
      std::lock_guard lock(workers_mutex);
      while (workers < limits.min_workers) {
        if (!StartWorker()) break;
      }
    }
    std::unique_lock lock(workers_mutex);
    workers_changed.wait(lock, [this] { return stopping.load() && workers == 0; });
  }

  void Stop() {
    stopping = true;
    if (listen_fd >= 0) ::shutdown(listen_fd, SHUT_RDWR);
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(stop_fd, &one, sizeof one);
    std::lock_guard lock(workers_mutex);
    workers_changed.notify_all();
  }

  // REQUIRES: workers_mutex held.
  bool StartWorker() {
    ++workers;
    try {
      std::thread([this] { WorkerMain(); }).detach();
      return true;
    } catch (const std::system_error&) {
      --workers;
      return false;
    }
  }

  void WorkerMain() {
    TimePoint last_work = SteadyClock::now();
    for (;;) {
      epoll_event event{};
      ++waiting;
      const int ready = ::epoll_wait(epoll_fd, &event, 1, kTickMs);
      --waiting;
      if (stopping) break;
      const TimePoint now = SteadyClock::now();
      if (ready == 1) {
        last_work = now;
        Dispatch(event);
      } else if (now - last_work > limits.worker_idle_exit && Retire()) {
        return;
      }
      SweepIfDue(SteadyClock::now());
    }
    std::lock_guard lock(workers_mutex);
    --workers;
    workers_changed.notify_all();
  }

  void AddWorkerIfNoneWaits() {
    std::lock_guard lock(workers_mutex);
    if (!stopping && waiting.load() == 0 && workers < limits.max_workers) StartWorker();
  }

  bool Retire() {
    std::lock_guard lock(workers_mutex);
    if (workers <= limits.min_workers || stopping) return false;
    --workers;
    workers_changed.notify_all();
    return true;
  }

  void Dispatch(const epoll_event& event) {
    if (event.data.u64 == kStopToken) return;
    if (event.data.u64 == kListenToken) return AcceptSome();
    Connection* connection = Claim(event.data.u64, event.events);
    if (connection == nullptr) return;
    while (!Work(*connection)) {
    }
  }

  // ---- the registry of connections ---------------------------------------

  // The connection, now owned by this thread; null if it is gone or owned
  // (its owner is then told to look again: see missed).
  Connection* Claim(std::uint64_t id, std::uint32_t events) {
    std::lock_guard lock(registry_mutex);
    const auto found = registry.find(id);
    if (found == registry.end()) return nullptr;
    Connection& connection = *found->second;
    if (!connection.parked) {
      connection.missed = true;
      return nullptr;
    }
    connection.parked = false;
    connection.input_drained = false;
    connection.hangup_reported = (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
    return &connection;
  }

  // Gives the connection back, to be woken by events (EPOLLIN, EPOLLOUT) or
  // closed at deadline. Returns false, keeping it, when an event came for it
  // while this worker held it: the caller works on it again. After true the
  // caller must not touch it.
  //
  // Connections are registered edge-triggered and stay registered: handing
  // one back after a request costs no system call. The registration changes
  // (an epoll_ctl, while this worker still holds the connection, so no other
  // thread can free it) only when the events differ, and is renewed whenever
  // EPOLLOUT is wanted or the input was not read to empty since the last
  // event (input_drained): renewing makes epoll check the socket again and
  // report what is ready now, where no new edge would come (a request and the
  // client's FIN that arrived together, a turn given up with bytes still
  // buffered, a drain cut short).
  bool Park(Connection& connection, std::uint32_t events, TimePoint deadline) {
    const bool input_left = (events & EPOLLIN) != 0 && !connection.input_drained;
    if (events != connection.armed_events || (events & EPOLLOUT) != 0 || input_left) {
      if (!Arm(connection, events, EPOLL_CTL_MOD)) return Close(connection);
    }
    std::lock_guard lock(registry_mutex);
    if (connection.missed) {
      connection.missed = false;
      connection.input_drained = false;  // the missed event may have brought input
      return false;
    }
    connection.parked = true;
    connection.deadline = deadline;
    return true;
  }

  // Always true: the connection has left this worker's hands (see Park).
  bool Close(Connection& connection) {
    std::lock_guard lock(registry_mutex);
    Forget(connection);
    return true;
  }

  // REQUIRES: registry_mutex held. Closes the connection and frees it.
  void Forget(Connection& connection) {
    buffered -= connection.accounted;
    registry.erase(connection.id);
    open_connections = registry.size();
  }

  // Counts the connection's buffers in the budget; false if they pass it.
  bool Account(Connection& connection) {
    const std::size_t now = connection.in.capacity() + connection.out.capacity();
    if (now > connection.accounted) {
      const std::size_t growth = now - connection.accounted;
      if (buffered.fetch_add(growth) + growth > limits.max_buffered_bytes) {
        buffered -= growth;
        return false;
      }
    } else {
      buffered -= connection.accounted - now;
    }
    connection.accounted = now;
    return true;
  }

  // ---- accepting ---------------------------------------------------------

  void AcceptSome() {
    for (int accepted = 0; accepted < kAcceptsPerTurn && !stopping; ++accepted) {
      if (open_connections.load() >= max_connections && !CloseLongestIdle()) return PauseAccepting();
      sockaddr_storage peer{};
      socklen_t length = sizeof peer;
      const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if ((errno == EMFILE || errno == ENFILE) && CloseLongestIdle()) continue;
        if (errno == EMFILE || errno == ENFILE) return PauseAccepting();
        break;  // EAGAIN: nothing more to accept (or the socket was shut down)
      }
      const int yes = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      auto connection = std::make_unique<Connection>(next_id++, fd, framing);
      connection->info.fd = fd;
      if (tls) {
        connection->tls = tls->Accept(fd);
        if (!connection->tls) continue;  // closes fd
        connection->info.tls = true;
        connection->handshake_deadline = SteadyClock::now() + limits.request_deadline;
      }
      Describe(peer, connection->info.remote_ip, connection->info.remote_port);
      sockaddr_storage local{};
      length = sizeof local;
      if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0) {
        Describe(local, connection->info.local_ip, connection->info.local_port);
      }
      Register(std::move(connection));
    }
    RearmListener();
  }

  void Register(std::unique_ptr<Connection> connection) {
    std::lock_guard lock(registry_mutex);
    Connection& added = *connection;
    added.parked = true;
    added.deadline = SteadyClock::now() + limits.idle_timeout;
    registry.emplace(added.id, std::move(connection));
    open_connections = registry.size();
    if (!Arm(added, added.armed_events, EPOLL_CTL_ADD)) Forget(added);
  }

  // Registers (EPOLL_CTL_ADD) or renews (EPOLL_CTL_MOD) the connection's
  // events; epoll then reports at once what of them is ready. REQUIRES: the
  // connection is held by this thread, or registry_mutex is held.
  bool Arm(Connection& connection, std::uint32_t events, int operation) {
    epoll_event event{events | EPOLLRDHUP | EPOLLET, {.u64 = connection.id}};
    if (::epoll_ctl(epoll_fd, operation, connection.fd, &event) != 0) return false;
    connection.armed_events = events;
    return true;
  }

  void RearmListener() {
    if (stopping) return;
    epoll_event event{EPOLLIN | EPOLLONESHOT, {.u64 = kListenToken}};
    ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, listen_fd, &event);
  }

  // At the connection limit: new connections wait in the backlog until the
  // next sweep finds room.
  void PauseAccepting() {
    std::lock_guard lock(registry_mutex);
    accepting_paused = true;
  }

  // Closes the parked connection that has waited longest without a request in
  // progress. Returns whether there was one.
  bool CloseLongestIdle() {
    std::lock_guard lock(registry_mutex);
    Connection* oldest = nullptr;
    for (const auto& [id, connection] : registry) {
      if (!connection->parked || connection->mode != Connection::Mode::kReading ||
          connection->request_started != TimePoint{}) {
        continue;
      }
      if (!oldest || connection->deadline < oldest->deadline) oldest = connection.get();
    }
    if (!oldest) return false;
    Forget(*oldest);
    return true;
  }

  // ---- deadlines ---------------------------------------------------------

  void SweepIfDue(TimePoint now) {
    if (now < next_sweep.load()) return;
    std::unique_lock sweeping(sweep_mutex, std::try_to_lock);
    if (!sweeping) return;
    next_sweep = now + std::chrono::milliseconds(kTickMs);
    bool resume_accepting = false;
    {
      std::lock_guard lock(registry_mutex);
      for (auto it = registry.begin(); it != registry.end();) {
        Connection& connection = *it->second;
        ++it;
        if (!connection.parked || connection.deadline > now) continue;
        // Past its deadline, but with bytes (or room) waiting that no worker
        // has taken yet because all are busy: the client is not the slow one.
        // Renewing the registration reports it again, should its edge ever
        // have been lost: a connection is never left waiting for nothing.
        if (connection.mode != Connection::Mode::kLingering && Ready(connection)) {
          if (!Arm(connection, connection.armed_events, EPOLL_CTL_MOD)) Forget(connection);
          continue;
        }
        if (connection.mode == Connection::Mode::kReading && connection.request_started != TimePoint{}) {
          TimeOut(connection, now);
        } else {
          Forget(connection);
        }
      }
      resume_accepting = accepting_paused && open_connections.load() < max_connections;
      if (resume_accepting) accepting_paused = false;
    }
    if (resume_accepting) RearmListener();
  }

  static bool Ready(const Connection& connection) {
    pollfd ready{connection.fd, static_cast<short>(connection.mode == Connection::Mode::kWriting ? POLLOUT : POLLIN), 0};
    return ::poll(&ready, 1, 0) == 1 && (ready.revents & (POLLIN | POLLOUT)) != 0;
  }

  // REQUIRES: registry_mutex held; connection parked. A request not complete
  // by its deadline: 408, then the connection lingers and closes.
  void TimeOut(Connection& connection, TimePoint now) {
    const std::string answer = server.RefusalAnswer(
        {408, "RequestTimeout",
         "The request was not received in full within " +
             std::to_string(limits.request_deadline.count() / 1000) + " seconds of its first byte."});
    if (connection.Pending() == 0) {
      [[maybe_unused]] const auto sent = Send(connection, answer.data(), answer.size());
    }
    ::shutdown(connection.fd, SHUT_WR);
    connection.mode = Connection::Mode::kLingering;
    connection.deadline = now + limits.linger;
  }

  TimePoint ReadDeadline(const Connection& connection) const {
    if (connection.request_started != TimePoint{}) return connection.request_started + limits.request_deadline;
    const TimePoint idle = SteadyClock::now() + limits.idle_timeout;
    // A handshake trickled in byte by byte would otherwise renew the idle deadline forever.
    if (connection.tls && !connection.tls->established()) return std::min(idle, connection.handshake_deadline);
    return idle;
  }

  // What wakes a connection waiting for input: a TLS handshake may wait to write.
  static std::uint32_t InputEvents(const Connection& connection) {
    return connection.tls && connection.tls->wants_write() ? EPOLLIN | EPOLLOUT : EPOLLIN;
  }

  // ---- serving one connection --------------------------------------------

  enum class ReadResult { kData, kAgain, kEnd, kError, kOverBudget };

  ReadResult ReadSome(Connection& connection) {
    auto [tail, room] = connection.in.Reserve(connection.in.View().empty() ? kFirstRead : kReadChunk);
    if (!Account(connection)) return ReadResult::kOverBudget;
    for (;;) {
      const ssize_t got = Receive(connection, tail, room);
      if (got > 0) {
        if (connection.tls && connection.info.tls_protocol.empty()) {
          connection.info.tls_protocol = connection.tls->protocol();
          connection.info.tls_cipher = connection.tls->cipher();
        }
        connection.in.Commit(static_cast<std::size_t>(got));
        // TLS reads the socket a record at a time: a short read says nothing of it.
        connection.input_drained =
            !connection.tls && static_cast<std::size_t>(got) < room && !connection.hangup_reported;
        return ReadResult::kData;
      }
      if (got == 0) return ReadResult::kEnd;
      if (errno == EINTR) continue;
      if (!WouldBlock()) return ReadResult::kError;
      connection.input_drained = true;
      return ReadResult::kAgain;
    }
  }

  // Sends what is pending without waiting. False once the connection is broken.
  bool Flush(Connection& connection) {
    while (connection.Pending() > 0) {
      const ssize_t sent = Send(connection, connection.out.data() + connection.out_sent, connection.Pending());
      if (sent > 0) {
        connection.out_sent += static_cast<std::size_t>(sent);
      } else if (sent < 0 && errno == EINTR) {
        continue;
      } else if (sent < 0 && WouldBlock()) {
        connection.stalled = true;
        return true;
      } else {
        connection.broken = true;
        return false;
      }
    }
    connection.stalled = false;
    connection.out_sent = 0;
    if (connection.out.capacity() > kKeepCapacity) {
      std::string().swap(connection.out);
    } else {
      connection.out.clear();
    }
    Account(connection);
    return true;
  }

  // Serves what the connection has ready. Returns whether it left this
  // worker's hands (parked or closed); false: work on it again (Park).
  bool Work(Connection& connection) {
    if (connection.mode == Connection::Mode::kLingering) return Drain(connection);
    if (connection.mode == Connection::Mode::kWriting) {
      if (!Flush(connection)) return Close(connection);
      if (connection.stalled) return Park(connection, EPOLLOUT, SteadyClock::now() + limits.write_timeout);
      connection.mode = Connection::Mode::kReading;
      if (connection.close_after_write) return Linger(connection);
    }
    int served = 0;
    for (;;) {
      const Frame frame = connection.framer.Examine(connection.in.View());
      if (frame.state == Frame::State::kRefused) return Refuse(connection, frame.refusal);
      if (frame.state == Frame::State::kComplete) {
        if (served == limits.requests_per_turn || stopping) {
          // Others get a turn: EPOLLOUT (always renewed) wakes the connection again at once.
          if (stopping) return Close(connection);
          return Park(connection, EPOLLIN | EPOLLOUT, ReadDeadline(connection));
        }
        ++served;
        if (!ServeOne(connection, frame)) connection.close_after_write = true;
        if (connection.broken || !Flush(connection)) return Close(connection);  // an answer cut short
        if (connection.stalled) {
          connection.mode = Connection::Mode::kWriting;
          return Park(connection, EPOLLOUT, SteadyClock::now() + limits.write_timeout);
        }
        if (connection.close_after_write) return Linger(connection);
        if (connection.in.View().empty() && !connection.peer_closed && !HasBuffered(connection)) {
          return Park(connection, EPOLLIN, ReadDeadline(connection));
        }
        continue;
      }
      if (connection.peer_closed) {
        if (!connection.framer.Started(connection.in.View())) return Close(connection);
        return Refuse(connection, {400, "MalformedInput", "The client closed its side before the request was complete."});
      }
      if (frame.wants_continue && !connection.continue_sent) {
        connection.continue_sent = true;
        connection.out.append(kContinue);
        if (!Flush(connection)) return Close(connection);
      }
      switch (ReadSome(connection)) {
        case ReadResult::kData:
          if (connection.request_started == TimePoint{} && connection.framer.Started(connection.in.View())) {
            connection.request_started = SteadyClock::now();
          }
          continue;
        case ReadResult::kEnd:
          connection.peer_closed = true;
          continue;
        case ReadResult::kAgain:
          return Park(connection, InputEvents(connection), ReadDeadline(connection));
        case ReadResult::kOverBudget:
          return Refuse(connection, {503, "ServiceUnavailable",
                                     "The emulator holds too many unfinished requests; try again."});
        case ReadResult::kError:
          return Close(connection);
      }
    }
  }

  // Serves the framed request; false if the connection must close after it.
  bool ServeOne(Connection& connection, const Frame& frame);

  bool Refuse(Connection& connection, const Refusal& refusal) {
    connection.out.append(server.RefusalAnswer(refusal));
    connection.close_after_write = true;
    if (!Flush(connection)) return Close(connection);
    if (connection.stalled) {
      connection.mode = Connection::Mode::kWriting;
      return Park(connection, EPOLLOUT, SteadyClock::now() + limits.write_timeout);
    }
    return Linger(connection);
  }

  // The last answer is out: stop sending, and read until the client closes
  // (or limits.linger passes), so closing does not reset the connection while
  // the client still reads the answer.
  bool Linger(Connection& connection) {
    if (connection.tls) connection.tls->Close();
    ::shutdown(connection.fd, SHUT_WR);
    connection.mode = Connection::Mode::kLingering;
    return Park(connection, EPOLLIN, SteadyClock::now() + limits.linger);
  }

  bool Drain(Connection& connection) {
    char discard[16 * 1024];
    std::size_t drained = 0;
    while (drained < kDrainPerTurn) {
      const ssize_t got = ::recv(connection.fd, discard, sizeof discard, 0);
      if (got > 0) {
        drained += static_cast<std::size_t>(got);
      } else if (got < 0 && errno == EINTR) {
        continue;
      } else if (got < 0 && WouldBlock()) {
        connection.input_drained = true;
        break;
      } else {
        return Close(connection);
      }
    }
    TimePoint deadline;
    {
      std::lock_guard lock(registry_mutex);
      deadline = connection.deadline;
    }
    return Park(connection, EPOLLIN, deadline);
  }

  ServingLimits limits;
  const FramingLimits framing;
  RequestServer& server;
  const TlsServer* tls = nullptr;
  std::size_t max_connections = 0;
  int listen_fd = -1;
  int epoll_fd = -1;
  int stop_fd = -1;
  std::string error;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> next_id{kFirstConnectionToken};
  std::atomic<std::size_t> buffered{0};
  std::atomic<std::size_t> open_connections{0};
  std::atomic<int> waiting{0};
  std::atomic<TimePoint> next_sweep{TimePoint{}};
  std::mutex sweep_mutex;

  mutable std::mutex registry_mutex;
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> registry;
  bool accepting_paused = false;

  mutable std::mutex workers_mutex;
  std::condition_variable workers_changed;
  std::size_t workers = 0;
};

// Gathers small writes into one send; sends large ones along with what is
// gathered; holds what the socket does not take, up to max_pending_output.
class ConnectionLoop::Impl::Writer final : public ResponseWriter {
 public:
  Writer(Impl& loop, Connection& connection) : loop_(loop), connection_(connection) {}

  bool Write(std::string_view bytes) override {
    Connection& c = connection_;
    if (c.broken) return false;
    if (c.drop_continue) {
      c.drop_continue = false;
      if (bytes == kContinue) return true;
    }
    if (!c.stalled && c.Pending() + bytes.size() <= kStageBytes) {
      c.out.append(bytes);
      return true;
    }
    if (!c.stalled && !c.tls) return SendAlong(bytes);
    if (!c.stalled) {  // TLS: one record for what is gathered and bytes
      c.out.append(bytes);
      if (!loop_.Flush(c)) return Break();
      if (!loop_.Account(c)) return Break();
      if (c.Pending() > loop_.limits.max_pending_output) return WaitUntilBelow(loop_.limits.max_pending_output / 2);
      return true;
    }
    c.out.append(bytes);
    if (!loop_.Account(c)) return Break();
    if (c.Pending() > loop_.limits.max_pending_output) return WaitUntilBelow(loop_.limits.max_pending_output / 2);
    return true;
  }

 private:
  bool Break() {
    connection_.broken = true;
    return false;
  }

  // One sendmsg for what is gathered and bytes; keeps what is not taken.
  bool SendAlong(std::string_view bytes) {
    Connection& c = connection_;
    iovec parts[2] = {{c.out.data() + c.out_sent, c.Pending()}, {const_cast<char*>(bytes.data()), bytes.size()}};
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = 2;
    ssize_t sent;
    do {
      sent = ::sendmsg(c.fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0 && !WouldBlock()) return Break();
    std::size_t taken = sent < 0 ? 0 : static_cast<std::size_t>(sent);
    const std::size_t from_gathered = std::min(taken, c.Pending());
    c.out_sent += from_gathered;
    taken -= from_gathered;
    if (c.Pending() == 0) {
      c.out.clear();
      c.out_sent = 0;
    }
    if (taken == bytes.size()) return true;
    c.stalled = true;
    c.out.append(bytes.substr(taken));
    if (!loop_.Account(c)) return Break();
    if (c.Pending() > loop_.limits.max_pending_output) return WaitUntilBelow(loop_.limits.max_pending_output / 2);
    return true;
  }

  // Blocks this worker until the client has read enough, or the write timeout
  // passes without progress.
  bool WaitUntilBelow(std::size_t target) {
    Connection& c = connection_;
    while (c.Pending() > target) {
      pollfd writable{c.fd, POLLOUT, 0};
      const int ready = ::poll(&writable, 1, static_cast<int>(loop_.limits.write_timeout.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0 || loop_.stopping) return Break();
      c.stalled = false;
      const std::size_t before = c.out_sent;
      if (!loop_.Flush(c)) return false;
      if (c.out_sent == before && c.stalled && c.Pending() > target) continue;
    }
    return true;
  }

  Impl& loop_;
  Connection& connection_;
};

bool ConnectionLoop::Impl::ServeOne(Connection& connection, const Frame& frame) {
  const std::string_view buffered = connection.in.View();
  const std::string_view request = buffered.substr(frame.start, frame.length);
  const bool more = buffered.size() > frame.start + frame.length;
  const bool closing = frame.closes || stopping || (connection.peer_closed && !more);
  connection.drop_continue = connection.continue_sent;
  // Serving may block (a store write, a fault's delay): if no other worker
  // is left waiting for events, one more starts. Reading and framing never
  // block, so slow clients alone do not grow the pool.
  if (waiting.load() == 0) AddWorkerIfNoneWaits();
  Writer writer(*this, connection);
  const bool keep = server.Serve(request, closing, connection.info, writer);
  connection.in.Consume(frame.start + frame.length);
  connection.framer.Reset();
  connection.continue_sent = connection.drop_continue = false;
  connection.request_started =
      connection.framer.Started(connection.in.View()) ? SteadyClock::now() : TimePoint{};
  Account(connection);
  return keep && !closing && !connection.broken;
}

ConnectionLoop::ConnectionLoop(ServingLimits limits, FramingLimits framing, RequestServer& server)
    : impl_(std::make_unique<Impl>(limits, std::move(framing), server)) {}

ConnectionLoop::~ConnectionLoop() = default;

int ConnectionLoop::Bind(const std::string& host, int port) { return impl_->Bind(host, port); }

std::string ConnectionLoop::error() const { return impl_->error; }

void ConnectionLoop::UseTls(const TlsServer* tls) { impl_->tls = tls; }

int ConnectionLoop::listening_socket() const { return impl_->listen_fd; }

void ConnectionLoop::Run() { impl_->Run(); }

void ConnectionLoop::Stop() { impl_->Stop(); }

std::size_t ConnectionLoop::workers() const {
  std::lock_guard lock(impl_->workers_mutex);
  return impl_->workers;
}

std::size_t ConnectionLoop::connections() const { return impl_->open_connections.load(); }

}  // namespace cfl::http
