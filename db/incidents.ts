// Incidents and maintenances (one table, `kind` tells them apart) and their updates, as the state
// machine and the operators' actions write them.
import type { AffectedComponent } from "../worker/domain/incidents";
import { type SqlStatement, sqlOf } from "./sql";

/** An incident update to write: automatic (the state machine) or an operator's. */
export interface IncidentUpdateRecord {
  id: string;
  incidentId: string;
  status: string;
  body: string;
  affectedComponents: AffectedComponent[] | null;
  createdAt: string;
}

/** Incident updates, shown at the time they were made: one statement for any number of them. */
export function insertIncidentUpdates(updates: IncidentUpdateRecord[]): SqlStatement {
  return sqlOf(
    `INSERT INTO incident_updates (id, incident_id, status, body, affected_components, created_at, display_at)
     SELECT json_extract(value, '$.id'), json_extract(value, '$.incidentId'), json_extract(value, '$.status'),
       json_extract(value, '$.body'), json_extract(value, '$.affected'), json_extract(value, '$.createdAt'),
       json_extract(value, '$.createdAt')
     FROM json_each(?1)`,
    JSON.stringify(
      updates.map((u) => ({
        id: u.id,
        incidentId: u.incidentId,
        status: u.status,
        body: u.body,
        affected: u.affectedComponents ? JSON.stringify(u.affectedComponents) : null,
        createdAt: u.createdAt,
      })),
    ),
  );
}

/** Adds components to an incident (those already on it stay). */
export const insertIncidentComponents = (incidentId: string, componentIds: string[]): SqlStatement =>
  sqlOf("INSERT OR IGNORE INTO incident_components (incident_id, component_id) SELECT ?1, value FROM json_each(?2)", incidentId, JSON.stringify(componentIds));
