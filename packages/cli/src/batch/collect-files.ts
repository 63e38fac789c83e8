/**
 * Expands the `predict` arguments (files and folders) into a sorted list of image files. Folders are
 * walked recursively; inside them only image-like names are taken (raster and DICOM extensions,
 * and extension-less files, which is how DICOM archives often store images); hidden files and
 * folders are skipped. A file named explicitly is always taken, whatever its name.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { AffnetError } from '@affnet/core';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.dcm', '.dicom'] as const;

function imageLike(name: string): boolean {
  const ext = extname(name).toLowerCase();
  return ext === '' || (IMAGE_EXTENSIONS as readonly string[]).includes(ext);
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    // Links to files count as files (folders assembled from links); links to folders are not followed (no cycles).
    else if ((entry.isFile() || (entry.isSymbolicLink() && statSync(p, { throwIfNoEntry: false })?.isFile())) && imageLike(entry.name)) out.push(p);
  }
}

export function collectFiles(inputs: string[], exclude: string[] = []): string[] {
  const skip = new Set(exclude.map((e) => resolve(e)));
  const files: string[] = [];
  for (const input of inputs) {
    let st;
    try {
      st = statSync(input);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new AffnetError('E_FILE_NOT_FOUND', 'no such file or folder', { file: input, cause: e });
      throw new AffnetError('E_IO', `cannot read (${(e as Error).message})`, { file: input, cause: e });
    }
    if (st.isDirectory()) {
      const found: string[] = [];
      walk(input, found);
      files.push(...found.sort());
    } else files.push(input);
  }
  return [...new Set(files)].filter((f) => !skip.has(resolve(f)));
}
