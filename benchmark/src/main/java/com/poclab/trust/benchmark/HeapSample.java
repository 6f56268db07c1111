package com.poclab.trust.benchmark;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Keycloak's heap after a full GC, twice: with the user sessions the flows left (each lives for the
 * realm's SSO idle time, 30 min by default, longer than the soak), and once those sessions are ended
 * through the admin API. The second figure is the one a leak would move.
 */
public record HeapSample(long withSessions, long activeSessions, long sessionsEnded) {

    /** The realms whose flows leave user sessions. */
    static final List<String> REALMS = List.of("eam", "okta", "baseline");

    static HeapSample take(KeycloakProcess keycloak, KeycloakAdmin admin) {
        long heap = keycloak.heapUsedAfterGc();
        long sessions = 0;
        for (String realm : REALMS) {
            for (JsonNode client : admin.get("/" + realm + "/client-session-stats")) {
                sessions += client.path("active").asLong();
            }
        }
        for (String realm : REALMS) {
            admin.post("/" + realm + "/logout-all", "");
        }
        return new HeapSample(heap, sessions, keycloak.heapUsedAfterGc());
    }
}
