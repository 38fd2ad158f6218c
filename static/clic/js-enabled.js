// Loaded synchronously as the first thing in <body> so the classes are set before the
// page paints: NHS.UK frontend's CSS hides JavaScript-only parts (and shows their
// no-JavaScript fallbacks) based on them. It is a file, not an inline script, because
// the Content Security Policy allows scripts from 'self' only.
document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  // Browsers that run ES modules run app.js, which enhances the components.
  document.body.classList.add("nhsuk-frontend-supported");
}
