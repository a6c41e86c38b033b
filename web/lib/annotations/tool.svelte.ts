/** The annotation tool in the reader's hand, shared by the toolbar and every page's layer. */
export type ToolKind = 'none' | 'pen' | 'highlighter' | 'eraser' | 'note' | 'highlight';

export class AnnotationTool {
  kind = $state<ToolKind>('none');
  color = $state('#d32f2f');
  /** stroke width as a fraction of the page width (the contract allows 0.0005..0.05) */
  width = $state(0.003);
}

/** Tools that draw on the page: while one is chosen the layer takes the touches (no scrolling under the pen). */
export function isDrawingTool(kind: ToolKind): boolean {
  return kind !== 'none';
}
