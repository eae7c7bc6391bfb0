export function Footer() {
  return (
    <footer class="site-footer">
      <div class="wrap footer-grid">
        <section>
          <h2>Store</h2>
          <p>Fast, honest electronics and outdoor gear. Prices include VAT.</p>
        </section>
        <nav aria-label="Shop">
          <h2>Shop</h2>
          <ul>
            <li><a href="/search?sort=newest">New in</a></li>
            <li><a href="/c/electronics">Electronics</a></li>
            <li><a href="/cart">Your cart</a></li>
          </ul>
        </nav>
        <nav aria-label="Account">
          <h2>Account</h2>
          <ul>
            <li><a href="/account">Your account</a></li>
            <li><a href="/register">Create an account</a></li>
            <li><a href="/forgot-password">Forgot your password?</a></li>
          </ul>
        </nav>
      </div>
    </footer>
  );
}
