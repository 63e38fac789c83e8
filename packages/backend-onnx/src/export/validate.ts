/**
 * Structural checks of a written ModelProto, run on every export: ONNX requires node names and
 * produced tensor names to be unique and nodes to be in topological order (ONNX IR, "Graphs"), and
 * every declared output to be produced. A violation is an exporter bug, reported with the names.
 */
import type { ModelProto } from '../proto/onnx.js';

export function validateModel(model: ModelProto): void {
  const g = model.graph;
  const problems: string[] = [];
  if (!g) throw new Error('internal: ONNX model has no graph');
  const defined = new Set<string>();
  const define = (name: string, what: string) => {
    if (defined.has(name)) problems.push(`tensor "${name}" is defined twice (${what})`);
    defined.add(name);
  };
  for (const i of g.input ?? []) define(i.name!, 'graph input');
  for (const t of g.initializer ?? []) define(t.name!, 'initializer');
  const nodeNames = new Set<string>();
  for (const n of g.node ?? []) {
    if (n.name) {
      if (nodeNames.has(n.name)) problems.push(`node name "${n.name}" is used twice`);
      nodeNames.add(n.name);
    }
    for (const i of n.input ?? []) if (i !== '' && !defined.has(i)) problems.push(`node "${n.name}" reads "${i}" before it is defined`);
    for (const o of n.output ?? []) define(o, `output of node "${n.name}"`);
  }
  for (const o of g.output ?? []) if (!defined.has(o.name!)) problems.push(`graph output "${o.name}" is never produced`);
  if (problems.length > 0) {
    throw new Error(`internal: invalid ONNX graph "${g.name}": ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`);
  }
}
