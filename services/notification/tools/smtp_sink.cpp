// store_smtp_sink: a minimal SMTP server that accepts and discards messages, one thread per
// connection. For the benchmark (a server much faster than MailDev) and for tests that need
// SMTP replies MailDev cannot give:
//   store_smtp_sink PORT [--reject TEXT] [--tempfail TEXT]
//     RCPT TO containing --reject TEXT   -> 550 5.1.1 (permanent)
//     RCPT TO containing --tempfail TEXT -> 451 4.3.0 (temporary)
//   XSTAT (extra verb)                   -> "250 <messages accepted so far>"
// Prints "listening <port>" once ready (port 0 picks a free one). Not a real MTA: no TLS, no AUTH.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

std::atomic<long> g_accepted{0};
std::string g_reject, g_tempfail;

bool WriteAll(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

void Serve(int fd) {
  std::string buf;
  char chunk[65536];
  bool in_data = false;
  bool rcpt_ok = false;
  if (!WriteAll(fd, "220 store-smtp-sink ESMTP\r\n")) { ::close(fd); return; }
  for (;;) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    buf.append(chunk, static_cast<std::size_t>(n));
    std::string out;
    for (;;) {
      if (in_data) {
        // The body ends with CRLF.CRLF; a body that starts right away may also be ".\r\n".
        std::size_t end = buf.find("\r\n.\r\n");
        std::size_t skip = 5;
        if (buf.rfind(".\r\n", 0) == 0) { end = 0; skip = 3; }
        if (end == std::string::npos) {
          if (buf.size() > 8) buf.erase(0, buf.size() - 8);  // keep a tail that may hold the marker
          break;
        }
        buf.erase(0, end + skip);
        in_data = false;
        ++g_accepted;
        out += "250 2.0.0 Ok: queued\r\n";
        continue;
      }
      std::size_t eol = buf.find("\r\n");
      if (eol == std::string::npos) break;
      std::string line = buf.substr(0, eol);
      buf.erase(0, eol + 2);
      std::string verb = line.substr(0, 4);
      for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (verb == "EHLO") out += "250-store-smtp-sink\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 SIZE 52428800\r\n";
      else if (verb == "HELO") out += "250 store-smtp-sink\r\n";
      else if (verb == "MAIL") { rcpt_ok = false; out += "250 2.1.0 Ok\r\n"; }
      else if (verb == "RCPT") {
        if (!g_reject.empty() && line.find(g_reject) != std::string::npos) out += "550 5.1.1 Mailbox unavailable\r\n";
        else if (!g_tempfail.empty() && line.find(g_tempfail) != std::string::npos) out += "451 4.3.0 Try again later\r\n";
        else { rcpt_ok = true; out += "250 2.1.5 Ok\r\n"; }
      } else if (verb == "DATA") {
        if (!rcpt_ok) out += "554 5.5.1 No valid recipients\r\n";
        else { in_data = true; out += "354 End data with <CR><LF>.<CR><LF>\r\n"; }
      } else if (verb == "RSET") { rcpt_ok = false; out += "250 2.0.0 Ok\r\n"; }
      else if (verb == "NOOP") out += "250 2.0.0 Ok\r\n";
      else if (verb == "XSTA") out += "250 " + std::to_string(g_accepted.load()) + "\r\n";
      else if (verb == "QUIT") { WriteAll(fd, out + "221 2.0.0 Bye\r\n"); ::close(fd); return; }
      else out += "502 5.5.2 Command not recognized\r\n";
    }
    if (!out.empty() && !WriteAll(fd, out)) break;
  }
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: store_smtp_sink PORT [--reject TEXT] [--tempfail TEXT]\n");
    return 2;
  }
  int port = std::atoi(argv[1]);
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--reject") == 0) g_reject = argv[i + 1];
    else if (std::strcmp(argv[i], "--tempfail") == 0) g_tempfail = argv[i + 1];
  }
  int ls = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(ls, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(ls, 128) != 0) {
    std::perror("store_smtp_sink: bind/listen");
    return 1;
  }
  socklen_t len = sizeof addr;
  ::getsockname(ls, reinterpret_cast<sockaddr*>(&addr), &len);
  std::printf("listening %d\n", ntohs(addr.sin_port));
  std::fflush(stdout);
  for (;;) {
    int fd = ::accept(ls, nullptr, nullptr);
    if (fd < 0) continue;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::thread(Serve, fd).detach();
  }
}
