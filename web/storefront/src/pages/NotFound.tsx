import { useTitle } from "../useApi";

export function NotFound() {
  useTitle("Page not found");
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
