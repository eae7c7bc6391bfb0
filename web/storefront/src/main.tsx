import { render } from "preact";
import { ErrorBoundary, LocationProvider, Route, Router, lazy } from "preact-iso";
import { Header } from "./components/Header";
import { Footer } from "./components/Footer";
import { Home } from "./pages/Home";
import { resume } from "@shared/session";
import { loadCart } from "./cart";
import "@shared/base.css";
import "./styles.css";

// Every page but the home page is its own chunk, loaded when first visited.
const Search = lazy(() => import("./pages/Search").then((m) => m.SearchPage));
const Category = lazy(() => import("./pages/Search").then((m) => m.CategoryPage));
const Product = lazy(() => import("./pages/Product").then((m) => m.ProductPage));
const CartPage = lazy(() => import("./pages/Cart").then((m) => m.CartPage));
const Login = lazy(() => import("./pages/Account").then((m) => m.LoginPage));
const Register = lazy(() => import("./pages/Account").then((m) => m.RegisterPage));
const VerifyEmail = lazy(() => import("./pages/Account").then((m) => m.VerifyEmailPage));
const ForgotPassword = lazy(() => import("./pages/Account").then((m) => m.ForgotPasswordPage));
const ResetPassword = lazy(() => import("./pages/Account").then((m) => m.ResetPasswordPage));
const AccountPage = lazy(() => import("./pages/Account").then((m) => m.AccountPage));
const Addresses = lazy(() => import("./pages/Addresses").then((m) => m.AddressesPage));
const Security = lazy(() => import("./pages/Security").then((m) => m.SecurityPage));
const Checkout = lazy(() => import("./pages/Checkout").then((m) => m.CheckoutPage));
const Orders = lazy(() => import("./pages/Orders").then((m) => m.OrdersPage));
const OrderPage = lazy(() => import("./pages/Order").then((m) => m.OrderPage));
const CheckoutComplete = lazy(() => import("./pages/Order").then((m) => m.CheckoutComplete));
const NotFound = lazy(() => import("./pages/NotFound").then((m) => m.NotFound));

export function App() {
  return (
    // Links to the APIs (a social sign-in's start) are full page loads, not routes of the app.
    <LocationProvider scope={/^\/(?!api\/)/}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        <ErrorBoundary>
          <Router>
            <Route path="/" component={Home} />
            <Route path="/search" component={Search} />
            <Route path="/c/:slug" component={Category} />
            <Route path="/p/:slug" component={Product} />
            <Route path="/cart" component={CartPage} />
            <Route path="/checkout" component={Checkout} />
            <Route path="/checkout/complete" component={CheckoutComplete} />
            <Route path="/account/orders" component={Orders} />
            <Route path="/account/orders/:id" component={OrderPage} />
            <Route path="/login" component={Login} />
            <Route path="/register" component={Register} />
            <Route path="/verify-email" component={VerifyEmail} />
            <Route path="/forgot-password" component={ForgotPassword} />
            <Route path="/reset-password" component={ResetPassword} />
            <Route path="/account" component={AccountPage} />
            <Route path="/account/addresses" component={Addresses} />
            <Route path="/account/security" component={Security} />
            <Route default component={NotFound} />
          </Router>
        </ErrorBoundary>
      </main>
      <Footer />
    </LocationProvider>
  );
}

// On product and category pages the gateway serves a snapshot of the page inside #app for readers
// without JavaScript; the app renders the live page in its place.
const root = document.getElementById("app")!;
root.replaceChildren();
render(<App />, root);
// A session from before the reload (the HttpOnly cookie): signed in again without a form. The user
// service's readable flag says whether there is one to renew (no request for other visitors).
void resume().then((signedIn) => {
  if (signedIn) void loadCart().catch(() => undefined);
});
