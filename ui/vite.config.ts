import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";

// The app runs with a frozen `Object.prototype` (`freezePrototype` in tauri.conf.json). There,
// assigning `constructor` to a plain object throws ("override mistake": the inherited property
// is read-only), and d3-color, which @xyflow/react loads through d3-zoom, does exactly that at
// load time. Defining the property instead of assigning it gives the same object without the
// throw. FIXME: drop this when d3-color defines the property itself.
function d3ColorUnderFrozenPrototype(): Plugin {
  const assign = "prototype.constructor = constructor;";
  const define =
    'Object.defineProperty(prototype, "constructor", { value: constructor, writable: true, enumerable: true, configurable: true });';
  return {
    name: "triplane-d3-color-frozen-prototype",
    transform(code, id) {
      if (!/[\\/]d3-color[\\/]/.test(id) || !code.includes(assign)) return null;
      return { code: code.replace(assign, define), map: null };
    },
  };
}

// The app is served by Tauri from the built files (`tauri.conf.json` `frontendDist`); the dev
// server is only for `cargo run -p triplane-app --no-default-features`.
export default defineConfig({
  plugins: [react(), d3ColorUnderFrozenPrototype()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: "es2022",
    // Everything is bundled as files: the CSP forbids inline scripts and remote content.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
