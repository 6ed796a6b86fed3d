import { secureHeaders } from 'hono/secure-headers';
import { factory } from './factory';

/**
 * Hono's secure headers plus a Content-Security-Policy: scripts and stylesheets only from our own
 * origin (htmx and public/static/app.js; no inline script or `on*=` handler runs), images also as
 * `data:` (the TOTP QR code), no plugins, no framing. Inline `style="..."` attributes are allowed
 * (`style-src-attr`), `<style>` elements are not: htmx's injected indicator style is switched off
 * in the layout's htmx-config and lives in app.css. `form-action` is left open on purpose: support
 * access posts on one host and is redirected to another (panel -> shop -> panel).
 */
const headers = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    styleSrcAttr: ["'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    frameAncestors: ["'none'"],
  },
});

/**
 * The security headers of every response, and `Cache-Control: no-store` on everything answered to
 * a signed-in user (shop or panel) that has not chosen its own private caching, so a shared or
 * back-button cache never keeps a page of a session.
 */
export const securityHeaders = factory.createMiddleware(async (c, next) => {
  await headers(c, next);
  const signedIn = Boolean(c.get('session') || c.get('admin'));
  const cacheControl = c.res.headers.get('Cache-Control') ?? '';
  if (signedIn && !/no-store|private/.test(cacheControl)) c.res.headers.set('Cache-Control', 'no-store');
});
