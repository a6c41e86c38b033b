/**
 * Which media node a participant goes to: the endpoint's own choice first,
 * then the nearest unit up its tree that MEDIA_NODE_UNITS maps, in a
 * three-level tree (province → district → commune) and a two-level one
 * (province → commune) alike.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import type { UnitDto } from '../../server/contract/identity.ts';
import { NodePlacement } from '../../server/modules/conference/node-placement.ts';

const unit = (id: string, parentId: string | null, level: UnitDto['level'], code: string | null): UnitDto => ({ id, parentId, level, name: id, code, active: true });
const tree = new Map<string, UnitDto>(
  [
    unit('hb', null, 'province', 'HB'),
    unit('cao-phong', 'hb', 'district', 'HB-CP'),
    unit('xa-bac-phong', 'cao-phong', 'commune', null),
    unit('da-bac', 'hb', 'district', 'HB-DB'),
    unit('xa-tu-ly', 'da-bac', 'commune', null),
    // two-level: a commune straight under the province, mapped by its own code
    unit('xa-pa-co', 'hb', 'commune', 'HB-PC'),
    unit('xa-khac', 'hb', 'commune', null),
  ].map((u) => [u.id, u]),
);
const units = { byIds: async (ids: readonly string[]) => new Map(ids.flatMap((id) => (tree.has(id) ? [[id, tree.get(id)!] as const] : []))) };

const placement = new NodePlacement(
  loadConfig({ MEDIA_NODES: 'tinh=10.0.0.2:7100,vung-1=10.0.0.3:7100,vung-2=10.0.0.4:7100', MEDIA_NODE_SECRET: 'a secret of at least twenty-four characters', MEDIA_NODE_UNITS: 'vung-1=HB-CP,HB-DB;vung-2=HB-PC;tinh=HB' }, '/srv').media.nodes,
  units,
);

describe('placement on media nodes', () => {
  it.each([
    ['a commune under a mapped district', 'xa-bac-phong', 'vung-1'],
    ['a commune under another mapped district', 'xa-tu-ly', 'vung-1'],
    ['a commune mapped by its own code (two-level)', 'xa-pa-co', 'vung-2'],
    ['an unmapped commune under the province', 'xa-khac', 'tinh'],
    ['the province itself', 'hb', 'tinh'],
  ])('%s goes to its node', async (_what, unitId, node) => {
    expect(await placement.nodeFor({ unitId, mediaNode: null })).toBe(node);
  });

  it('follows the endpoint’s own node first, and ignores a node the app does not know', async () => {
    expect(await placement.nodeFor({ unitId: 'xa-bac-phong', mediaNode: 'vung-2' })).toBe('vung-2');
    expect(await placement.nodeFor({ unitId: 'xa-bac-phong', mediaNode: 'vung-removed' })).toBe('vung-1');
  });

  it('leaves a unit it cannot find to the default node', async () => {
    expect(await placement.nodeFor({ unitId: 'gone', mediaNode: null })).toBeUndefined();
  });
});
