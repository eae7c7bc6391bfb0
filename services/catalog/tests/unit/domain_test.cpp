// Unit tests of the catalog's domain rules (pure functions: no engines, no fakes).
#include <gtest/gtest.h>

#include "domain/inventory.hpp"
#include "domain/product.hpp"

namespace store::catalog {
namespace {

using std::chrono::seconds;

std::set<std::string> FieldsOf(const core::Error& e) {
  std::set<std::string> out;
  for (const auto& f : e.fields) out.insert(f.field);
  return out;
}

TEST(ReservationLines, AreMergedPerSkuInSkuOrder) {
  ReservationRequest req{OrderId("o-1"), {{Sku("B"), 1}, {Sku("A"), 2}, {Sku("B"), 3}}, std::nullopt};
  auto lines = MergeReservationLines(req);
  ASSERT_TRUE(lines) << lines.error().message;
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ(lines->begin()->first, Sku("A"));  // the lock order
  EXPECT_EQ(lines->at(Sku("A")), 2);
  EXPECT_EQ(lines->at(Sku("B")), 4);
}

TEST(ReservationLines, RejectEveryBadFieldAtOnce) {
  ReservationRequest req{OrderId("bad id!"), {{Sku(""), 0}, {Sku("A"), 10001}}, seconds(0)};
  auto lines = MergeReservationLines(req);
  ASSERT_FALSE(lines);
  EXPECT_EQ(lines.error().code, core::Errc::invalid_argument);
  EXPECT_EQ(FieldsOf(lines.error()),
            (std::set<std::string>{"order_id", "lines[0].sku", "lines[0].quantity", "lines[1].quantity", "ttl_seconds"}));
  EXPECT_FALSE(MergeReservationLines({OrderId("o"), {}, std::nullopt}));  // no lines
  std::vector<ReservationLine> many(kMaxReservationLines + 1, {Sku("A"), 1});
  EXPECT_FALSE(MergeReservationLines({OrderId("o"), many, std::nullopt}));
  EXPECT_FALSE(MergeReservationLines({OrderId("o"), {{Sku("A"), 1}}, kMaxReservationTtl + seconds(1)}));
  EXPECT_TRUE(MergeReservationLines({OrderId("o"), {{Sku("A"), 1}}, kMaxReservationTtl}));
}

TEST(OrderIds, AllowLettersDigitsAndFewMarks) {
  EXPECT_TRUE(IsValidOrderId("ord-1_a.b:c"));
  EXPECT_FALSE(IsValidOrderId(""));
  EXPECT_FALSE(IsValidOrderId(std::string(65, 'a')));
  EXPECT_FALSE(IsValidOrderId("a b"));
}

TEST(Availability, IsAllOrNothing) {
  MergedLines lines{{Sku("A"), 2}, {Sku("B"), 2}};
  auto ok = CheckAvailability(lines, {{Sku("A"), StockLevel{5, 3}}, {Sku("B"), StockLevel{2, 0}}});
  EXPECT_TRUE(ok.ok());
  EXPECT_TRUE(ok.shortfalls.empty());
  // A has 2 available, B only 1: the whole order is refused, naming B only.
  auto short_b = CheckAvailability(lines, {{Sku("A"), StockLevel{5, 3}}, {Sku("B"), StockLevel{3, 2}}});
  ASSERT_FALSE(short_b.ok());
  EXPECT_EQ(*short_b.failure, ReservationFailure::insufficient_stock);
  EXPECT_EQ(short_b.shortfalls, (std::vector<Shortfall>{{Sku("B"), 2, 1}}));
}

TEST(Availability, AnUnknownSkuOutweighsAShortOne) {
  MergedLines lines{{Sku("A"), 9}, {Sku("Z"), 1}};
  auto check = CheckAvailability(lines, {{Sku("A"), StockLevel{1, 0}}, {Sku("Z"), std::nullopt}});
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(*check.failure, ReservationFailure::unknown_sku);
  EXPECT_EQ(check.shortfalls, (std::vector<Shortfall>{{Sku("A"), 9, 1}, {Sku("Z"), 1, 0}}));
  EXPECT_EQ(NameOf(*check.failure), "unknown_sku");
  // A SKU missing from the map is unknown as well.
  EXPECT_EQ(*CheckAvailability({{Sku("Q"), 1}}, {}).failure, ReservationFailure::unknown_sku);
}

TEST(Stock, AvailabilityIsOnHandMinusReserved) {
  StockLevel s{10, 4};
  EXPECT_EQ(s.available(), 6);
  EXPECT_TRUE(s.in_stock());
  EXPECT_FALSE((StockLevel{4, 4}).in_stock());
  EXPECT_EQ(AfterReserve(s, 6), (StockLevel{10, 10}));
  EXPECT_EQ(AfterCommit(StockLevel{10, 10}, 6), (StockLevel{4, 4}));
  EXPECT_EQ(AfterRelease(StockLevel{10, 10}, 6), (StockLevel{10, 4}));
  EXPECT_TRUE(IsValidLevel(StockLevel{3, 3}));
  EXPECT_FALSE(IsValidLevel(StockLevel{3, 4}));  // negative available
  EXPECT_FALSE(IsValidLevel(StockLevel{3, -1}));
}

TEST(Stock, AdminNeverGoesBelowTheReservedUnits) {
  StockLevel s{10, 4};
  EXPECT_EQ(*NewOnHand(s, 7, std::nullopt), 7);
  EXPECT_EQ(*NewOnHand(s, std::nullopt, -6), 4);
  auto below = NewOnHand(s, std::nullopt, -7);
  ASSERT_FALSE(below);
  EXPECT_EQ(below.error().code, core::Errc::conflict);
  EXPECT_EQ(FieldsOf(below.error()), std::set<std::string>{"delta"});
  EXPECT_EQ(FieldsOf(NewOnHand(s, 3, std::nullopt).error()), std::set<std::string>{"on_hand"});
  EXPECT_EQ(NewOnHand(s, std::nullopt, kMaxOnHand).error().code, core::Errc::invalid_argument);
  EXPECT_EQ(NewOnHand(s, 1, 1).error().code, core::Errc::invalid_argument);  // exactly one of them
  EXPECT_EQ(NewOnHand(s, std::nullopt, std::nullopt).error().code, core::Errc::invalid_argument);
}

TEST(Settlement, IsOnceAndIdempotent) {
  EXPECT_EQ(DecideSettlement(ReservationStatus::reserved, Settlement::commit), SettleDecision::apply);
  EXPECT_EQ(DecideSettlement(ReservationStatus::reserved, Settlement::release), SettleDecision::apply);
  EXPECT_EQ(DecideSettlement(ReservationStatus::committed, Settlement::commit), SettleDecision::already_done);
  EXPECT_EQ(DecideSettlement(ReservationStatus::released, Settlement::release), SettleDecision::already_done);
  EXPECT_EQ(DecideSettlement(ReservationStatus::committed, Settlement::release), SettleDecision::conflict);
  EXPECT_EQ(DecideSettlement(ReservationStatus::released, Settlement::commit), SettleDecision::conflict);
  for (auto s : {ReservationStatus::reserved, ReservationStatus::committed, ReservationStatus::released})
    EXPECT_EQ(ParseReservationStatus(NameOf(s)), s);
  EXPECT_FALSE(ParseReservationStatus("pending"));
}

TEST(Expiry, UsesTheRequestsTtlElseTheShops) {
  TimePoint now{seconds(1000)};
  EXPECT_EQ(ReservationExpiry(now, std::nullopt, seconds(900)), now + seconds(900));
  EXPECT_EQ(ReservationExpiry(now, seconds(60), seconds(900)), now + seconds(60));
  auto at = now + seconds(60);
  EXPECT_FALSE(IsExpired(at, at));  // due strictly after expires_at
  EXPECT_TRUE(IsExpired(at, at + std::chrono::milliseconds(1)));
}

TEST(InStock, CountsSkusAndFlipsAtZero) {
  EXPECT_EQ(AvailableSkusDelta({1, 0}, {1, 1}), -1);  // sold out
  EXPECT_EQ(AvailableSkusDelta({1, 1}, {1, 0}), 1);   // back in stock
  EXPECT_EQ(AvailableSkusDelta({5, 1}, {5, 2}), 0);
  EXPECT_TRUE(InStockFlipped(1, 0));
  EXPECT_TRUE(InStockFlipped(0, 2));
  EXPECT_FALSE(InStockFlipped(2, 1));
}

TEST(Specs, AreCheckedAgainstTheProductType) {
  std::vector<SpecDef> defs{{"screen", SpecKind::number, true}, {"five_g", SpecKind::boolean, false}, {"os", SpecKind::text, false}};
  std::vector<core::FieldError> errors;
  auto writes = ValidateSpecs(defs, {{"screen", 6.1}, {"five_g", true}, {"os", std::string("Android")}}, true, errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(writes.size(), 3u);
  EXPECT_EQ(*writes[0].number, 6.1);
  EXPECT_EQ(*writes[1].flag, true);
  EXPECT_EQ(*writes[2].text, "Android");

  errors.clear();
  ValidateSpecs(defs, {{"screen", std::string("big")}, {"warp", 1.0}, {"five_g", std::string("yes")}, {"os", OtherValue{}}}, true, errors);
  std::set<std::string> fields;
  for (const auto& e : errors) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"specs.screen", "specs.warp", "specs.five_g", "specs.os"}));

  errors.clear();
  ValidateSpecs(defs, {}, /*creating=*/true, errors);  // a required spec missing on create
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "specs.screen");
  errors.clear();
  EXPECT_TRUE(ValidateSpecs(defs, {}, /*creating=*/false, errors).empty());  // an update may leave it
  EXPECT_TRUE(errors.empty());

  errors.clear();
  auto removal = ValidateSpecs(defs, {{"os", nullptr}, {"screen", nullptr}}, false, errors);
  ASSERT_EQ(errors.size(), 1u);  // a required one cannot be removed
  EXPECT_EQ(errors[0].field, "specs.screen");
  ASSERT_EQ(removal.size(), 1u);
  EXPECT_TRUE(removal[0].remove);

  errors.clear();
  ValidateSpecs(defs, {{"screen", 1e14}, {"os", std::string(501, 'x')}}, false, errors);
  EXPECT_EQ(errors.size(), 2u);
}

TEST(Skus, AreLettersDigitsAndFewMarks) {
  EXPECT_TRUE(IsValidSku("SMA-00017-W32.L_32"));
  EXPECT_FALSE(IsValidSku(""));
  EXPECT_FALSE(IsValidSku("bad sku!"));
  EXPECT_FALSE(IsValidSku(std::string(65, 'A')));
}

TEST(CategoryPaths, AreMaterialisedIdLists) {
  EXPECT_EQ(PathIds("/1/40/177/"), (std::vector<std::int64_t>{1, 40, 177}));
  EXPECT_EQ(ChildPath("/1/40/", 177), "/1/40/177/");
  EXPECT_EQ(ChildPath("/", 3), "/3/");
  EXPECT_TRUE(IsSelfOrDescendant("/1/4/", "/1/4/"));
  EXPECT_TRUE(IsSelfOrDescendant("/1/4/9/", "/1/4/"));
  EXPECT_FALSE(IsSelfOrDescendant("/1/", "/1/4/"));
  EXPECT_FALSE(IsSelfOrDescendant("/1/40/", "/1/4/"));  // a prefix of digits is not a parent
}

// A type's field list may change as far as what its products hold allows.
std::set<std::string> TypeChangeFields(const std::vector<SpecDef>& current, const std::vector<SpecDef>& next, const TypeUsage& usage) {
  std::vector<core::FieldError> errors;
  CheckTypeChange(current, next, usage, errors);
  std::set<std::string> out;
  for (const auto& e : errors) out.insert(e.field);
  return out;
}

TEST(TypeChange, NamesUnitsOrderAndNewOptionalFieldsAlwaysMay) {
  std::vector<SpecDef> current{{"screen", SpecKind::number, true}, {"os", SpecKind::text, false}};
  TypeUsage usage{.products = 3, .values = {{"screen", 3}, {"os", 1}}};
  std::vector<SpecDef> next{{"os", SpecKind::text, false}, {"screen", SpecKind::number, false}, {"weight", SpecKind::number, false}};
  EXPECT_TRUE(TypeChangeFields(current, next, usage).empty());
}

TEST(TypeChange, KeepsWhatProductsHoldAndRequiresOnlyWhatTheyAllHave) {
  std::vector<SpecDef> current{{"screen", SpecKind::number, false}, {"os", SpecKind::text, false}, {"dock", SpecKind::boolean, false}};
  TypeUsage usage{.products = 3, .values = {{"screen", 3}, {"os", 2}}};
  // "dock" has no values: it may go. "os" has values: it may not; nor may "screen" change its kind.
  EXPECT_EQ(TypeChangeFields(current, {{"screen", SpecKind::text, false}}, usage), (std::set<std::string>{"specs", "specs[0].kind"}));
  // Required: "screen" (all 3 have one) may become so; "os" (2 of 3) and a new field may not.
  EXPECT_EQ(TypeChangeFields(current, {{"screen", SpecKind::number, true}, {"os", SpecKind::text, true}, {"ram", SpecKind::number, true}}, usage),
            (std::set<std::string>{"specs[1].required", "specs[2].required"}));
  // A type without products may change anything.
  EXPECT_TRUE(TypeChangeFields(current, {{"screen", SpecKind::text, true}, {"new", SpecKind::number, true}}, TypeUsage{}).empty());
}

}  // namespace
}  // namespace store::catalog
