import { defineConfig } from "vite";
import preact from "@preact/preset-vite";
import { fileURLToPath } from "node:url";

// The gateway serves the build at /admin/ and the APIs under /api on the same origin. `npm run
// dev:admin` proxies /api to a running shop (STORE_GATEWAY, default the gateway of ./store up).
const gateway = process.env.STORE_GATEWAY ?? "http://127.0.0.1:18080";

export default defineConfig({
  base: "/admin/",
  plugins: [preact()],
  // Code the storefront and the admin app share (web/shared: API calls, the session, forms).
  resolve: { alias: { "@shared": fileURLToPath(new URL("../shared", import.meta.url)) } },
  build: { target: "es2022", assetsDir: "assets", modulePreload: { polyfill: false } },
  server: { proxy: { "/api": gateway } },
});
