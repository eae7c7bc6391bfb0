#include "settings.hpp"

#include "store/config/config.hpp"

namespace store::payment {

Settings Settings::Declare(config::Loader& cfg) {
  Settings s;
  s.db = db::Options::Declare(cfg);
  s.cache = cache::Options::Declare(cfg);
  s.auth = auth::AuthOptions::Declare(cfg);
  s.provider = cfg.String("provider.name", "sandbox", "The payment provider: sandbox (deploy/psp-sandbox) or stripe (Stripe's API)",
                          [](const std::string& v) {
                            return v == "sandbox" || v == "stripe" ? std::nullopt : std::optional<std::string>("must be sandbox or stripe");
                          });
  s.sandbox.url = cfg.String("sandbox.url", "http://127.0.0.1:18190", "Base URL of the payment sandbox's API");
  s.sandbox.secret_key = cfg.Secret("sandbox.secret_key", "sk_test_sandbox_dev_only", "The sandbox API's secret key");
  s.sandbox.webhook_secret = cfg.Secret("sandbox.webhook_secret", "whsec_sandbox_dev_only", "The sandbox's webhook signing secret");
  // Plain HTTP only (store::http::Client): the default is stripe-mock's address; production sets the
  // egress proxy that originates TLS to https://api.stripe.com (adapters/stripe_provider.hpp).
  s.stripe.url = cfg.String("stripe.url", "http://127.0.0.1:12111",
                            "Base URL of Stripe's API, plain HTTP: stripe-mock, or the egress proxy that speaks TLS to api.stripe.com");
  s.stripe.secret_key = cfg.Secret("stripe.secret_key", "sk_test_stripe_mock_dev_only", "Stripe's secret API key (sk_...)");
  s.stripe.webhook_secret = cfg.Secret("stripe.webhook_secret", "whsec_stripe_dev_only", "The Stripe webhook endpoint's signing secret (whsec_...)");
  s.stripe.api_version = cfg.String("stripe.api_version", "2026-08-26.dahlia",
                                    "The Stripe-Version sent (the version the adapter's mapping is written for)");
  auto tolerance = std::chrono::duration_cast<std::chrono::seconds>(
      cfg.Duration("webhooks.tolerance", std::chrono::seconds(300), "A webhook signed longer ago than this (or ahead) is refused"));
  http::ClientOptions client;
  client.read_timeout = cfg.Duration("provider.timeout", std::chrono::seconds(10), "How long a provider call may take");
  client.max_retries = 1;
  client.user_agent = "store-payment";
  s.sandbox.webhook_tolerance = s.stripe.webhook_tolerance = tolerance;
  s.sandbox.client = s.stripe.client = client;
  auto capture = cfg.String("payments.capture", "automatic", "automatic: capture at authorisation; manual: capture at shipment",
                            [](const std::string& v) {
                              return ParseCaptureMode(v) ? std::nullopt : std::optional<std::string>("automatic or manual");
                            });
  s.payments.capture = *ParseCaptureMode(capture);
  s.payments.return_base_url = cfg.String("payments.public_url", "",
                                          "This service's URL as browsers reach it, where the provider sends shoppers back "
                                          "(empty: shop.base_url + /api/payment, through the gateway)");
  s.payments.stuck_after = cfg.Duration("reconcile.stuck_after", std::chrono::minutes(5),
                                        "An intent waiting on the provider this long is asked about (a webhook may be lost)");
  s.payments.reconcile_lease = cfg.Duration("reconcile.lease", std::chrono::minutes(1), "How long one instance owns an intent it reconciles");
  s.payments.reconcile_batch = static_cast<int>(cfg.Int("reconcile.batch", 50, "Most intents one reconciliation round looks at", 1, 10000));
  s.reconcile_interval = cfg.Duration("reconcile.interval", std::chrono::seconds(5), "How often the reconciliation round runs");
  s.shop_name = cfg.String("shop.name", "StoreMicroservices", "The shop's name on receipts");
  s.shop_base_url = cfg.String("shop.base_url", "http://127.0.0.1:18080", "The shop's origin (return paths lead there)");
  if (s.payments.return_base_url.empty()) s.payments.return_base_url = s.shop_base_url + "/api/payment";
  s.kafka = messaging::KafkaConfig::Load(cfg, "payment");
  s.topic_prefix = cfg.String("events.topic_prefix", "", "Put before the payment events' topics (tests: topics of their own)");
  s.consumer_enabled = cfg.Bool("consumer.enabled", true, "Consume order.cancelled (void or refund the order's payment)");
  s.consumer_group = cfg.String("consumer.group", "payment-orders", "Kafka consumer group of the order.cancelled consumer");
  s.topic_order_cancelled = cfg.String("consumer.topic_order_cancelled", "order.cancelled.v1", "Topic of order.cancelled events");
  return s;
}

}  // namespace store::payment
