// Debian's Chromium, headless, as this machine needs it: the flags stop it from reaching for
// Google's servers (the network is closed) and from needing a sandbox or a GPU.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
