/**
 * The report as data: sections of tables, figures, galleries and text. The HTML and the Markdown
 * renderers both read this one document, so the two always carry the same content.
 * All text is plain text; renderers escape it.
 */
export interface ParagraphBlock {
  kind: 'paragraph';
  text: string;
}

export interface ListBlock {
  kind: 'list';
  items: string[];
}

export interface TableBlock {
  kind: 'table';
  caption: string;
  columns: string[];
  rows: string[][];
  /** Per column; numbers read best right-aligned. Default: first column left, the others right. */
  align?: Array<'left' | 'right'>;
  /** Shown under the table (definitions, how a figure was measured). */
  notes?: string[];
}

export interface FigureBlock {
  kind: 'figure';
  /** File stem for the Markdown report's figure files (kebab-case, unique in the report). */
  name: string;
  caption: string;
  /** A standalone SVG document (vega's output). */
  svg: string;
}

export interface GalleryItem {
  /** File stem, unique in the report. */
  name: string;
  png: Buffer;
  caption: string;
  /** Whether the case was classified right; shown as text and as a coloured frame. */
  tone: 'right' | 'wrong';
  /** The word shown for the tone. @defaultValue 'correct' / 'wrong' */
  verdict?: string;
}

export interface GalleryBlock {
  kind: 'gallery';
  caption: string;
  items: GalleryItem[];
}

export type Block = ParagraphBlock | ListBlock | TableBlock | FigureBlock | GalleryBlock;

export interface Section {
  /** Anchor id (kebab-case). */
  id: string;
  title: string;
  blocks: Block[];
}

export interface ReportDocument {
  title: string;
  /** Key facts under the title (data set, protocol, date). */
  facts: Array<[string, string]>;
  sections: Section[];
  /** Closing note (disclaimer). */
  footer?: string;
}
