// Cost plug-in files load by path and are refused clearly when missing or without a default export.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCostFiles } from '../../../agent/harness/costs.ts';

describe('loadCostFiles', () => {
  it('loads the example plug-in', async () => {
    const [cost] = await loadCostFiles(['docs/examples/keep-left.ts']);
    expect(cost!.name).toBe('keep-left');
  });

  it('refuses a missing file and a file without a default export', async () => {
    await expect(loadCostFiles(['missing.ts'])).rejects.toThrow(/cost file 'missing.ts' does not exist/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'autonomy-cost-')), 'none.ts');
    fs.writeFileSync(file, 'export const x = 1;\n');
    await expect(loadCostFiles([file])).rejects.toThrow(/has no default export; write `export default defineIntrinsicCost/);
  });
});
