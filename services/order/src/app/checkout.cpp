#include "app/checkout.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "store/address/address.hpp"
#include "store/auth/secrets.hpp"
#include "store/core/ids.hpp"

namespace store::order {
namespace {

using core::Error;
using core::FieldError;

std::uint64_t RandomBits() {
  std::string bytes = auth::RandomBytes(8);
  std::uint64_t v = 0;
  for (unsigned char c : bytes) v = (v << 8) | c;
  return v;
}

}  // namespace

std::string GuestToken(std::string_view secret, std::string_view order_id) { return auth::HmacSha256Hex(secret, order_id); }

std::vector<FieldError> CheckAddress(Address& a, const ShippingConfig& shipping, const std::string& prefix) {
  std::vector<FieldError> errors;
  auto need = [&](const std::string& value, std::string_view field, std::size_t max) {
    if (value.empty() || value.size() > max) errors.push_back({prefix + std::string(field), fmt::format("required, 1..{} characters", max)});
  };
  need(a.name, "name", 100);
  need(a.line1, "line1", 200);
  need(a.city, "city", 100);
  if (a.line2.size() > 200) errors.push_back({prefix + "line2", "at most 200 characters"});
  if (a.region.size() > 100) errors.push_back({prefix + "region", "at most 100 characters"});
  if (a.phone.size() > 20) errors.push_back({prefix + "phone", "at most 20 characters"});
  for (auto& e : address::CheckCountryAndPostcode(a.country, a.postal_code, shipping.countries))
    errors.push_back({prefix + (e.field == "postcode" ? std::string("postal_code") : e.field), e.message});
  if (errors.empty()) a.postal_code = address::NormalisePostcode(a.country, a.postal_code);
  return errors;
}

awaitable<core::Result<Checkout::Priced>> Checkout::Price(const CartSnapshot& cart) {
  if (cart.lines.empty()) co_return core::Fail(Error::Unprocessable("the cart is empty", {{"cart", "add something first"}}));
  std::vector<std::string> skus;
  for (const auto& l : cart.lines) skus.push_back(l.sku);
  CO_TRY(offers, co_await catalog_.Offers(skus));
  std::map<std::string, const Offer*> by_sku;
  for (const auto& o : offers) by_sku[o.sku] = &o;
  Priced out;
  std::vector<FieldError> gone;
  for (const auto& l : cart.lines) {
    auto it = by_sku.find(l.sku);
    if (it == by_sku.end() || !it->second->sellable) {
      gone.push_back({"lines." + l.sku, "no longer sold"});
      continue;
    }
    const Offer& o = *it->second;
    if (o.currency != s_.currency) {
      gone.push_back({"lines." + l.sku, fmt::format("priced in {}, the shop sells in {}", o.currency, s_.currency)});
      continue;
    }
    // Stock is not judged here: the catalog's reservation (the saga's first step) is the one
    // authority, all or nothing, under concurrency; a line it cannot hold cancels the order by name.
    out.lines.push_back({.sku = l.sku, .product_id = o.product_id, .title = o.title, .options = o.options, .quantity = l.quantity,
                         .unit_price = o.price});
    out.priced.push_back({l.sku, l.quantity, o.price});
  }
  if (!gone.empty()) {
    Error e{core::Errc::conflict, "some lines of the cart cannot be ordered as they are", std::move(gone)};
    co_return core::Fail(std::move(e));
  }
  co_return out;
}

awaitable<core::Result<CheckoutOptions>> Checkout::Options(Shopper shopper, std::string country, std::string method) {
  CheckoutOptions out;
  if (shopper.customer_id) {
    CO_TRY(account, co_await accounts_.Me(shopper));
    out.addresses = std::move(account.addresses);
  }
  if (country.empty() && !out.addresses.empty() && s_.shipping.ShipsTo(out.addresses.front().second.country))
    country = out.addresses.front().second.country;
  if (country.empty() && !s_.shipping.countries.empty()) country = s_.shipping.countries.front();
  if (!s_.shipping.ShipsTo(country))
    co_return core::Fail(Error::Invalid("the shop does not ship there", {{"country", "one of the countries the shop ships to"}}));
  out.country = country;
  CO_TRY(cart, co_await carts_.Read(shopper));
  out.cart = cart;
  std::int64_t subtotal = 0;
  std::vector<PricedLine> priced;
  if (!cart.lines.empty()) {
    CO_TRY(p, co_await Price(cart));
    for (const auto& l : p.priced) subtotal += l.unit_price * l.quantity;
    out.lines = std::move(p.lines);
    priced = std::move(p.priced);
  }
  for (const auto& m : s_.shipping.methods)
    if (m.Serves(country)) out.shipping.push_back({&m, m.PriceFor(country, subtotal)});
  if (out.shipping.empty())
    co_return core::Fail(Error::Invalid("no shipping method serves this country", {{"country", "no shipping method serves it"}}));
  const ShippingQuote* chosen = &out.shipping.front();
  if (!method.empty()) {
    auto it = std::find_if(out.shipping.begin(), out.shipping.end(), [&](const ShippingQuote& q) { return q.method->code == method; });
    if (it == out.shipping.end())
      co_return core::Fail(Error::Invalid("unknown shipping method", {{"shipping_method", "one of the methods serving the country"}}));
    chosen = &*it;
  }
  out.shipping_method = chosen->method->code;
  CO_TRY(totals, ComputeTotals(priced, cart.lines.empty() ? 0 : chosen->price, s_.tax.Rate(country), s_.tax.prices_include_tax));
  for (std::size_t i = 0; i < out.lines.size(); ++i) {
    out.lines[i].line_total = totals.lines[i].total;
    out.lines[i].tax = totals.lines[i].tax;
    out.lines[i].tax_rate_bp = s_.tax.Rate(country);
  }
  out.totals = std::move(totals);
  co_return out;
}

awaitable<core::Result<Placed>> Checkout::Place(Shopper shopper, PlaceCommand cmd) {
  // What the shopper entered, checked before anything is read or written.
  std::vector<FieldError> errors;
  const ShippingMethod* method = s_.shipping.Find(cmd.shipping_method);
  if (!method) errors.push_back({"shipping_method", "one of the shop's shipping methods"});
  if (std::find(s_.payment_methods.begin(), s_.payment_methods.end(), cmd.payment_method) == s_.payment_methods.end())
    errors.push_back({"payment_method", "one of the payment methods offered"});
  if (!shopper.customer_id && !cmd.email) errors.push_back({"email", "required for a guest checkout"});
  if (!cmd.address && !cmd.address_id) errors.push_back({"address", "an address or an address_id of the address book"});
  if (cmd.address_id && !shopper.customer_id) errors.push_back({"address_id", "guests give the address itself"});
  if (cmd.address)
    for (auto& e : CheckAddress(*cmd.address, s_.shipping, "address.")) errors.push_back(std::move(e));
  if (!errors.empty()) co_return core::Fail(Error::Invalid("the checkout has errors", std::move(errors)));

  // The key placed its order already (its answer was lost with a crashed process): that order.
  auto answer = [&](Order placed) {
    Placed out{.order = std::move(placed)};
    if (!out.order.customer_id) out.guest_token = GuestToken(s_.guest_token_secret, out.order.id);
    return out;
  };
  {
    CO_TRY(earlier, co_await store_.FindPlaced(cmd.placement_key));
    if (earlier) co_return answer(std::move(*earlier));
  }

  Order o;
  o.locale = cmd.locale;
  if (shopper.customer_id) {
    CO_TRY(account, co_await accounts_.Me(shopper));
    o.customer_id = account.id;
    o.email = account.email;
    o.name = account.name;
    if (!account.locale.empty()) o.locale = account.locale;
    if (cmd.address_id) {
      auto it = std::find_if(account.addresses.begin(), account.addresses.end(), [&](const auto& a) { return a.first == *cmd.address_id; });
      if (it == account.addresses.end())
        co_return core::Fail(Error::Invalid("no such address in the address book", {{"address_id", "not in your address book"}}));
      cmd.address = it->second;
      auto address_errors = CheckAddress(*cmd.address, s_.shipping, "address.");
      if (!address_errors.empty()) co_return core::Fail(Error::Invalid("this address cannot be shipped to", std::move(address_errors)));
    }
  } else {
    o.email = *cmd.email;
  }
  o.address = *cmd.address;
  if (o.name.empty()) o.name = o.address.name;
  if (!method->Serves(o.address.country))
    co_return core::Fail(Error::Invalid("this shipping method does not serve the country", {{"shipping_method", "not available for the address's country"}}));

  CO_TRY(cart, co_await carts_.Read(shopper));
  if (cart.version != cmd.cart_version) {
    Error e{core::Errc::conflict, fmt::format("the cart changed: it is now version {}, the checkout showed version {}", cart.version, cmd.cart_version),
            {{"cart_version", fmt::format("now {}", cart.version)}}};
    co_return core::Fail(std::move(e));
  }
  CO_TRY(priced, co_await Price(cart));
  std::int64_t subtotal = 0;
  for (const auto& l : priced.priced) subtotal += l.unit_price * l.quantity;
  const std::int32_t rate = s_.tax.Rate(o.address.country);
  CO_TRY(totals, ComputeTotals(priced.priced, method->PriceFor(o.address.country, subtotal), rate, s_.tax.prices_include_tax));
  if (cmd.expected_total && *cmd.expected_total != totals.total) {
    Error e{core::Errc::conflict, fmt::format("the total changed: {} now, {} shown", totals.total, *cmd.expected_total),
            {{"expected_total", fmt::format("now {}", totals.total)}}};
    co_return core::Fail(std::move(e));
  }
  for (std::size_t i = 0; i < priced.lines.size(); ++i) {
    priced.lines[i].line_total = totals.lines[i].total;
    priced.lines[i].tax = totals.lines[i].tax;
    priced.lines[i].tax_rate_bp = rate;
  }

  const TimePoint now = clock_.Now();
  o.id = core::NewUuid();
  o.cart_id = shopper.cart_id;
  o.cart_version = cart.version;
  o.status = Status::placed;
  o.currency = s_.currency;
  o.prices_include_tax = s_.tax.prices_include_tax;
  o.totals = std::move(totals);
  o.shipping_method = method->code;
  o.shipping_name = method->name;
  o.payment_method = cmd.payment_method;
  o.return_url = s_.return_path;
  o.lines = std::move(priced.lines);
  o.created_at = o.updated_at = now;
  o.expires_at = now + s_.payment_window;
  o.version = 1;

  Placed out;
  NewOrder n;
  if (!shopper.customer_id) {
    out.guest_token = GuestToken(s_.guest_token_secret, o.id);
    n.guest_token_hash = auth::Sha256Hex(out.guest_token);
  }
  // The stock stays reserved a little longer than the order waits for its payment, so the order
  // (which cancels and releases first) never meets a reservation that vanished under it.
  n.reservation_ttl_s = std::chrono::duration_cast<std::chrono::seconds>(s_.payment_window).count() + 300;
  n.placement_key = cmd.placement_key;
  for (int attempt = 0;; ++attempt) {
    o.number = OrderNumber(RandomBits());
    n.order = o;
    auto placed = co_await store_.Place(n);
    if (placed) break;
    if (placed.error().code != core::Errc::conflict || attempt >= 4) co_return std::unexpected(placed.error());
    // The same key placed an order meanwhile (a request running twice), or the number was taken.
    CO_TRY(earlier, co_await store_.FindPlaced(cmd.placement_key));
    if (earlier) co_return answer(std::move(*earlier));
  }
  out.order = std::move(n.order);
  out.order.history.push_back({"placed", "", "api", now});
  co_return out;
}

}  // namespace store::order
