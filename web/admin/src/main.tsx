import { render } from "preact";
import { ErrorBoundary, LocationProvider, Route, Router, lazy } from "preact-iso";
import { resume } from "@shared/session";
import { Shell } from "./Shell";
import { LoginPage } from "./pages/Login";
import "@shared/base.css";
import "./admin.css";

// Every screen but the sign-in is its own chunk, loaded when first visited.
const Customers = lazy(() => import("./pages/Customers").then((m) => m.CustomersPage));
const Categories = lazy(() => import("./pages/Categories").then((m) => m.CategoriesPage));
const Customer = lazy(() => import("./pages/Customer").then((m) => m.CustomerPage));
const Products = lazy(() => import("./pages/Products").then((m) => m.ProductsPage));
const NewProduct = lazy(() => import("./pages/NewProduct").then((m) => m.NewProductPage));
const Product = lazy(() => import("./pages/Product").then((m) => m.ProductPage));
const ProductTypes = lazy(() => import("./pages/ProductTypes").then((m) => m.ProductTypesPage));
const SearchQuality = lazy(() => import("./pages/SearchQuality").then((m) => m.SearchQualityPage));
const Stock = lazy(() => import("./pages/Stock").then((m) => m.StockPage));
const Notifications = lazy(() => import("./pages/Notifications").then((m) => m.NotificationsPage));
const Delivery = lazy(() => import("./pages/Notifications").then((m) => m.DeliveryPage));
const Security = lazy(() => import("./pages/Security").then((m) => m.SecurityPage));
const NotFound = lazy(() => import("./pages/NotFound").then((m) => m.NotFound));

export function App() {
  return (
    // The app lives under /admin/; anything else (the storefront, the APIs) is a full page load.
    <LocationProvider scope="/admin/">
      <ErrorBoundary>
        <Router>
          <Route path="/admin/login" component={LoginPage} />
          <Route path="/admin/" component={() => <Shell><Customers /></Shell>} />
          <Route path="/admin/customers" component={() => <Shell><Customers /></Shell>} />
          <Route path="/admin/product-types" component={() => <Shell><ProductTypes /></Shell>} />
          <Route path="/admin/search" component={() => <Shell><SearchQuality /></Shell>} />
          <Route path="/admin/stock" component={() => <Shell><Stock /></Shell>} />
          <Route path="/admin/categories" component={() => <Shell><Categories /></Shell>} />
          <Route path="/admin/products" component={() => <Shell><Products /></Shell>} />
          <Route path="/admin/products/new" component={() => <Shell><NewProduct /></Shell>} />
          <Route path="/admin/products/:id" component={({ id }: { id: string }) => <Shell><Product id={id} /></Shell>} />
          <Route path="/admin/customers/:id" component={({ id }: { id: string }) => <Shell><Customer id={id} /></Shell>} />
          <Route path="/admin/notifications" component={() => <Shell><Notifications /></Shell>} />
          <Route path="/admin/notifications/:id" component={({ id }: { id: string }) => <Shell><Delivery id={id} /></Shell>} />
          <Route path="/admin/security" component={() => <Shell><Security /></Shell>} />
          <Route default component={() => <Shell><NotFound /></Shell>} />
        </Router>
      </ErrorBoundary>
    </LocationProvider>
  );
}

render(<App />, document.getElementById("app")!);
// A session from before the reload (the user service's HttpOnly cookie, shared with the storefront
// on the same origin): signed in again without a form.
void resume();
