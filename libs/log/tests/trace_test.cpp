#include "store/log/trace.hpp"

#include <gtest/gtest.h>

namespace store::log {
namespace {

constexpr const char* kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(Traceparent, ParsesAValidHeader) {
  auto t = ParseTraceparent(kValid);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t->span_id, "00f067aa0ba902b7");
  EXPECT_EQ(t->flags, "01");
}

TEST(Traceparent, RejectsMalformedHeaders) {
  EXPECT_FALSE(ParseTraceparent(""));
  EXPECT_FALSE(ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"));
  EXPECT_FALSE(ParseTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
  EXPECT_FALSE(ParseTraceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"));
}

TEST(Traceparent, ContinuingKeepsTheTraceIdWithANewSpan) {
  auto t = TraceContext::Continue(kValid);
  EXPECT_EQ(t.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t.parent_span_id, "00f067aa0ba902b7");
  EXPECT_EQ(t.span_id.size(), 16u);
  EXPECT_NE(t.span_id, "00f067aa0ba902b7");
  EXPECT_EQ(t.Header(), "00-4bf92f3577b34da6a3ce929d0e0e4736-" + t.span_id + "-01");
}

TEST(Traceparent, StartsANewTraceForAnInvalidHeader) {
  auto t = TraceContext::Continue("garbage");
  EXPECT_EQ(t.trace_id.size(), 32u);
  EXPECT_EQ(t.span_id.size(), 16u);
  EXPECT_TRUE(t.parent_span_id.empty());
  EXPECT_TRUE(ParseTraceparent(t.Header()));
}

TEST(Traceparent, AChildSpanKeepsTheTraceAndNamesItsParent) {
  auto root = TraceContext::NewTrace();
  auto child = root.Child();
  EXPECT_EQ(child.trace_id, root.trace_id);
  EXPECT_NE(child.span_id, root.span_id);
  EXPECT_EQ(child.parent_span_id, root.span_id);
  auto back = ParseTraceparent(child.Header());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->span_id, child.span_id);
  EXPECT_EQ(child.ToLogContext().trace_id, root.trace_id);
}

}  // namespace
}  // namespace store::log
