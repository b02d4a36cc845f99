// Zod, as every module of the contract uses it. In a browser, without its JIT: building an object
// schema probes \`new Function\` to see whether it may compile a fast parser, and the web app's pages
// run under a Content-Security-Policy without 'unsafe-eval' (frontend/src/proxy.ts), which reports
// that probe as a violation. Parsing is the same, a little slower; the server keeps the JIT.
import { z } from "zod";

if ("window" in globalThis) z.config({ jitless: true });

export { z };
