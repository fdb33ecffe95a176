// Starts GOV.UK Frontend's components. Kept out of the page so the CSP needs no inline script.
import { initAll } from "../vendor/govuk-frontend.min.js";

initAll();
