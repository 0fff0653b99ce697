// i18n.js: the page's words in the visitor's language. Django's JavaScript catalog
// (/jsi18n/, loaded by base.html before any module) defines the globals gettext,
// ngettext and interpolate; without it the English source is shown. Call these
// with literal strings, gettext("...") and ngettext("...", "...", n), so that
// `manage.py makemessages -d djangojs` finds them (locale/*/LC_MESSAGES/djangojs.po).
// Placeholders are named: interpolate(gettext("%(n)s left"), { n }).
const catalog = globalThis;

/** The translation of msgid (itself when there is none). */
export function gettext(msgid) {
  return typeof catalog.gettext === "function" ? catalog.gettext(msgid) : msgid;
}

/** The singular or plural translation for count n. */
export function ngettext(singular, plural, n) {
  return typeof catalog.ngettext === "function" ? catalog.ngettext(singular, plural, n) : n === 1 ? singular : plural;
}

/** fmt with each %(name)s replaced by String(values[name]). */
export function interpolate(fmt, values) {
  return fmt.replace(/%\((\w+)\)s/g, (match, name) => (Object.hasOwn(values, name) ? String(values[name]) : match));
}
