// Starts GOV.UK Frontend's components and the timeout warning. Kept out of the page so the CSP needs no
// inline script.
import { initAll } from "../vendor/govuk-frontend.min.js";
import { startTimeoutWarning } from "./session-timeout.mjs";

initAll();

const timeoutWarning = document.getElementById("session-timeout");
if (timeoutWarning) startTimeoutWarning(timeoutWarning);
