// Loaded synchronously as the first thing in <body> so the classes are set before the
// page paints: NHS.UK frontend's CSS hides JavaScript-only parts (and shows their
// no-JavaScript fallbacks) based on them. It is a file, not an inline script, because
// the Content Security Policy allows scripts from 'self' only.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
