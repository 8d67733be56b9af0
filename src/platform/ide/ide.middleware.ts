import type { NextFunction, Request, Response } from 'express';
import { IDE_ASSETS } from './ide-assets';
import { ASSETS_PATH, idePage, ideScript, ideStyles } from './ide-page';

/** Only this server's own files; GraphiQL sets inline styles and shows data: images. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const OWN_FILES: Record<string, { type: string; body: string }> = {
  'ide.js': { type: 'text/javascript', body: ideScript },
  'ide.css': { type: 'text/css', body: ideStyles },
};

const wantsHtml = (req: Request) => {
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html') && !req.headers['content-type'];
};

/**
 * The GraphQL IDE (GraphiQL) for browsers: `GET /graphql` asking for HTML (a browser opening the
 * URL) gets the page; GraphQL clients (JSON) reach the endpoint as before. Its files are served
 * under /ide/assets/ from the installed packages.
 */
export function graphqlIde() {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === '/graphql' && wantsHtml(req)) {
      res
        .status(200)
        .set({
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': CONTENT_SECURITY_POLICY,
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
          'cache-control': 'no-cache',
        })
        .send(idePage());
      return;
    }
    if (!req.path.startsWith(`${ASSETS_PATH}/`)) return next();
    const name = req.path.slice(ASSETS_PATH.length + 1);
    const own = OWN_FILES[name];
    res.set({ 'x-content-type-options': 'nosniff', 'cache-control': 'public, max-age=3600' });
    if (own) {
      res.status(200).type(own.type).send(own.body);
      return;
    }
    const file = Object.hasOwn(IDE_ASSETS, name) ? IDE_ASSETS[name] : undefined;
    if (!file) return next();
    res.sendFile(file, (error) => error && next(error));
  };
}
