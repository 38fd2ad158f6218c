// Enhances NHS.UK frontend components (header menu, error summary focus, password
// reveal, file upload, double-submit prevention). Every page works without it.
import { initAll } from "../nhsuk/nhsuk/nhsuk-frontend.min.js";

initAll();
