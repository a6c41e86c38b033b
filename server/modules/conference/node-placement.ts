/**
 * Which media node a participant's media goes through: the endpoint's own
 * node when the secretariat set one, else the node its unit or the nearest
 * unit above it is mapped to (MEDIA_NODE_UNITS, by unit code or id: a
 * district's or region's communes on their regional node, in two-level and
 * three-level structures alike), else none (media/ then uses the default
 * node). A node that is down is media/'s business: it falls back by itself.
 */
import type { MediaNodesSettings } from '../../config.ts';
import type { ConferenceIdentity } from './conference-access.ts';
import type { UnitService } from './deps.ts';

/** the unit tree is at most province → district → commune; a little slack for offices */
const MAX_DEPTH = 8;

export class NodePlacement {
  readonly #nodes: MediaNodesSettings;
  readonly #units: Pick<UnitService, 'byIds'>;

  constructor(nodes: MediaNodesSettings, units: Pick<UnitService, 'byIds'>) {
    this.#nodes = nodes;
    this.#units = units;
  }

  async nodeFor(identity: Pick<ConferenceIdentity, 'unitId' | 'mediaNode'>): Promise<string | undefined> {
    const known = new Set([this.#nodes.localName, ...this.#nodes.list.map((node) => node.name)]);
    if (identity.mediaNode !== null && known.has(identity.mediaNode)) return identity.mediaNode;
    if (this.#nodes.units.size === 0) return undefined;
    let unitId: string | null = identity.unitId;
    for (let depth = 0; unitId !== null && depth < MAX_DEPTH; depth++) {
      const unit = (await this.#units.byIds([unitId])).get(unitId);
      if (!unit) return undefined;
      const node = this.#nodes.units.get(unit.id) ?? (unit.code === null ? undefined : this.#nodes.units.get(unit.code));
      if (node !== undefined) return node;
      unitId = unit.parentId;
    }
    return undefined;
  }
}
