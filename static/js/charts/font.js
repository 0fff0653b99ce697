// font.js: what every Plotly chart shares: its config (CONFIG) and its font (each chart's
// layout has font: FONT). Plotly
// draws its text in SVG with its own family ("Open Sans", verdana, arial), where Hangul
// shows as empty boxes on a machine without a Korean font: "Playground Hangul" (our
// subset of NanumGothic, static/fonts/, @font-face in playground.css) comes first on a
// Korean page, as in the page's CSS, and before the generic family on any other.
const PLOTLY = '"Open Sans", verdana, arial';
export const FONT_FAMILY = '"Playground Hangul"';

export const FONT = {
  family: document.documentElement.lang === "ko" ? `${FONT_FAMILY}, ${PLOTLY}, sans-serif` : `${PLOTLY}, ${FONT_FAMILY}, sans-serif`,
};

/** Every Plotly chart's config: no mode bar, sized by its box. */
export const CONFIG = Object.freeze({ displayModeBar: false, responsive: true });
