package com.poclab.trust.benchmark;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Keycloak's heap right after a full GC, with the number of user sessions alive at that moment:
 * Okta and baseline flows each leave one (kept for the realm's SSO idle time: 5 min in realm okta,
 * Keycloak's default 30 min in the stock baseline realm); EAM flows leave none (transient sessions).
 */
public record HeapSample(long heapUsed, long activeSessions) {

    /** The realms the scenarios sign in to. */
    static final List<String> REALMS = List.of("eam", "okta", "baseline");

    static HeapSample take(KeycloakProcess keycloak, KeycloakAdmin admin) {
        long heap = keycloak.heapUsedAfterGc();
        long sessions = 0;
        for (String realm : REALMS) {
            for (JsonNode client : admin.get("/" + realm + "/client-session-stats")) {
                sessions += client.path("active").asLong();
            }
        }
        return new HeapSample(heap, sessions);
    }
}
