#include "settings.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "store/address/address.hpp"
#include "store/config/config.hpp"
#include "store/core/text.hpp"

namespace store::order {

namespace {

std::optional<std::string> CheckCountries(const std::string& text) {
  for (const auto& c : core::SplitList(text))
    if (!address::IsCountry(c)) return fmt::format("{} is not an ISO 3166-1 alpha-2 country code", c);
  return std::nullopt;
}

std::optional<std::string> CheckCountryAmounts(const std::string& text) {
  try {
    for (const auto& [country, amount] : ParseCountryAmounts(text))
      if (!address::IsCountry(country)) return fmt::format("{} is not an ISO 3166-1 alpha-2 country code", country);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return std::nullopt;
}

}  // namespace


std::map<std::string, std::int64_t> ParseCountryAmounts(const std::string& text) {
  std::map<std::string, std::int64_t> out;
  for (const auto& item : core::SplitList(text)) {
    auto colon = item.find(':');
    if (colon == std::string::npos) throw std::invalid_argument(fmt::format("'{}' is not COUNTRY:amount", item));
    std::string country(core::Trim(std::string_view(item).substr(0, colon)));
    std::string amount(core::Trim(std::string_view(item).substr(colon + 1)));
    if (amount.empty() || amount.find_first_not_of("0123456789") != std::string::npos || amount.size() > 12)
      throw std::invalid_argument(fmt::format("'{}': the amount must be a whole number of minor units (or basis points)", item));
    out[country] = std::stoll(amount);
  }
  return out;
}

Settings Settings::Declare(config::Loader& cfg) {
  Settings s;
  s.db = db::Options::Declare(cfg);
  s.cache = cache::Options::Declare(cfg);
  s.auth = auth::AuthOptions::Declare(cfg);
  s.service_client = auth::ServiceClientOptions::Declare(cfg, "order");
  s.cart_url = cfg.String("cart.url", s.cart_url, "Base URL of the cart service (the shopper's cart, read as the shopper)");
  s.catalog_url = cfg.String("catalog.url", s.catalog_url, "Base URL of the catalog service (the authoritative prices)");
  s.user_url = cfg.String("user.url", s.user_url, "Base URL of the user service (the customer's profile and address book)");
  s.payment_url = cfg.String("payment.url", s.payment_url, "Base URL of the payment service (the order's payment intent)");
  s.client.read_timeout = cfg.Duration("services.timeout", std::chrono::seconds(3), "How long a call to another service may take");
  s.client.connect_timeout = std::min(s.client.read_timeout, std::chrono::milliseconds(1000));
  s.client.max_retries = 1;
  s.client.user_agent = "store-order";
  s.cart_cookie = cfg.String("cart.cookie", s.cart_cookie, "The cart service's guest cookie (passed on when a guest checks out)");

  CheckoutSettings& c = s.checkout;
  c.currency = cfg.String("shop.currency", c.currency, "The shop's currency (ISO 4217): catalog prices in another are refused");
  c.payment_window = std::chrono::duration_cast<std::chrono::seconds>(
      cfg.Duration("orders.payment_window", std::chrono::minutes(30), "An order not paid this long after it was placed is cancelled"));
  c.return_path = cfg.String("orders.return_path", c.return_path, "The storefront's page a shopper comes back to from paying");
  c.guest_token_secret = cfg.Secret("orders.guest_token_secret", "order-guest-token-dev-only",
                                    "Key of the guest orders' tokens (HMAC-SHA256 of the order id; changing it voids the tokens given)");
  auto methods = cfg.String("payments.methods", "card,online_banking,wallet,cash_on_delivery", "The payment methods offered at checkout");
  c.payment_methods = core::SplitList(methods);

  c.tax.prices_include_tax = cfg.Bool("tax.prices_include_tax", true, "Catalog prices include tax (gross, EU style) or not (net, US style)");
  auto rates = cfg.String("tax.rates", "AT:2000,BE:2100,DE:1900,DK:2500,ES:2100,FI:2550,FR:2000,IE:2300,IT:2200,LU:1700,NL:2100,PL:2300,PT:2300,SE:2500,GB:2000,CH:810,NO:2500,US:0,CA:500",
                          "Tax rate per destination country in basis points (1900 = 19 %); a country without one pays none", CheckCountryAmounts);
  for (const auto& [country, bp] : ParseCountryAmounts(rates)) c.tax.rates_bp[country] = static_cast<std::int32_t>(bp);

  auto countries = cfg.String("shipping.countries", "AT,BE,DE,DK,ES,FI,FR,IE,IT,LU,NL,PL,PT,SE,GB,CH,NO,US,CA",
                              "The countries the shop ships to", CheckCountries);
  c.shipping.countries = core::SplitList(countries);
  auto codes = cfg.String("shipping.methods", "standard,express,pickup", "The shipping methods, each configured by shipping.<code>.*");
  for (const auto& code : core::SplitList(codes)) {
    ShippingMethod m;
    m.code = code;
    std::string k = "shipping." + code + ".";
    m.name = cfg.String(k + "name", code, "What the shopper sees");
    m.price = cfg.Int(k + "price", 0, "Price in minor units", 0, 100'000'000);
    auto by_country = cfg.String(k + "prices", "", "Prices of some countries (COUNTRY:minor,...) instead of price", CheckCountryAmounts);
    for (const auto& [country, price] : ParseCountryAmounts(by_country)) m.by_country[country] = price;
    auto only = cfg.String(k + "countries", "", "Only these countries (empty: every country shipped to)", CheckCountries);
    m.countries = core::SplitList(only);
    auto free = cfg.Int(k + "free_above", 0, "Free from this subtotal in minor units (0: never)", 0, 1'000'000'000);
    if (free > 0) m.free_above = free;
    m.min_days = static_cast<int>(cfg.Int(k + "min_days", 0, "Delivery takes at least this many working days", 0, 365));
    m.max_days = static_cast<int>(cfg.Int(k + "max_days", 0, "Delivery takes at most this many working days", 0, 365));
    c.shipping.methods.push_back(std::move(m));
  }

  s.saga.lease = std::chrono::duration_cast<std::chrono::seconds>(
      cfg.Duration("saga.lease", std::chrono::seconds(30), "How long one instance owns an order's saga step"));
  s.saga.retry_after = std::chrono::duration_cast<std::chrono::seconds>(
      cfg.Duration("saga.retry_after", std::chrono::seconds(2), "A step that met a service down is tried again this much later"));
  s.saga.batch = static_cast<int>(cfg.Int("saga.batch", 50, "Most orders one saga round takes", 1, 10000));
  s.saga_interval = cfg.Duration("saga.interval", std::chrono::seconds(1),
                                 "How often the saga round looks for due work (an event that makes work due wakes it at once)");

  s.kafka = messaging::KafkaConfig::Load(cfg, "order");
  s.topic_prefix = cfg.String("events.topic_prefix", "", "Put before the order events' topics (tests: topics of their own)");
  s.consumer_enabled = cfg.Bool("consumer.enabled", true, "Consume the catalog's and the payment service's saga events");
  s.consumer_group = cfg.String("consumer.group", s.consumer_group, "Kafka consumer group of the saga consumer");
  s.topic_stock_reserved = cfg.String("consumer.topic_stock_reserved", s.topic_stock_reserved, "Topic of stock.reserved events");
  s.topic_stock_failed = cfg.String("consumer.topic_stock_failed", s.topic_stock_failed, "Topic of stock.reservation_failed events");
  s.topic_payment_succeeded = cfg.String("consumer.topic_payment_succeeded", s.topic_payment_succeeded, "Topic of payment.succeeded events");
  s.topic_payment_failed = cfg.String("consumer.topic_payment_failed", s.topic_payment_failed, "Topic of payment.failed events");
  return s;
}

}  // namespace store::order
