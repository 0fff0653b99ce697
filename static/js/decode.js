// decode.js: the server's quantized grids (base64 uint8) as typed arrays, and its `boundary`
// and `neurons` frames in the shape forward.js gives the pictures it computes (see there).

/** base64 -> Uint8Array. */
export function decodeBytes(b64) {
  const raw = atob(b64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** Decode a base64 uint8 grid into a Float32Array of values in [lo, hi]. */
export function decodeGrid(b64, range) {
  const bytes = decodeBytes(b64);
  const [lo, hi] = range || [0, 1];
  const out = new Float32Array(bytes.length);
  const scale = (hi - lo) / 255;
  for (let i = 0; i < bytes.length; i++) out[i] = lo + bytes[i] * scale;
  return out;
}

/** A server `boundary` frame (quantized, base64) in the decoded shape. */
export function decodeBoundary(frame) {
  const decoded = { size: frame.size, extent: frame.extent, range: frame.range, values: decodeGrid(frame.data, frame.range) };
  if (frame.classes) Object.assign(decoded, { classes: frame.classes, labels: decodeBytes(frame.labels) });
  return decoded;
}

/** A server `neurons` frame in the decoded shape. */
export function decodeNeurons(frame) {
  return {
    ...frame,
    layers: frame.layers.map((l) => ({ range: l.range, units: l.units.map((u) => decodeGrid(u, l.range)) })),
  };
}
