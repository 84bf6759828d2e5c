/**
 * `twilio-conversations-acs/server`: token issuing, identity and conversation directories and
 * a Fetch-API request handler. Reserved in the package layout; built in the server-kit milestone.
 */
export {};
