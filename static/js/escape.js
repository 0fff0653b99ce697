// escape.js: text for Plotly. Plotly reads tags (<b>, <br>, <a href>) in trace
// names, labels and texts; words and class names from uploaded data must show as typed.
export const plain = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
