// Helpers shared by the http tests: a raw TCP exchange (to send what a well-behaved client
// never would) and small handlers.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>
#include <string>

namespace store::http::test {

using RawResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Opens a connection to 127.0.0.1:port, sends `raw` as is and reads one response.
inline RawResponse RawExchange(std::uint16_t port, const std::string& raw) {
  namespace asio = boost::asio;
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer(raw));
  boost::beast::flat_buffer buffer;
  RawResponse res;
  boost::beast::http::read(socket, buffer, res);
  return res;
}

inline boost::json::value JsonOf(const std::string& body) { return boost::json::parse(body); }

}  // namespace store::http::test
