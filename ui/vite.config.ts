import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The app is served by Tauri from the built files (`tauri.conf.json` `frontendDist`); the dev
// server is only for `cargo run -p triplane-app --no-default-features`.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: "es2022",
    // Everything is bundled as files: the CSP forbids inline scripts and remote content.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
