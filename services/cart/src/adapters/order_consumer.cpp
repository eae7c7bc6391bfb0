#include "adapters/order_consumer.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

namespace store::cart {
namespace json = boost::json;
using core::Error;

namespace {

const json::string* Text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

}  // namespace

core::Result<OrderConfirmed> DecodeOrderConfirmed(const json::value& data) {
  const json::object* o = data.if_object();
  const json::string* order_id = o ? Text(*o, "order_id") : nullptr;
  const json::value* lines = o ? o->if_contains("lines") : nullptr;
  if (!order_id || order_id->empty() || !lines || !lines->is_array())
    return core::Fail(Error::Invalid("order.confirmed without order_id or lines"));
  OrderConfirmed out{std::string(*order_id), std::nullopt, {}};
  if (const json::string* cart_id = Text(*o, "cart_id")) {
    out.cart = CartKeyOf(*cart_id);
    if (!out.cart) return core::Fail(Error::Invalid("order.confirmed: cart_id is neither guest:… nor customer:…"));
  } else if (const json::string* user_id = Text(*o, "user_id"); user_id && !user_id->empty()) {
    out.cart = CartKey::Customer(std::string(*user_id));
  }
  for (const auto& item : lines->get_array()) {
    const json::object* l = item.if_object();
    const json::string* sku = l ? Text(*l, "sku") : nullptr;
    const json::value* quantity = l ? l->if_contains("quantity") : nullptr;
    if (!sku || !quantity || !quantity->is_int64() || quantity->get_int64() < 1 || quantity->get_int64() > 1'000'000)
      return core::Fail(Error::Invalid("order.confirmed: a line without sku or a positive quantity"));
    // Only the SKU and the quantity matter here (the price is the order's business).
    out.lines.push_back(Line{Sku(std::string(*sku)), static_cast<int>(quantity->get_int64()),
                             core::Money(0, *core::Currency::Parse("EUR"))});
  }
  return out;
}

messaging::BatchHandler OrderConfirmedHandler(Carts& carts) {
  return [&carts](std::span<const messaging::Message> batch) -> core::Status {
    TRY(records, messaging::DecodeBatch(batch));
    for (const auto& r : records) {
      TRY(order, DecodeOrderConfirmed(r.event.data));
      if (!order.cart) continue;
      boost::asio::io_context ioc;
      auto done = boost::asio::co_spawn(ioc, carts.TakeOutOrdered(*order.cart, order.order_id, order.lines),
                                        boost::asio::use_future);
      ioc.run();
      TRY(changed, done.get());
      (void)changed;
    }
    return {};
  };
}

}  // namespace store::cart
