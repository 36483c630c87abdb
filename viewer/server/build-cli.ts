// `npm run build:viewer`: builds viewer/dist now if it is missing or stale (otherwise `autonomy view` does it on first use).
import { ensureViewerBuilt, isViewerBuilt } from './build.ts';

const fresh = isViewerBuilt();
const dist = await ensureViewerBuilt((line) => console.error(line));
console.log(fresh ? `viewer page is up to date: ${dist}` : `viewer page built: ${dist}`);
