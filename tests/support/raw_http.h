#pragma once
// HTTP/1.1 by hand over a loopback TCP connection, for the serve tests: what a well-behaved
// client sends (one request, Connection: close) and what it never does (half a request, no
// length, nothing at all). Header-only and POSIX-only, so the app tests use it without Qt
// Network.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace strata::test {

class RawSocket
{
public:
    explicit RawSocket(int port, int timeoutSeconds = 5)
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(uint16_t(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0;
        timeval tv{timeoutSeconds, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    ~RawSocket() { ::close(fd_); }
    RawSocket(const RawSocket &) = delete;
    RawSocket &operator=(const RawSocket &) = delete;

    bool connected() const { return connected_; }
    void send(const std::string &s) { (void)!::send(fd_, s.data(), s.size(), MSG_NOSIGNAL); }
    // Everything until the server closes the connection (or the timeout passes).
    std::string readAll()
    {
        std::string out;
        char buf[4096];
        for (ssize_t n; (n = ::recv(fd_, buf, sizeof buf, 0)) > 0;)
            out.append(buf, size_t(n));
        return out;
    }

private:
    int fd_ = -1;
    bool connected_ = false;
};

struct HttpAnswer
{
    int status = 0; // 0: no answer
    std::string body;
};

// One request on a connection of its own.
inline HttpAnswer httpRequest(int port, const std::string &method, const std::string &path,
                              const std::string &body = {})
{
    RawSocket s(port);
    if (!s.connected())
        return {};
    std::string request =
        method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Connection: close\r\n";
    if (method == "POST")
        request +=
            "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
            "\r\n";
    s.send(request + "\r\n" + body);
    const std::string answer = s.readAll();
    HttpAnswer a;
    if (answer.rfind("HTTP/1.1 ", 0) != 0 || answer.size() < 12)
        return a;
    a.status = std::stoi(answer.substr(9, 3));
    const size_t end = answer.find("\r\n\r\n");
    if (end != std::string::npos)
        a.body = answer.substr(end + 4);
    return a;
}

} // namespace strata::test
