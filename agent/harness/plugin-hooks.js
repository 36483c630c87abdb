// Module hooks for plug-in files anywhere: `autonomy` and `@tensorflow/tfjs` resolve to the running installation; ES syntax is allowed outside a package.
// Plain JavaScript: Node loads module hooks on their own thread, before any TypeScript loader is in place.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** @type {{ autonomy: string, root: string }} the public entry's URL and the installation's root URL (ending in /) */
let installation;

/** @param {{ autonomy: string, root: string }} data */
export function initialize(data) {
  installation = data;
}

/** Packages a plug-in always shares with the running installation, so tensors are the same objects on both sides. */
const SHARED = /^@tensorflow\//;

/** A bare package name (not a path, not a URL, not a node: builtin). */
const BARE = /^(?![./]|[a-z]+:)/i;

/** A line starting with import or export: JavaScript written as an ES module. */
const ES_SYNTAX = /^\s*(import|export)\b/m;

/** @type {Map<string, string | null>} folder → the "type" of its nearest package.json (null: none, or it has no "type") */
const packageTypes = new Map();

/** @param {string} dir @returns {string | null} */
function packageType(dir) {
  if (packageTypes.has(dir)) return packageTypes.get(dir) ?? null;
  let type = null;
  const manifest = path.join(dir, 'package.json');
  if (fs.existsSync(manifest)) {
    try {
      type = JSON.parse(fs.readFileSync(manifest, 'utf8')).type ?? null;
    } catch {
      type = null;
    }
  } else if (path.dirname(dir) !== dir) {
    type = packageType(path.dirname(dir));
  }
  packageTypes.set(dir, type);
  return type;
}

/**
 * @param {string} specifier
 * @param {{ parentURL?: string, conditions: string[] }} context
 * @param {(specifier: string, context?: object) => Promise<{ url: string, format?: string | null }>} next
 */
export async function resolve(specifier, context, next) {
  if (specifier === 'autonomy') return { url: installation.autonomy, format: 'module', shortCircuit: true };
  if (SHARED.test(specifier)) return next(specifier, { ...context, parentURL: installation.root });
  let resolved;
  try {
    resolved = await next(specifier, context);
  } catch (e) {
    // A package the plug-in's folder lacks (it may have no node_modules) comes from the installation's, when it has it.
    if (!BARE.test(specifier) || !context.parentURL || context.parentURL.startsWith(installation.root)) throw e;
    try {
      return await next(specifier, { ...context, parentURL: installation.root });
    } catch {
      throw e;
    }
  }
  // A plug-in outside this installation is a module (so its imports pass through here) when its package.json does not say
  // "commonjs": always if TypeScript, if it uses import/export syntax if JavaScript.
  const { url } = resolved;
  if (url.startsWith('file:') && !url.startsWith(installation.root) && !url.includes('/node_modules/') && /\.(ts|js)$/.test(url)) {
    const file = fileURLToPath(url);
    const type = packageType(path.dirname(file));
    if (type !== 'commonjs' && (url.endsWith('.ts') || (type === null && ES_SYNTAX.test(fs.readFileSync(file, 'utf8'))))) return { ...resolved, format: 'module' };
  }
  return resolved;
}
