// Unit tests of the payment rules (no engines): the status machine as the provider's views drive
// it (in order, late, twice, out of order), the ledger entries that explain every amount, the
// refund limit, the webhook signature scheme and the events of a change.
#include <gtest/gtest.h>

#include "adapters/webhook_signature.hpp"
#include "app/payments.hpp"
#include "app/receipts.hpp"

namespace payment = store::payment;
using payment::EntryKind;
using payment::ProviderView;
using payment::Status;
using payment::Sums;
using State = ProviderView::State;

namespace {

ProviderView View(State state, std::int64_t amount = 1000) {
  ProviderView v;
  v.reference = "pi_test";
  v.state = state;
  v.amount = amount;
  if (state == State::requires_capture) v.amount_capturable = amount;
  if (state == State::succeeded) v.amount_received = amount;
  return v;
}

Sums Apply(Sums sums, const payment::Settlement& s) {
  for (const auto& e : s.entries) {
    if (e.kind == EntryKind::authorisation) sums.authorised += e.amount;
    if (e.kind == EntryKind::capture) sums.captured += e.amount;
    if (e.kind == EntryKind::void_) sums.voided += e.amount;
    if (e.kind == EntryKind::refund) sums.refunded += e.amount;
  }
  return sums;
}

// Runs views through Settle like the service does; returns the final status and sums.
std::pair<Status, Sums> Drive(const std::vector<ProviderView>& views, Status status = Status::requires_payment_method) {
  Sums sums;
  for (const auto& v : views) {
    auto s = payment::Settle(status, sums, 0, v);
    sums = Apply(sums, s);
    if (s.status) status = *s.status;
    EXPECT_TRUE(payment::SumsExplain(status, sums, 1000)) << payment::NameOf(status);
  }
  return {status, sums};
}

}  // namespace

TEST(Settle, CardWith3dsMovesThroughActionToCapturedWithAuthorisationAndCaptureEntries) {
  auto [status, sums] = Drive({View(State::requires_payment_method), View(State::requires_action), View(State::succeeded)});
  EXPECT_EQ(status, Status::captured);
  EXPECT_EQ(sums, (Sums{.authorised = 1000, .captured = 1000}));
}

TEST(Settle, ManualCaptureAuthorisesThenAPartialCaptureReleasesTheRest) {
  auto [status, sums] = Drive({View(State::requires_capture)});
  EXPECT_EQ(status, Status::authorised);
  auto partial = View(State::succeeded);
  partial.amount_received = 600;
  std::tie(status, sums) = Drive({View(State::requires_capture), partial});
  EXPECT_EQ(status, Status::captured);
  EXPECT_EQ(sums, (Sums{.authorised = 1000, .captured = 600, .voided = 400}));
}

TEST(Settle, LateAndRepeatedViewsNeverMoveMoneyBackNorCountTwice) {
  // Out of order: succeeded arrives before processing and requires_action; then succeeded again.
  auto [status, sums] = Drive({View(State::succeeded), View(State::processing), View(State::requires_action),
                               View(State::requires_capture), View(State::succeeded)});
  EXPECT_EQ(status, Status::captured);
  EXPECT_EQ(sums, (Sums{.authorised = 1000, .captured = 1000}));
  auto again = payment::Settle(Status::captured, sums, 0, View(State::succeeded));
  EXPECT_FALSE(again.changed());
}

TEST(Settle, ADeclineIsFailedAndTheShopperMayTryAgain) {
  auto declined = View(State::requires_payment_method);
  declined.error_code = "insufficient_funds";
  declined.error_message = "Your card has insufficient funds.";
  auto s = payment::Settle(Status::requires_payment_method, {}, 0, declined);
  ASSERT_TRUE(s.status);
  EXPECT_EQ(*s.status, Status::failed);
  EXPECT_NE(s.reason.find("insufficient_funds"), std::string::npos);
  auto [status, sums] = Drive({declined, View(State::succeeded)});
  EXPECT_EQ(status, Status::captured);
}

TEST(Settle, CancelVoidsWhatIsAuthorisedAndStaysCancelled) {
  auto [status, sums] = Drive({View(State::requires_capture), View(State::canceled), View(State::requires_capture)});
  EXPECT_EQ(status, Status::cancelled);
  EXPECT_EQ(sums, (Sums{.authorised = 1000, .voided = 1000}));
}

TEST(Settle, RefundsMadeAtTheProviderAreRecordedOnceAndThoseInFlightAreNot) {
  auto refunded = View(State::succeeded);
  refunded.amount_refunded = 300;
  Sums captured{.authorised = 1000, .captured = 1000};
  auto s = payment::Settle(Status::captured, captured, 0, refunded);
  ASSERT_EQ(s.entries.size(), 1u);
  EXPECT_EQ(s.entries[0].kind, EntryKind::refund);
  EXPECT_EQ(s.entries[0].amount, 300);
  EXPECT_EQ(*s.status, Status::partially_refunded);
  // The same 300 the shop asked for and is waiting on: nothing recorded twice.
  EXPECT_FALSE(payment::Settle(Status::captured, captured, 300, refunded).changed());
}

TEST(Refunds, NeverMoreThanCapturedMinusRefundedAndPending) {
  Sums sums{.authorised = 1000, .captured = 1000, .refunded = 200};
  EXPECT_TRUE(payment::CheckRefund(Status::partially_refunded, sums, 300, 500));
  EXPECT_FALSE(payment::CheckRefund(Status::partially_refunded, sums, 300, 501));
  EXPECT_FALSE(payment::CheckRefund(Status::partially_refunded, sums, 0, 0));
  EXPECT_FALSE(payment::CheckRefund(Status::authorised, {.authorised = 1000}, 0, 10));
  EXPECT_EQ(payment::CheckRefund(Status::authorised, {.authorised = 1000}, 0, 10).error().code, store::core::Errc::unprocessable);
}

TEST(Cash, AuthorisedAtOnceCapturedAtDelivery) {
  auto s = payment::CashCapture(Status::authorised, {.authorised = 1000}, 1000);
  EXPECT_EQ(*s.status, Status::captured);
  EXPECT_FALSE(payment::CashCapture(Status::captured, {.authorised = 1000, .captured = 1000}, 1000).changed());
}

TEST(Signature, StripesSchemeVerifiesAndRefusesTamperingAgeAndGarbage) {
  auto now = std::chrono::system_clock::now();
  auto t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::string body = R"({"id":"evt_1","type":"payment_intent.succeeded"})";
  auto header = payment::SignatureHeader(body, "whsec", t);
  EXPECT_TRUE(payment::VerifySignature(header, body, "whsec", now, std::chrono::seconds(300)));
  EXPECT_TRUE(payment::VerifySignature("v1=deadbeef," + header, body, "whsec", now, std::chrono::seconds(300)));  // any v1 may match
  EXPECT_FALSE(payment::VerifySignature(header, body + " ", "whsec", now, std::chrono::seconds(300)));
  EXPECT_FALSE(payment::VerifySignature(header, body, "other", now, std::chrono::seconds(300)));
  EXPECT_FALSE(payment::VerifySignature(payment::SignatureHeader(body, "whsec", t - 301), body, "whsec", now, std::chrono::seconds(300)));
  EXPECT_FALSE(payment::VerifySignature(payment::SignatureHeader(body, "whsec", t + 301), body, "whsec", now, std::chrono::seconds(300)));
  for (std::string bad : {"", "t=", "v1=", "t=abc,v1=00", "garbage", "t=1,v1"})
    EXPECT_EQ(payment::VerifySignature(bad, body, "whsec", now, std::chrono::seconds(300)).error().code, store::core::Errc::invalid_argument)
        << bad;
}

TEST(Events, ACaptureFromWaitingAnnouncesAuthorisedAndSucceededWithTheOrderFacts) {
  payment::Intent intent;
  intent.id = "pay-1";
  intent.order_id = "order-1";
  intent.amount = 1000;
  intent.currency = "EUR";
  intent.order_facts = R"({"order_number":"SO-1","email":"a@example.test","lines":[]})";
  auto view = View(State::succeeded);
  view.card_brand = "visa";
  view.card_last4 = "4242";
  auto s = payment::Settle(Status::processing, {}, 0, view);
  auto events = payment::EventsOf(intent, s, view, std::chrono::system_clock::now());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, "payment.authorized.v1");
  EXPECT_EQ(events[1].type, "payment.succeeded.v1");
  EXPECT_EQ(events[1].key, "order-1");
  EXPECT_EQ(events[1].data.at("order_number").as_string(), "SO-1");
  EXPECT_EQ(events[1].data.at("email").as_string(), "a@example.test");
  EXPECT_EQ(events[1].data.at("card_last4").as_string(), "4242");
  EXPECT_EQ(events[1].data.at("amount").at("minor").as_int64(), 1000);
  EXPECT_TRUE(events[1].data.contains("paid_at"));
}

TEST(Receipts, OnlyForCapturedMoneyAndWithTheOrdersLines) {
  payment::Intent intent;
  intent.id = "pay-1";
  intent.order_id = "order-1";
  intent.amount = 2500;
  intent.currency = "EUR";
  intent.method = payment::Method::card;
  intent.card_brand = "visa";
  intent.card_last4 = "4242";
  intent.order_facts = R"({"order_number":"SO-7","lines":[{"name":"Mug","sku":"MUG-1","quantity":2,"unit_price":{"minor":1000,"currency":"EUR"}}],
                           "shipping":{"minor":500,"currency":"EUR"}})";
  EXPECT_EQ(payment::ReceiptOf(intent, "Shop").error().code, store::core::Errc::conflict);
  intent.sums = {.authorised = 2500, .captured = 2500};
  auto r = payment::ReceiptOf(intent, "Shop");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->order_number, "SO-7");
  EXPECT_EQ(r->method, "Visa \u2022\u2022\u2022\u2022 4242");
  ASSERT_EQ(r->lines.size(), 1u);
  EXPECT_EQ(r->lines[0].line_total.minor_units(), 2000);
  EXPECT_EQ(r->shipping->minor_units(), 500);
  EXPECT_EQ(r->total.minor_units(), 2500);
}
