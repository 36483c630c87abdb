// Serves the built page from one folder and nothing outside it: traversal, encoded dots and NUL bytes get 404.
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

/**
 * Maps a request path to a file inside `root`, or null when it names nothing there.
 * The path is decoded once, and the result must resolve (symlinks included) to a regular file under `root`.
 */
export function resolveAsset(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return null;
  if (decoded.split('/').includes('..')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.slice(1);
  const realRoot = fs.realpathSync(root);
  let file: string;
  try {
    file = fs.realpathSync(path.join(realRoot, relative));
  } catch {
    return null;
  }
  if (!file.startsWith(realRoot + path.sep)) return null;
  return fs.statSync(file).isFile() ? file : null;
}

/** Answers GET and HEAD for files under `root`; anything else is 404 or 405 with a short text body. */
export function serveStatic(root: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD' }).end('only GET and HEAD are served\n');
    return;
  }
  const file = resolveAsset(root, req.url ?? '/');
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
  if (req.method === 'HEAD') res.end();
  else fs.createReadStream(file).pipe(res);
}
