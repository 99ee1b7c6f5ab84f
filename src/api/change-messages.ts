/** English texts of the event types ListAppChanges shows, as ZITADEL's en.yaml words them. */
const MESSAGES: Readonly<Record<string, string>> = {
  "project.application.added": "Application added",
  "project.application.changed": "Application changed",
  "project.application.deactivated": "Application deactivated",
  "project.application.reactivated": "Application reactivated",
  "project.application.removed": "Application removed",
  "project.application.config.api.added": "API Configuration added",
  "project.application.config.api.changed": "API Configuration changed",
  "project.application.config.api.secret.changed": "API secret changed",
  "project.application.config.api.secret.updated": "API secret hash updated",
  // keygate's own (keygate.v1.AppSecretService).
  "keygate.app.secret.added": "API secret added",
  "keygate.app.secret.removed": "API secret removed",
  // keygate's own (keygate.v1), worded as ZITADEL's are.
  "project.application.keygate.metadata.set": "Application description changed",
};

export const eventTypeKey = (eventType: string) => `EventTypes.${eventType}`;

/** Unknown types are shown by their key, as ZITADEL's translator does for missing texts. */
export const localizedEventType = (eventType: string) => MESSAGES[eventType] ?? eventTypeKey(eventType);
