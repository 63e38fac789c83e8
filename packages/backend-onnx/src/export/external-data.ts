/**
 * Moves large initializers out of the ModelProto into one side file ("external data", ONNX IR:
 * TensorProto.data_location = EXTERNAL with `location`, `offset`, `length` entries). ONNX Runtime
 * reads it when the model is opened from a path, from the folder of the .onnx. Used to keep
 * ModelProto files small (protobuf's 2 GB limit; carrying a model structure without its weights).
 */
import { onnx, type ModelProto, type TensorProto } from '../proto/onnx.js';

export interface ExternalDataEntry {
  name: string;
  dataType: number;
  dims: number[];
  offset: number;
  length: number;
}

/** Offsets are aligned so the runtime may memory-map the file. */
const ALIGN = 4096;

export function toExternalData(model: ModelProto, location: string, options: { minBytes?: number } = {}): { model: ModelProto; data: Uint8Array; entries: ExternalDataEntry[] } {
  const minBytes = options.minBytes ?? 1024;
  const g = model.graph!;
  const entries: ExternalDataEntry[] = [];
  const chunks: { offset: number; bytes: Uint8Array }[] = [];
  let end = 0;
  const initializer: TensorProto[] = (g.initializer ?? []).map((t) => {
    const raw = t.rawData;
    if (!raw || raw.length < minBytes) return t;
    const offset = Math.ceil(end / ALIGN) * ALIGN;
    chunks.push({ offset, bytes: raw });
    end = offset + raw.length;
    entries.push({ name: t.name!, dataType: t.dataType!, dims: (t.dims ?? []).map(Number), offset, length: raw.length });
    return onnx.TensorProto.create({
      name: t.name!,
      dims: t.dims ?? [],
      dataType: t.dataType!,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(raw.length) },
      ],
    });
  });
  const data = new Uint8Array(end);
  for (const c of chunks) data.set(c.bytes, c.offset);
  return { model: { ...model, graph: { ...g, initializer } }, data, entries };
}
