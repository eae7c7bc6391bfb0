import { useCart } from "../cart";
import { useUser } from "@shared/session";
import { SearchBox } from "./SearchBox";

export function Header() {
  const cart = useCart();
  const user = useUser();
  const count = cart?.item_count ?? 0;
  return (
    <header class="site-header">
      <div class="wrap header-row">
        <a class="logo" href="/" aria-label="Store home">
          Store
        </a>
        <SearchBox />
        <nav class="header-links" aria-label="Your store">
          <a href={user ? "/account" : "/login"}>{user ? user.name || "Account" : "Sign in"}</a>
          <a href="/cart" class="cart-link" aria-label={`Cart, ${count} ${count === 1 ? "item" : "items"}`}>
            Cart <span class="badge" data-testid="cart-count">{count}</span>
          </a>
        </nav>
      </div>
    </header>
  );
}
