// Component tests against the real Mongo-wire engine from `./store up` (FerretDB), each in its
// own database.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <future>
#include <vector>

#include "store/docstore/docstore.hpp"
#include "store/testing/async.hpp"
#include "store/testing/docstore.hpp"

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using store::core::Errc;
using store::docstore::DocStore;
using store::docstore::Document;

using store::testing::RunAwaitable;

TEST(DocStore, ShowsAnUpdateInTheNextFind) {
  store::testing::TempDocDatabase tmp;
  DocStore store(tmp.options());
  auto carts = store.collection("carts");

  auto id = RunAwaitable(carts.InsertOne(
      {{"_id", "cart-1"}, {"owner", "u1"}, {"version", 1}, {"items", json::array{{{"sku", "A"}, {"qty", 2}}}}}));
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(*id, json::value("cart-1"));
  ASSERT_TRUE(RunAwaitable(carts.InsertOne({{"_id", "cart-2"}, {"owner", "u2"}, {"version", 1}})));

  auto found = RunAwaitable(carts.Find({{"owner", "u1"}}));
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].at("items").as_array()[0].at("qty"), json::value(2));

  auto updated = RunAwaitable(carts.UpdateOne(
      {{"_id", "cart-1"}, {"version", 1}},
      {{"$set", {{"items", json::array{{{"sku", "B"}, {"qty", 5}}}}}}, {"$inc", {{"version", 1}}}}));
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->matched, 1);
  EXPECT_EQ(updated->modified, 1);

  // The same version check a second time matches nothing: optimistic concurrency works.
  auto stale = RunAwaitable(carts.UpdateOne({{"_id", "cart-1"}, {"version", 1}},
                                            {{"$set", {{"items", json::array{}}}}}));
  ASSERT_TRUE(stale) << stale.error().message;
  EXPECT_EQ(stale->matched, 0);

  auto again = RunAwaitable(carts.FindOne({{"_id", "cart-1"}}));
  ASSERT_TRUE(again) << again.error().message;
  ASSERT_TRUE(*again);
  EXPECT_EQ((**again).at("version"), json::value(2));
  EXPECT_EQ((**again).at("items").as_array()[0].at("sku"), json::value("B"));
}

// The local engine is FerretDB (./store up); IsFerretDb is how callers learn its limits.
TEST(DocStore, TellsFerretDbFromMongoDb) {
  store::testing::TempDocDatabase tmp;
  DocStore store(tmp.options());
  auto ferret = RunAwaitable(store.IsFerretDb());
  ASSERT_TRUE(ferret) << ferret.error().message;
  EXPECT_TRUE(*ferret);
}

// FerretDB 1.x runs an update as a query, then a write by _id: two increments of one document
// at once can both read the old value. With docstore.writers = 1 this process's writes go one at
// a time (its own single-writer queue), so every one of many concurrent increments counts.
TEST(DocStore, OneWriterAtATimeLosesNoConcurrentIncrement) {
  store::testing::TempDocDatabase tmp;
  auto options = tmp.options();
  options.writers = 1;
  DocStore store(options);
  auto counters = store.collection("counters");
  ASSERT_TRUE(RunAwaitable(counters.InsertOne({{"_id", "c"}, {"n", 0}})));

  constexpr int kWrites = 24;
  asio::io_context ioc;
  std::vector<std::future<store::core::Result<store::docstore::UpdateResult>>> done;
  for (int i = 0; i < kWrites; ++i)
    done.push_back(asio::co_spawn(ioc, counters.UpdateOne({{"_id", "c"}}, {{"$inc", {{"n", 1}}}}), asio::use_future));
  ioc.run();
  for (auto& d : done) {
    auto r = d.get();
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->matched, 1);
  }
  auto found = RunAwaitable(counters.FindOne({{"_id", "c"}}));
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((**found).at("n"), json::value(kWrites));
}

TEST(DocStore, FindOneOfAMissingIdIsEmpty) {
  store::testing::TempDocDatabase tmp;
  DocStore store(tmp.options());
  auto carts = store.collection("carts");
  auto r = RunAwaitable(carts.FindOne({{"_id", "nope"}}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(*r);
}

// An index is made once: asking again for the same one changes nothing, another index under the
// same name is refused (so the first exists).
TEST(DocStore, CreatesAnIndexOnceAndRefusesAnotherUnderItsName) {
  store::testing::TempDocDatabase tmp;
  DocStore store(tmp.options());
  auto carts = store.collection("carts");
  ASSERT_TRUE(RunAwaitable(carts.InsertOne({{"_id", "a"}, {"kind", "guest"}})));
  auto made = RunAwaitable(carts.CreateIndex({{"kind", 1}, {"expires_at", 1}}, "guest_expiry"));
  ASSERT_TRUE(made) << made.error().message;
  auto again = RunAwaitable(carts.CreateIndex({{"kind", 1}, {"expires_at", 1}}, "guest_expiry"));
  EXPECT_TRUE(again) << again.error().message;
  auto other = RunAwaitable(carts.CreateIndex({{"pending", 1}}, "guest_expiry"));
  EXPECT_FALSE(other);
  auto found = RunAwaitable(carts.FindOne({{"_id", "a"}}));
  ASSERT_TRUE(found && *found);
}

TEST(DocStore, InsertWithoutAnIdGetsAnObjectIdThatFindsTheDocument) {
  store::testing::TempDocDatabase tmp;
  DocStore store(tmp.options());
  auto c = store.collection("things");
  auto id = RunAwaitable(c.InsertOne({{"n", 1.5}}));
  ASSERT_TRUE(id) << id.error().message;
  ASSERT_TRUE(id->is_object());
  EXPECT_EQ(id->as_object().at("$oid").as_string().size(), 24u);
  auto doc = RunAwaitable(c.FindOne({{"_id", *id}}));
  ASSERT_TRUE(doc && *doc) << (doc ? "not found" : doc.error().message);
  EXPECT_EQ((**doc).at("n"), json::value(1.5));
}

TEST(DocStore, DuplicateIdIsAConflict) {
  store::testing::TempDocDatabase tmp;
  DocStore store(tmp.options());
  auto c = store.collection("carts");
  ASSERT_TRUE(RunAwaitable(c.InsertOne({{"_id", "same"}})));
  auto dup = RunAwaitable(c.InsertOne({{"_id", "same"}}));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::conflict);
}

TEST(DocStore, UpsertInsertsWhenNothingMatchesThenUpdates) {
  store::testing::TempDocDatabase tmp;
  DocStore store(tmp.options());
  auto c = store.collection("carts");
  auto first = RunAwaitable(c.UpdateOne({{"_id", "u"}}, {{"$inc", {{"n", 1}}}}, true));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->matched, 0);
  ASSERT_TRUE(first->upserted_id);
  EXPECT_EQ(*first->upserted_id, json::value("u"));
  auto second = RunAwaitable(c.UpdateOne({{"_id", "u"}}, {{"$inc", {{"n", 1}}}}, true));
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->matched, 1);
  EXPECT_FALSE(second->upserted_id);
  EXPECT_EQ((*RunAwaitable(c.FindOne({{"_id", "u"}})))->at("n"), json::value(2));
}

TEST(DocStore, FindSortsLimitsAndProjects) {
  store::testing::TempDocDatabase tmp;
  DocStore store(tmp.options());
  auto c = store.collection("things");
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(RunAwaitable(c.InsertOne({{"_id", i}, {"rank", i * 10}, {"secret", "s"}})));
  store::docstore::FindOptions options;
  options.sort = Document{{"rank", -1}};
  options.limit = 2;
  options.projection = Document{{"rank", 1}};
  auto docs = RunAwaitable(c.Find({}, options));
  ASSERT_TRUE(docs) << docs.error().message;
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0].at("rank"), json::value(40));
  EXPECT_EQ((*docs)[1].at("rank"), json::value(30));
  EXPECT_FALSE((*docs)[0].contains("secret"));
}

TEST(DocStore, ReplaceAndDeleteOneDocument) {
  store::testing::TempDocDatabase tmp;
  DocStore store(tmp.options());
  auto c = store.collection("carts");
  ASSERT_TRUE(RunAwaitable(c.InsertOne({{"_id", "r"}, {"a", 1}})));
  auto replaced = RunAwaitable(c.ReplaceOne({{"_id", "r"}}, {{"b", 2}}));
  ASSERT_TRUE(replaced) << replaced.error().message;
  EXPECT_EQ(replaced->matched, 1);
  auto doc = *RunAwaitable(c.FindOne({{"_id", "r"}}));
  ASSERT_TRUE(doc);
  EXPECT_FALSE(doc->contains("a"));
  EXPECT_EQ(doc->at("b"), json::value(2));
  EXPECT_EQ(RunAwaitable(c.DeleteOne({{"_id", "r"}})), 1);
  EXPECT_EQ(RunAwaitable(c.DeleteOne({{"_id", "r"}})), 0);
  EXPECT_FALSE(*RunAwaitable(c.FindOne({{"_id", "r"}})));
}

}  // namespace
