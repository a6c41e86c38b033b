/**
 * The unit tree on the client: building it from the flat list, ordering it,
 * searching it with or without diacritics, and the placement rules (mirror of
 * the server's allowedUnder) for the "parent unit" picker.
 */
import { UNIT_LEVELS, type UnitDto, type UnitLevel } from '$contract/identity.ts';
import { foldVietnamese } from '$contract/text.ts';

export const LEVEL_RANK: Record<UnitLevel, number> = { province: 0, district: 1, commune: 2 };

export type UnitNode = {
  unit: UnitDto;
  depth: number;
  children: UnitNode[];
  /** ids from the root down to the parent */
  ancestors: string[];
};

const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

/** Offices of the same level first, then the units one level down; each group by name. */
export function compareUnits(a: UnitDto, b: UnitDto): number {
  return LEVEL_RANK[a.level] - LEVEL_RANK[b.level] || collator.compare(a.name, b.name);
}

/** Builds the forest. Units whose parent is missing from the list are shown as roots. */
export function buildTree(units: readonly UnitDto[]): UnitNode[] {
  const byParent = new Map<string | null, UnitDto[]>();
  const ids = new Set(units.map((unit) => unit.id));
  for (const unit of units) {
    const key = unit.parentId !== null && ids.has(unit.parentId) ? unit.parentId : null;
    const list = byParent.get(key);
    if (list === undefined) byParent.set(key, [unit]);
    else list.push(unit);
  }
  const seen = new Set<string>();
  const grow = (parent: string | null, depth: number, ancestors: string[]): UnitNode[] =>
    (byParent.get(parent) ?? [])
      .slice()
      .sort(compareUnits)
      .filter((unit) => !seen.has(unit.id) && seen.add(unit.id))
      .map((unit) => ({ unit, depth, ancestors, children: grow(unit.id, depth + 1, [...ancestors, unit.id]) }));
  return grow(null, 0, []);
}

/** Depth-first order, for selects and flat lists. */
export function flatten(nodes: readonly UnitNode[]): UnitNode[] {
  const out: UnitNode[] = [];
  const walk = (list: readonly UnitNode[]) => {
    for (const node of list) {
      out.push(node);
      walk(node.children);
    }
  };
  walk(nodes);
  return out;
}

/** A unit's label in a native <select>: indented by depth with non-breaking spaces. */
export function indentedName(node: UnitNode): string {
  return `${'\u00a0\u00a0\u00a0\u00a0'.repeat(node.depth)}${node.unit.name}`;
}

/** May a unit of `child` level sit under a unit of `parent` level (null: top level)? */
export function allowedUnder(child: UnitLevel, parent: UnitLevel | null): boolean {
  if (parent === null) return child === 'province';
  // Same level (an office under the unit it serves) or any level below: a
  // commune sits under a district (three-level tree) or, since 1 July 2025,
  // directly under its province (two-level tree). Never upwards.
  return LEVEL_RANK[child] >= LEVEL_RANK[parent];
}

/**
 * The level a new unit under `parent` most likely has: districts under a
 * province while the tree has districts (three-level), communes under a
 * province once it has none (two-level, since 1 July 2025).
 */
export function suggestedChildLevel(parent: UnitLevel | null, treeHasDistricts = true): UnitLevel {
  if (parent === null) return 'province';
  if (parent === 'province' && !treeHasDistricts) return 'commune';
  return UNIT_LEVELS[Math.min(LEVEL_RANK[parent] + 1, UNIT_LEVELS.length - 1)] ?? parent;
}

export type SearchResult = {
  /** ids of units whose name or code matches */
  matches: Set<string>;
  /** ids to show: matches and their ancestors */
  visible: Set<string>;
};

export function searchTree(nodes: readonly UnitNode[], query: string): SearchResult | null {
  const needle = foldVietnamese(query);
  if (needle === '') return null;
  const matches = new Set<string>();
  const visible = new Set<string>();
  for (const node of flatten(nodes)) {
    const haystack = foldVietnamese(`${node.unit.name} ${node.unit.code ?? ''}`);
    if (haystack.includes(needle)) {
      matches.add(node.unit.id);
      visible.add(node.unit.id);
      for (const id of node.ancestors) visible.add(id);
    }
  }
  return { matches, visible };
}

export function countByLevel(units: readonly UnitDto[]): Record<UnitLevel, number> {
  const counts: Record<UnitLevel, number> = { province: 0, district: 0, commune: 0 };
  for (const unit of units) counts[unit.level] += 1;
  return counts;
}
