import { defineConfig } from "vite";
import preact from "@preact/preset-vite";
import { fileURLToPath } from "node:url";

// The gateway serves the build (dist/) as static files at / and the APIs under /api on the same
// origin. `npm run dev` proxies /api and /media to a running shop (STORE_GATEWAY, default the
// gateway of ./store up), so the live-reloading dev server talks to the real services.
const gateway = process.env.STORE_GATEWAY ?? "http://127.0.0.1:18080";

export default defineConfig({
  plugins: [preact()],
  // Code the storefront and the admin app share (web/shared: API calls, the session, forms).
  resolve: { alias: { "@shared": fileURLToPath(new URL("../shared", import.meta.url)) } },
  build: {
    target: "es2022",
    assetsDir: "assets",
    // One small entry chunk; pages load as their own chunks.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { "/api": gateway, "/media": gateway },
  },
});
