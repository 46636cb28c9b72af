/**
 * The marker of a PNG `modreg graph` wrote: a binary file cannot start with a comment line, so
 * the marker is a `tEXt` chunk (keyword `Comment`) right after the image header, where PNG
 * keeps text metadata. Image viewers ignore it; a later run finds it and may replace the file.
 */
import { crc32 } from "node:zlib";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const KEYWORD = "Comment";

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** The chunks of a PNG as `[type, data]`, or `undefined` when `bytes` is not a well-formed PNG. */
function chunks(bytes: Uint8Array): [string, Buffer][] | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < SIGNATURE.length || !buffer.subarray(0, 8).equals(SIGNATURE)) return undefined;
  const result: [string, Buffer][] = [];
  let at = SIGNATURE.length;
  while (at + 12 <= buffer.length) {
    const length = buffer.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > buffer.length) return undefined;
    const type = buffer.toString("latin1", at + 4, at + 8);
    result.push([type, buffer.subarray(at + 8, at + 8 + length)]);
    at = end;
    if (type === "IEND") return result;
  }
  return undefined;
}

/** `png` with a `tEXt` chunk `Comment: <marker>` inserted after its header chunk. */
export function markPng(png: Uint8Array, marker: string): Buffer {
  const buffer = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (chunks(buffer)?.[0]?.[0] !== "IHDR") throw new Error("not a PNG image");
  const headerEnd = SIGNATURE.length + 12 + buffer.readUInt32BE(SIGNATURE.length);
  const text = chunk("tEXt", Buffer.from(`${KEYWORD}\0${marker}`, "latin1"));
  return Buffer.concat([buffer.subarray(0, headerEnd), text, buffer.subarray(headerEnd)]);
}

/** True when `bytes` is a PNG carrying the `tEXt` chunk `Comment: <marker>` (what `markPng` adds). */
export function isMarkedPng(bytes: Uint8Array, marker: string): boolean {
  const expected = `${KEYWORD}\0${marker}`;
  return (chunks(bytes) ?? []).some(
    ([type, data]) => type === "tEXt" && data.toString("latin1") === expected,
  );
}
