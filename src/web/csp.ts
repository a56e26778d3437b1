import { CSP } from '../report/html.js';

/**
 * The page's Content-Security-Policy: the HTML report's (nothing from the network, inline
 * styles and data: images only), plus exactly the page's own script and stylesheet from its
 * own origin. No 'unsafe-eval' (ajv's validators are compiled at build time, see
 * src/web/platform/ajv.ts), no connect-src: the page never fetches anything. `hetbench serve`
 * sends it as a header, the built index.html carries it as a meta tag too.
 */
export const WEB_CSP = `${CSP}; script-src 'self'; style-src-elem 'self' 'unsafe-inline'`;
