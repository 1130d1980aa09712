/**
 * The bytes a message takes on its way to a webview, as VS Code posts it: JSON for its structure,
 * each typed array's buffer as binary beside it (a reference of about 80 characters in the JSON).
 * For the snapshot's size bound (under 100 KB a step) in tests and the bench. Pure.
 */
export function messageBytes(message: unknown): number {
  const buffers = new Set<ArrayBufferLike>();
  const json = JSON.stringify(message, (_k, v: unknown) => {
    if (!ArrayBuffer.isView(v)) return v;
    buffers.add(v.buffer); // VS Code sends the whole buffer a view lies in, once per buffer
    return { $$vscode_array_buffer_reference$$: buffers.size - 1, type: 9, byteLength: v.byteLength, byteOffset: v.byteOffset };
  });
  let bytes = json.length;
  for (const b of buffers) bytes += b.byteLength;
  return bytes;
}
