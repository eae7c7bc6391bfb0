import { useEffect } from "preact/hooks";
import { useTitle } from "@shared/useApi";

export function NotFound() {
  useTitle("Page not found");
  // The page's status is 200 (one index.html for every path): this keeps it out of search engines'
  // indexes (a "soft 404" otherwise). Gone again when the shopper moves on.
  useEffect(() => {
    const robots = document.createElement("meta");
    robots.name = "robots";
    robots.content = "noindex";
    document.head.append(robots);
    return () => robots.remove();
  }, []);
  return (
    <div class="wrap narrow">
      <h1>We could not find that page</h1>
      <p>
        The link may be old, or the product is no longer sold. Try <a href="/search">searching the shop</a> or go back to
        the <a href="/">home page</a>.
      </p>
    </div>
  );
}
