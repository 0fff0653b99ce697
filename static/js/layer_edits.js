// layer_edits.js: the edits of a dense network on points (builder.js and the +/- layer buttons
// report them): they change the spec that spec() returns, then call edited() to redraw it.

/** builder.js's handlers (feature, units, activation, move, remove), and add / removeLast for the buttons. */
export function layerEdits(spec, catalog, edited) {
  return {
    feature(name, on) {
      const chosen = new Set(spec().features);
      if (on) chosen.add(name); else chosen.delete(name);
      spec().features = catalog.features.filter((f) => chosen.has(f));
      edited();
    },
    units(i, n) {
      const max = catalog.layer_types.dense.units.max;
      if (!Number.isFinite(n)) return;
      spec().layers[i].units = Math.max(1, Math.min(max, n));
      edited();
    },
    activation(i, name) { spec().layers[i].activation = name; edited(); },
    move(i, delta) {
      const layers = spec().layers;
      [layers[i], layers[i + delta]] = [layers[i + delta], layers[i]];
      edited();
    },
    remove(i) { spec().layers.splice(i, 1); edited(); },
    /** A hidden layer before the output: a copy of the last one (its initializers too), else 4 tanh units. */
    add() {
      const layers = spec().layers;
      const prev = layers.length > 1 ? layers[layers.length - 2] : { ...layers[layers.length - 1], units: 4, activation: "tanh" };
      layers.splice(layers.length - 1, 0, structuredClone(prev));
      edited();
    },
    /** The last hidden layer goes; the output layer stays. */
    removeLast() {
      const layers = spec().layers;
      if (layers.length > 1) { layers.splice(layers.length - 2, 1); edited(); }
    },
  };
}
