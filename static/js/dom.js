// dom.js: building elements without parsing markup (text always lands as text).

// Properties that parse their value as markup: refused, so data can never become HTML.
const MARKUP = /HTML$|^srcdoc$/;

/** el("button", {class, text, "data-x": ..., anyProperty}, ...children) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (MARKUP.test(k)) throw new Error(`el(): ${k} parses markup; pass text or children`);
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("data-")) node.setAttribute(k, v);
    else node[k] = v;
  }
  node.append(...children.filter(Boolean));
  return node;
}

/** The short form: box("div", "class-name", "text"). */
export function box(tag, className, text) {
  return el(tag, { ...(className ? { class: className } : {}), ...(text !== undefined ? { text } : {}) });
}
