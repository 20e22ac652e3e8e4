// A minimal blocking HTTP/1.1 GET over a plain socket, for the metrics and probe server
// tests: the servers are checked the way a scraper or kubelet reaches them.
#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace upkeep::controller::testing_http {

struct HttpResult {
  int status = 0;       // 0 when the request failed
  std::string headers;  // the raw header block
  std::string body;
  std::string error;
};

inline HttpResult HttpGet(uint16_t port, const std::string& target) {
  namespace asio = boost::asio;
  HttpResult result;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) {
    result.error = "connect: " + ec.message();
    return result;
  }
  const std::string request =
      "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  asio::write(socket, asio::buffer(request), ec);
  if (ec) {
    result.error = "write: " + ec.message();
    return result;
  }
  std::string response;
  asio::read(socket, asio::dynamic_buffer(response), ec);  // until the server closes
  if (ec && ec != asio::error::eof) {
    result.error = "read: " + ec.message();
    return result;
  }
  const size_t end = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) {
    result.error = "malformed response: " + response;
    return result;
  }
  result.status = std::stoi(response.substr(9, 3));
  result.headers = response.substr(0, end);
  result.body = response.substr(end + 4);
  return result;
}

}  // namespace upkeep::controller::testing_http
