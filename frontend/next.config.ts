import type { NextConfig } from "next";
import { env } from "./src/env";

const config: NextConfig = {
  // The browser tests build into their own directory, so they never disturb a running `npm start`.
  distDir: env.NEXT_DIST_DIR,
  poweredByHeader: false,
  // The API's contract is a workspace package of TypeScript sources (contract/), compiled here.
  transpilePackages: ["@todo/contract"],
  // `npm run dev` opened at 127.0.0.1 or [::1] rather than localhost must load its scripts too.
  allowedDevOrigins: ["127.0.0.1", "[::1]"],
  reactStrictMode: true,
  // Pages get their Content-Security-Policy (with a per-request nonce) from src/proxy.ts; these
  // headers cover every response, static files included.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "no-referrer" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default config;
